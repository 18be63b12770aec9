package io.whmcsbridge.runtime.store;

import io.whmcsbridge.model.CloudEvent;
import io.whmcsbridge.model.CloudEventCodec;
import io.whmcsbridge.model.CommandStatus;
import io.whmcsbridge.model.EventTypes;
import io.whmcsbridge.runtime.config.BridgeConfig;
import io.whmcsbridge.runtime.pipeline.IncomingCommand;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * The command log and the outbox. Every method is one transaction: the terminal update of a command and its outbox
 * row commit together, and the {@code IN_FLIGHT} mark commits before a non-idempotent call leaves. The pipeline's
 * methods run as plain JDBC through {@link GroupCommit}, which shares one commit among the commands of a busy moment;
 * the HTTP ingress and reads use the Panache entities.
 */
@ApplicationScoped
public class CommandStore {

    /** What the log knew of a command when it arrived. */
    public record Seen(CommandStatus status, String storedResult) {
        public boolean isNew() {
            return status == CommandStatus.RECEIVED;
        }
    }

    /** Fired inside the transaction that wrote an outbox row; the relay observes it after commit. */
    public record OutboxWritten(String commandId) {
    }

    @Inject
    BridgeConfig config;
    @Inject
    Event<OutboxWritten> outboxWritten;
    @Inject
    GroupCommit groupCommit;

    /** Records a command's arrival, or tells what the log already knows of its id. */
    public Seen receive(IncomingCommand command, String action, String instance, String redactedParams)
            throws SQLException, InterruptedException {
        return groupCommit.run(false, c -> {
            Timestamp now = Timestamp.from(Instant.now());
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO command_log (command_id, type, action, "
                    + "ordering_key, source, instance, status, params, attempts, received_at, updated_at, kafka_topic, "
                    + "kafka_partition, kafka_offset, trace_id) VALUES (?, ?, ?, ?, ?, ?, 'RECEIVED', ?::jsonb, 0, ?, ?, "
                    + "?, ?, ?, ?) ON CONFLICT (command_id) DO NOTHING")) {
                insert.setString(1, command.id());
                insert.setString(2, command.event().type());
                insert.setString(3, action);
                insert.setString(4, command.key());
                insert.setString(5, command.event().source());
                insert.setString(6, instance);
                insert.setString(7, redactedParams);
                insert.setTimestamp(8, now);
                insert.setTimestamp(9, now);
                insert.setString(10, command.topic());
                insert.setObject(11, command.partition(), Types.INTEGER);
                insert.setObject(12, command.offset(), Types.BIGINT);
                insert.setString(13, command.traceId());
                if (insert.executeUpdate() == 1) {
                    return new Seen(CommandStatus.RECEIVED, null);
                }
            }
            try (PreparedStatement select = c.prepareStatement(
                    "SELECT status, result, kafka_topic FROM command_log WHERE command_id = ? FOR UPDATE")) {
                select.setString(1, command.id());
                try (ResultSet rs = select.executeQuery()) {
                    rs.next();
                    CommandStatus status = CommandStatus.valueOf(rs.getString(1));
                    String result = rs.getString(2);
                    if (status == CommandStatus.RECEIVED && rs.getString(3) == null) {
                        // accepted over HTTP; now it has arrived through Kafka
                        try (PreparedStatement update = c.prepareStatement("UPDATE command_log SET kafka_topic = ?, "
                                + "kafka_partition = ?, kafka_offset = ?, action = ? WHERE command_id = ?")) {
                            update.setString(1, command.topic());
                            update.setObject(2, command.partition(), Types.INTEGER);
                            update.setObject(3, command.offset(), Types.BIGINT);
                            update.setString(4, action);
                            update.setString(5, command.id());
                            update.executeUpdate();
                        }
                    }
                    return new Seen(status, result);
                }
            }
        });
    }

    /** Commits before a non-idempotent call leaves, so a restart knows the call may have left. */
    public void markInFlight(String commandId) throws SQLException, InterruptedException {
        groupCommit.run(false, c -> {
            try (PreparedStatement update = c.prepareStatement(
                    "UPDATE command_log SET status = 'IN_FLIGHT', updated_at = ? WHERE command_id = ?")) {
                update.setTimestamp(1, Timestamp.from(Instant.now()));
                update.setString(2, commandId);
                return update.executeUpdate();
            }
        });
    }

    /** Records the terminal status and queues the result event, in one transaction. */
    public void complete(IncomingCommand command, CloudEvent result, CommandStatus status, String errorCode,
            int attempts) throws SQLException, InterruptedException {
        String json = new String(CloudEventCodec.writeStructured(result), StandardCharsets.UTF_8);
        groupCommit.run(true, c -> {
            Timestamp now = Timestamp.from(Instant.now());
            try (PreparedStatement update = c.prepareStatement("UPDATE command_log SET status = ?, result = ?::jsonb, "
                    + "result_event_id = ?, error_code = ?, attempts = ?, updated_at = ?, completed_at = ? "
                    + "WHERE command_id = ?")) {
                update.setString(1, status.name());
                update.setString(2, json);
                update.setString(3, result.id());
                update.setString(4, errorCode);
                update.setInt(5, attempts);
                update.setTimestamp(6, now);
                update.setTimestamp(7, now);
                update.setString(8, command.id());
                update.executeUpdate();
            }
            insertOutbox(c, command.id(), command.orderingKey(), result.type(), json,
                    command.event().extension("traceparent"));
            return null;
        });
    }

    /** Publishes a stored result again (a command id seen before), with its original event id. */
    public void republish(IncomingCommand command) throws SQLException, InterruptedException {
        groupCommit.run(true, c -> {
            String stored;
            String key;
            try (PreparedStatement select = c.prepareStatement(
                    "SELECT result, ordering_key FROM command_log WHERE command_id = ?")) {
                select.setString(1, command.id());
                try (ResultSet rs = select.executeQuery()) {
                    rs.next();
                    stored = rs.getString(1);
                    key = rs.getString(2) == null ? command.orderingKey() : rs.getString(2);
                }
            }
            CloudEvent event = CloudEventCodec.readStructuredUnchecked(stored);
            insertOutbox(c, command.id(), key, event.type(), stored, event.extension("traceparent"));
            return null;
        });
    }

    private void insertOutbox(Connection c, String commandId, String key, String type, String payload,
            String traceparent) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO outbox_event (id, aggregatetype, aggregateid, "
                + "type, payload, tracingspancontext, command_id, created_at) VALUES (?, ?, ?, ?, ?::jsonb, ?, ?, ?)")) {
            insert.setObject(1, UUID.randomUUID());
            insert.setString(2, EventTypes.resultsTopic(config.family()));
            insert.setString(3, key);
            insert.setString(4, type);
            insert.setString(5, payload);
            insert.setString(6, traceparent);
            insert.setString(7, commandId);
            insert.setTimestamp(8, Timestamp.from(Instant.now()));
            insert.executeUpdate();
        }
    }

    /** What became of a command accepted over HTTP. */
    public enum Acceptance {
        ACCEPTED, ALREADY_ACCEPTED, CONFLICT
    }

    /**
     * Records a command accepted over HTTP and queues it for the commands topic, in one transaction: once this
     * commits the command is not lost even if Kafka is down. The same id again with the same request is accepted
     * again without a second command; with a different request it is a conflict.
     */
    @Transactional
    public Acceptance accept(CloudEvent command, String key, String action, String instance, String redactedParams,
            String requestSha256) {
        CommandLog existing = CommandLog.findById(command.id());
        if (existing != null) {
            return requestSha256.equals(existing.requestSha256) ? Acceptance.ALREADY_ACCEPTED : Acceptance.CONFLICT;
        }
        Instant now = Instant.now();
        CommandLog row = new CommandLog();
        row.commandId = command.id();
        row.type = command.type();
        row.action = action;
        row.orderingKey = key;
        row.source = command.source();
        row.instance = instance;
        row.status = CommandStatus.RECEIVED;
        row.params = redactedParams;
        row.requestSha256 = requestSha256;
        row.receivedAt = now;
        row.updatedAt = now;
        row.traceId = command.extension("traceparent");
        row.persist();
        OutboxEvent e = new OutboxEvent();
        e.id = UUID.randomUUID();
        e.aggregatetype = EventTypes.commandsTopic(config.family());
        e.aggregateid = key;
        e.type = command.type();
        e.payload = new String(CloudEventCodec.writeStructured(command), StandardCharsets.UTF_8);
        e.tracingspancontext = command.extension("traceparent");
        e.commandId = command.id();
        e.createdAt = now;
        e.persist();
        outboxWritten.fire(new OutboxWritten(command.id()));
        return Acceptance.ACCEPTED;
    }

    /** The command as committed now: a new transaction each time, so a polling caller sees fresh state. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public Optional<CommandLog> find(String commandId) {
        return CommandLog.findByIdOptional(commandId);
    }
}
