package io.whmcsbridge.runtime.store;

import io.agroal.api.AgroalDataSource;
import io.whmcsbridge.model.CloudEvent;
import io.whmcsbridge.model.CloudEventCodec;
import io.whmcsbridge.model.CommandStatus;
import io.whmcsbridge.model.EventTypes;
import io.whmcsbridge.runtime.config.BridgeConfig;
import io.whmcsbridge.runtime.fleet.Replica;
import io.whmcsbridge.runtime.command.IncomingCommand;
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
 * row commit together, and the {@code IN_FLIGHT} mark commits before a non-idempotent call leaves. An idempotent
 * command needs no commit before its call: its row is written with its outcome, one commit per command. The pipeline's
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

    @Inject
    BridgeConfig config;
    @Inject
    Event<OutboxRelay.Written> outboxWritten;
    @Inject
    GroupCommit groupCommit;
    @Inject
    OutboxRelay relay;
    @Inject
    AgroalDataSource dataSource;
    @Inject
    Replica replica;
    @Inject
    Leases leases;

    /** What the log knows of a command id now (a plain read, no commit), or {@code null} if nothing. */
    public Seen lookup(String commandId) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement select = c.prepareStatement(
                        "SELECT status, result FROM command_log WHERE command_id = ?")) {
            select.setString(1, clean(commandId));
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? new Seen(CommandStatus.valueOf(rs.getString(1)), rs.getString(2)) : null;
            }
        }
    }

    /**
     * What the log said when a non-idempotent call was about to leave. {@code before} is the status the command had:
     * {@code null} (new) or {@code RECEIVED} (accepted over HTTP): this replica now holds the call;
     * {@code IN_FLIGHT} with {@code holder} set: another replica's call is running under a live lease, wait for its
     * outcome; {@code IN_FLIGHT} without holder: the lease expired (its holder died while the call was out), so the
     * call may or may not have taken effect; a terminal status: finished meanwhile.
     */
    public record Claim(CommandStatus before, String holder) {
        public boolean mine() {
            return before == null || before == CommandStatus.RECEIVED;
        }

        public boolean heldElsewhere() {
            return before == CommandStatus.IN_FLIGHT && holder != null;
        }

        public boolean expired() {
            return before == CommandStatus.IN_FLIGHT && holder == null;
        }

        /** Its answer was lost and its effect is being read back: the read-back publishes its result. */
        public boolean reconciling() {
            return before == CommandStatus.RECONCILING;
        }
    }

    /**
     * Marks a command {@code IN_FLIGHT} under this replica's lease before its non-idempotent call leaves (inserting
     * its row if it has none). A row {@code IN_FLIGHT} under another replica's live lease is left alone; one whose
     * lease expired is taken over (so the holder, if it was only slow, can no longer renew it) and reported expired.
     * Lease times are the database's clock, the same for every replica.
     */
    public Claim claimForCall(IncomingCommand command, String action, String instance, String redactedParams)
            throws SQLException, InterruptedException {
        long leaseMillis = config.processing().lease().toMillis();
        Claim claim = groupCommit.run(c -> {
            CommandStatus before = null;
            String holder = null;
            boolean live = false;
            try (PreparedStatement select = c.prepareStatement("SELECT status, lease_holder, "
                    + "COALESCE(lease_until > clock_timestamp(), false) FROM command_log WHERE command_id = ? FOR UPDATE")) {
                select.setString(1, clean(command.id()));
                try (ResultSet rs = select.executeQuery()) {
                    if (rs.next()) {
                        before = CommandStatus.valueOf(rs.getString(1));
                        holder = rs.getString(2);
                        live = rs.getBoolean(3);
                    }
                }
            }
            Timestamp now = Timestamp.from(Instant.now());
            if (before == null) {
                insertRow(c, command, action, instance, redactedParams, CommandStatus.IN_FLIGHT, now, replica.id(),
                        leaseMillis);
                return new Claim(null, null);
            }
            if (before == CommandStatus.RECEIVED) {
                try (PreparedStatement update = c.prepareStatement("UPDATE command_log SET status = 'IN_FLIGHT', "
                        + "updated_at = ?, action = ?, kafka_topic = COALESCE(kafka_topic, ?), "
                        + "kafka_partition = COALESCE(kafka_partition, ?), kafka_offset = COALESCE(kafka_offset, ?), "
                        + "lease_holder = ?, lease_until = clock_timestamp() + ? * interval '1 millisecond' "
                        + "WHERE command_id = ?")) {
                    update.setTimestamp(1, now);
                    update.setString(2, clean(action));
                    update.setString(3, clean(command.topic()));
                    update.setObject(4, command.partition(), Types.INTEGER);
                    update.setObject(5, command.offset(), Types.BIGINT);
                    update.setString(6, replica.id());
                    update.setLong(7, leaseMillis);
                    update.setString(8, clean(command.id()));
                    update.executeUpdate();
                }
                return new Claim(before, null);
            }
            if (before == CommandStatus.IN_FLIGHT) {
                if (live && holder != null && !holder.equals(replica.id())) {
                    return new Claim(before, holder);
                }
                // expired (or written before leases existed): nobody is waiting for this call's answer any more
                takeLease(c, command.id(), leaseMillis);
                return new Claim(before, null);
            }
            return new Claim(before, null);
        });
        if (claim.mine() || claim.expired()) {
            leases.held(command.id());
        }
        return claim;
    }

    /**
     * Undoes this replica's claim of a call that was never sent (given up at a hand-over or shutdown while it waited
     * for a permit): a row it inserted is deleted, a row accepted over HTTP goes back to {@code RECEIVED}, so the
     * partition's next owner claims and calls as if nothing had happened.
     */
    public void unclaim(IncomingCommand command, Claim claim) throws SQLException, InterruptedException {
        if (!claim.mine()) {
            return;
        }
        groupCommit.run(c -> {
            String sql = claim.before() == null
                    ? "DELETE FROM command_log WHERE command_id = ? AND status = 'IN_FLIGHT' AND lease_holder = ?"
                    : "UPDATE command_log SET status = 'RECEIVED', lease_holder = NULL, lease_until = NULL "
                            + "WHERE command_id = ? AND status = 'IN_FLIGHT' AND lease_holder = ?";
            try (PreparedStatement undo = c.prepareStatement(sql)) {
                undo.setString(1, clean(command.id()));
                undo.setString(2, replica.id());
                return undo.executeUpdate();
            }
        });
        leases.released(command.id());
    }

    private void takeLease(Connection c, String commandId, long leaseMillis) throws SQLException {
        try (PreparedStatement lease = c.prepareStatement("UPDATE command_log SET lease_holder = ?, "
                + "lease_until = clock_timestamp() + ? * interval '1 millisecond' WHERE command_id = ?")) {
            lease.setString(1, replica.id());
            lease.setLong(2, leaseMillis);
            lease.setString(3, clean(commandId));
            lease.executeUpdate();
        }
    }

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
        OutboxRelay.Row row = groupCommit.run(c -> {
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
            if (updated == 0 && insertRow(c, command, action, instance, redactedParams, status, now, null, null)) {
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
                return insertOutbox(c, command.id(), command.orderingKey(), result.type(), json,
                        result.extension("traceparent"));
            }
            return queueStoredResult(c, command);
        });
        leases.released(command.id());
        relay.publishCommitted(row);
    }

    /**
     * This replica no longer renews the {@code IN_FLIGHT} lease of the command (if it held one): its outcome went to
     * the DLQ instead of the command log, so another replica that reads the command again finds the lease expired and
     * declares the call {@code UNKNOWN} rather than waiting for this one.
     */
    public void forget(String commandId) {
        leases.released(commandId);
    }

    /**
     * PostgreSQL text and jsonb cannot hold NUL: a command carrying one (as text or as the JSON escape) would fail
     * its insert forever and stall its key. It is stored (and published) as U+FFFD instead.
     */
    static String clean(String value) {
        if (value == null || (value.indexOf('\0') < 0 && !value.contains("\\u0000"))) {
            return value;
        }
        return value.replace('\0', '\uFFFD').replace("\\u0000", "\\ufffd");
    }

    private static String fit(String value, int max) {
        return value == null || value.length() <= max ? value : value.substring(0, max);
    }

    /**
     * Inserts the command's row with the given status; false if a row exists already. {@code leaseHolder} and
     * {@code leaseMillis} are set for an {@code IN_FLIGHT} row, null otherwise.
     */
    private static boolean insertRow(Connection c, IncomingCommand command, String action, String instance,
            String redactedParams, CommandStatus status, Timestamp now, String leaseHolder, Long leaseMillis)
            throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO command_log (command_id, type, action, "
                + "ordering_key, source, instance, status, params, attempts, received_at, updated_at, kafka_topic, "
                + "kafka_partition, kafka_offset, trace_id, lease_holder, lease_until) VALUES (?, ?, ?, ?, ?, ?, ?, "
                + "?::jsonb, 0, ?, ?, ?, ?, ?, ?, ?, clock_timestamp() + ?::bigint * interval '1 millisecond') "
                + "ON CONFLICT (command_id) DO NOTHING")) {
            insert.setString(1, clean(command.id()));
            insert.setString(2, clean(command.event().type()));
            insert.setString(3, clean(action));
            // an instance name beyond its column (it is unknown then, and the command rejected) is cut, not a failure
            insert.setString(4, clean(command.key()));
            insert.setString(5, clean(command.event().source()));
            insert.setString(6, clean(fit(instance, 100)));
            insert.setString(7, clean(status.name()));
            insert.setString(8, clean(redactedParams));
            insert.setTimestamp(9, now);
            insert.setTimestamp(10, now);
            insert.setString(11, clean(command.topic()));
            insert.setObject(12, command.partition(), Types.INTEGER);
            insert.setObject(13, command.offset(), Types.BIGINT);
            insert.setString(14, clean(command.traceId()));
            insert.setString(15, leaseHolder);
            insert.setObject(16, leaseMillis, Types.BIGINT);
            return insert.executeUpdate() == 1;
        }
    }

    /** Publishes a stored result again (a command id seen before), with its original event id. */
    public void republish(IncomingCommand command) throws SQLException, InterruptedException {
        relay.publishCommitted(groupCommit.run(c -> queueStoredResult(c, command)));
    }

    private OutboxRelay.Row queueStoredResult(Connection c, IncomingCommand command) throws SQLException {
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
        return insertOutbox(c, command.id(), key, event.type(), stored, event.extension("traceparent"));
    }

    private OutboxRelay.Row insertOutbox(Connection c, String commandId, String key, String type, String payload,
            String traceparent) throws SQLException {
        OutboxRelay.Row row = new OutboxRelay.Row(UUID.randomUUID(), EventTypes.resultsTopic(config.family()),
                clean(key), clean(type), clean(payload), clean(traceparent));
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO outbox_event (id, aggregatetype, aggregateid, "
                + "type, payload, tracingspancontext, command_id, created_at) VALUES (?, ?, ?, ?, ?::jsonb, ?, ?, ?)")) {
            insert.setObject(1, row.id());
            insert.setString(2, row.topic());
            insert.setString(3, row.key());
            insert.setString(4, row.type());
            insert.setString(5, row.payload());
            insert.setString(6, row.traceparent());
            insert.setString(7, clean(commandId));
            insert.setTimestamp(8, Timestamp.from(Instant.now()));
            insert.executeUpdate();
        }
        return row;
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
        outboxWritten.fire(new OutboxRelay.Written(new OutboxRelay.Row(e.id, e.aggregatetype, e.aggregateid, e.type,
                e.payload, e.tracingspancontext)));
        return Acceptance.ACCEPTED;
    }

    /** The command as committed now: a new transaction each time, so a polling caller sees fresh state. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public Optional<CommandLog> find(String commandId) {
        return CommandLog.findByIdOptional(commandId);
    }
}
