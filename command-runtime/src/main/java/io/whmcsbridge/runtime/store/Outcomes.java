package io.whmcsbridge.runtime.store;

import io.whmcsbridge.model.CloudEvent;
import io.whmcsbridge.model.CloudEventCodec;
import io.whmcsbridge.model.CommandStatus;
import io.whmcsbridge.runtime.command.IncomingCommand;
import io.whmcsbridge.runtime.outbox.Outbox;
import io.whmcsbridge.runtime.outbox.OutboxPublisher;
import io.whmcsbridge.runtime.outbox.OutboxRow;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;

import static io.whmcsbridge.runtime.store.CommandRows.clean;
import static io.whmcsbridge.runtime.store.CommandRows.fit;

/**
 * A command's terminal status and its result event: the update of its row and the result's outbox row commit together
 * (through {@link GroupCommit}), and the row is handed to the publisher once committed. An idempotent command needs
 * no commit before its call: its row is written with its outcome, one commit per command.
 */
@ApplicationScoped
public class Outcomes {
    @Inject
    GroupCommit groupCommit;
    @Inject
    Outbox outbox;
    @Inject
    OutboxPublisher publisher;
    @Inject
    Leases leases;

    /**
     * Records the terminal status and queues the result event, in one transaction. The row is inserted if the
     * command had none (idempotent actions and rejections need no commit before the call). If the command was
     * already terminal (the same id finished elsewhere meanwhile), its stored result is queued instead.
     */
    public void complete(IncomingCommand command, String action, String instance, String redactedParams,
            CloudEvent result, CommandStatus status, String errorCode, int attempts)
            throws SQLException, InterruptedException {
        complete(command, action, instance, redactedParams, result,
                new String(CloudEventCodec.writeStructured(result), StandardCharsets.UTF_8), status, errorCode, attempts);
    }

    /**
     * {@link #complete(IncomingCommand, String, String, String, CloudEvent, CommandStatus, String, int)} with the
     * result already written as JSON ({@code json}, which is what is stored and published). {@code redactedParams}
     * may be null: the row is then stored without its parameters.
     */
    public void complete(IncomingCommand command, String action, String instance, String redactedParams,
            CloudEvent result, String json, CommandStatus status, String errorCode, int attempts)
            throws SQLException, InterruptedException {
        OutboxRow row = groupCommit.run(c -> {
            Timestamp now = Timestamp.from(Instant.now());
            int updated;
            try (PreparedStatement update = c.prepareStatement("UPDATE command_log SET status = ?, result = ?::jsonb, "
                    + "result_event_id = ?, error_code = ?, attempts = ?, updated_at = ?, completed_at = ?, "
                    + "action = COALESCE(action, ?), kafka_topic = COALESCE(kafka_topic, ?), "
                    + "kafka_partition = COALESCE(kafka_partition, ?), kafka_offset = COALESCE(kafka_offset, ?) "
                    + "WHERE command_id = ? AND status IN ('RECEIVED', 'IN_FLIGHT', 'RECONCILING')")) {
                update.setString(1, clean(status.name()));
                update.setString(2, clean(json));
                update.setString(3, clean(result.id()));
                update.setString(4, clean(fit(errorCode, 120)));
                update.setInt(5, attempts);
                update.setTimestamp(6, now);
                update.setTimestamp(7, now);
                update.setString(8, clean(action));
                update.setString(9, clean(command.topic()));
                update.setObject(10, command.partition(), Types.INTEGER);
                update.setObject(11, command.offset(), Types.BIGINT);
                update.setString(12, clean(command.id()));
                updated = update.executeUpdate();
            }
            if (updated == 0
                    && CommandRows.insert(c, command, action, instance, redactedParams, status, now, null, null)) {
                try (PreparedStatement update = c.prepareStatement("UPDATE command_log SET result = ?::jsonb, "
                        + "result_event_id = ?, error_code = ?, attempts = ?, completed_at = ? WHERE command_id = ?")) {
                    update.setString(1, clean(json));
                    update.setString(2, clean(result.id()));
                    update.setString(3, clean(fit(errorCode, 120)));
                    update.setInt(4, attempts);
                    update.setTimestamp(5, now);
                    update.setString(6, clean(command.id()));
                    update.executeUpdate();
                }
                updated = 1;
            }
            if (updated == 1) {
                return queueResult(c, command.id(), command.orderingKey(), result.type(), json,
                        result.extension("traceparent"));
            }
            return queueStoredResult(c, command);
        });
        leases.released(command.id());
        publisher.handOver(row);
    }

    /** Publishes a stored result again (a command id seen before), with its original event id. */
    public void republish(IncomingCommand command) throws SQLException, InterruptedException {
        publisher.handOver(groupCommit.run(c -> queueStoredResult(c, command)));
    }

    private OutboxRow queueStoredResult(Connection c, IncomingCommand command) throws SQLException {
        String stored;
        String key;
        try (PreparedStatement select = c.prepareStatement(
                "SELECT result, ordering_key FROM command_log WHERE command_id = ?")) {
            select.setString(1, clean(command.id()));
            try (ResultSet rs = select.executeQuery()) {
                rs.next();
                stored = rs.getString(1);
                key = rs.getString(2) == null ? command.orderingKey() : rs.getString(2);
            }
        }
        CloudEvent event = CloudEventCodec.readStructuredUnchecked(stored);
        return queueResult(c, command.id(), key, event.type(), stored, event.extension("traceparent"));
    }

    /** The result's outbox row, its values cleaned as the command log's are. */
    private OutboxRow queueResult(Connection c, String commandId, String key, String type, String payload,
            String traceparent) throws SQLException {
        return outbox.insert(c, outbox.resultsTopic(), clean(commandId), clean(key), clean(type), clean(payload),
                clean(traceparent), Instant.now());
    }
}
