package io.whmcsbridge.runtime.store;

import io.agroal.api.AgroalDataSource;
import io.whmcsbridge.model.CloudEvent;
import io.whmcsbridge.model.CloudEventCodec;
import io.whmcsbridge.runtime.outbox.Outbox;
import io.whmcsbridge.runtime.outbox.OutboxPublisher;
import io.whmcsbridge.runtime.outbox.OutboxRow;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;

/**
 * Commands accepted over HTTP: the command's {@code RECEIVED} row and its outbox row for the commands topic commit in
 * one plain JDBC transaction on the request's thread (not through {@link GroupCommit}: the ingress does not wait on
 * the pipeline's writers), written by the same writers as the pipeline's rows, and the outbox row is handed to the
 * publisher once committed.
 */
@ApplicationScoped
public class Acceptances {

    /** What became of a command accepted over HTTP. */
    public enum Acceptance {
        ACCEPTED, ALREADY_ACCEPTED, CONFLICT
    }

    @Inject
    AgroalDataSource dataSource;
    @Inject
    Outbox outbox;
    @Inject
    OutboxPublisher publisher;

    /**
     * Records a command accepted over HTTP and queues it for the commands topic, in one transaction: once this
     * commits the command is not lost even if Kafka is down. The same id again with the same request is accepted
     * again without a second command; with a different request it is a conflict. Of two concurrent accepts of one id,
     * the second waits for the first's insert and then answers as a retry (or a conflict) would.
     *
     * @throws IllegalStateException if the database could not record it (nothing is recorded then)
     */
    public Acceptance accept(CloudEvent command, String key, String action, String instance, String redactedParams,
            String requestSha256) {
        OutboxRow row;
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                Instant now = Instant.now();
                if (!CommandRows.insertAccepted(c, command, key, action, instance, redactedParams, requestSha256,
                        Timestamp.from(now))) {
                    String existing = CommandRows.requestSha256(c, command.id());
                    c.commit();
                    return requestSha256.equals(existing) ? Acceptance.ALREADY_ACCEPTED : Acceptance.CONFLICT;
                }
                row = outbox.insert(c, outbox.commandsTopic(), command.id(), key, command.type(),
                        new String(CloudEventCodec.writeStructured(command), StandardCharsets.UTF_8),
                        command.extension("traceparent"), now);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                try {
                    c.rollback();
                } catch (SQLException ignored) {
                    // the connection is broken; the pool discards it
                }
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the command could not be recorded: " + e, e);
        }
        publisher.handOver(row);
        return Acceptance.ACCEPTED;
    }
}
