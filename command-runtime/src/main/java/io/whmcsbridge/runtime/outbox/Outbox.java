package io.whmcsbridge.runtime.outbox;

import io.whmcsbridge.model.EventTypes;
import io.whmcsbridge.model.SafeText;
import io.whmcsbridge.runtime.config.BridgeConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The table {@code outbox_event}: every statement on it is here, each on the caller's connection, so it joins the
 * caller's transaction. A row is inserted in the transaction that decided it (a command's outcome, a command accepted
 * over HTTP), and handed over to {@link OutboxPublisher#handOver} once that transaction has committed.
 */
@ApplicationScoped
public class Outbox {
    private static final Logger LOG = Logger.getLogger(Outbox.class);

    /** A row claimed by the sweep, and how often its send failed before. */
    record Claimed(OutboxRow row, String commandId, int attempts) {
    }

    @Inject
    BridgeConfig config;

    /** The topic of the results of this family's commands. */
    public String resultsTopic() {
        return EventTypes.resultsTopic(config.family());
    }

    /** The topic of this family's commands (those accepted over HTTP go out through the outbox). */
    public String commandsTopic() {
        return EventTypes.commandsTopic(config.family());
    }

    /**
     * Inserts a row for {@code topic}; the values are stored (and later sent) as given. Returns the row to hand over
     * once the caller's transaction has committed.
     */
    public OutboxRow insert(Connection c, String topic, String commandId, String key, String type, String payload,
            String traceparent, Instant createdAt) throws SQLException {
        OutboxRow row = new OutboxRow(UUID.randomUUID(), topic, key, type, payload, traceparent);
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO outbox_event (id, aggregatetype, aggregateid, "
                + "type, payload, tracingspancontext, command_id, created_at) VALUES (?, ?, ?, ?, ?::jsonb, ?, ?, ?)")) {
            insert.setObject(1, row.id());
            insert.setString(2, row.topic());
            insert.setString(3, row.key());
            insert.setString(4, row.type());
            insert.setString(5, row.payload());
            insert.setString(6, row.traceparent());
            insert.setString(7, commandId);
            insert.setTimestamp(8, Timestamp.from(createdAt));
            insert.executeUpdate();
        }
        return row;
    }

    /**
     * Marks rows Kafka acknowledged: results published (kept for the retention), commands deleted (their params are
     * unredacted, and the command log keeps the redacted ones).
     */
    void markPublished(Connection c, List<OutboxRow> rows) throws SQLException {
        String commandsTopic = commandsTopic();
        UUID[] results = rows.stream().filter(x -> !commandsTopic.equals(x.topic())).map(OutboxRow::id)
                .toArray(UUID[]::new);
        UUID[] commands = rows.stream().filter(x -> commandsTopic.equals(x.topic())).map(OutboxRow::id)
                .toArray(UUID[]::new);
        if (results.length > 0) {
            try (PreparedStatement mark = c.prepareStatement(
                    "UPDATE outbox_event SET published_at = now() WHERE id = ANY (?)")) {
                mark.setArray(1, c.createArrayOf("uuid", results));
                mark.executeUpdate();
            }
        }
        if (commands.length > 0) {
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM outbox_event WHERE id = ANY (?)")) {
                delete.setArray(1, c.createArrayOf("uuid", commands));
                delete.executeUpdate();
            }
        }
    }

    /**
     * Locks up to {@code limit} unpublished rows written before {@code before}, oldest first; rows another replica's
     * sweep holds are skipped, so replicas sweep side by side. The lock lasts until the caller's transaction ends.
     */
    List<Claimed> claimUnpublished(Connection c, Instant before, int limit) throws SQLException {
        List<Claimed> rows = new ArrayList<>();
        try (PreparedStatement select = c.prepareStatement("SELECT id, aggregatetype, aggregateid, type, payload, "
                + "tracingspancontext, command_id, publish_attempts FROM outbox_event WHERE published_at IS NULL "
                + "AND created_at < ? ORDER BY seq LIMIT ? FOR UPDATE SKIP LOCKED")) {
            select.setTimestamp(1, Timestamp.from(before));
            select.setInt(2, limit);
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    rows.add(new Claimed(new OutboxRow(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3),
                            rs.getString(4), rs.getString(5), rs.getString(6)), rs.getString(7), rs.getInt(8)));
                }
            }
        }
        return rows;
    }

    /** Rows not yet published. */
    long countUnpublished(Connection c) throws SQLException {
        try (PreparedStatement count = c.prepareStatement(
                "SELECT count(*) FROM outbox_event WHERE published_at IS NULL");
                ResultSet rs = count.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Counts a failed send of each row. */
    void countFailure(Connection c, List<UUID> ids) throws SQLException {
        if (ids.isEmpty()) {
            return;
        }
        try (PreparedStatement count = c.prepareStatement(
                "UPDATE outbox_event SET publish_attempts = publish_attempts + 1 WHERE id = ANY (?)")) {
            count.setArray(1, c.createArrayOf("uuid", ids.toArray()));
            count.executeUpdate();
        }
    }

    /** Marks rows that will never be published: published_at set (nothing sends them again), the reason kept. */
    void setAside(Connection c, Map<Claimed, String> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        try (PreparedStatement mark = c.prepareStatement(
                "UPDATE outbox_event SET published_at = now(), publish_error = ? WHERE id = ?")) {
            for (Map.Entry<Claimed, String> e : rows.entrySet()) {
                OutboxRow row = e.getKey().row();
                String reason = SafeText.escape(e.getValue(), 480);
                LOG.errorf("outbox row %s (%s for %s, command %s) cannot be published and is set aside: %s; it stays "
                        + "in outbox_event with publish_error set until the retention deletes it", row.id(), row.type(),
                        row.topic(), e.getKey().commandId(), reason);
                mark.setString(1, reason);
                mark.setObject(2, row.id());
                mark.addBatch();
            }
            mark.executeBatch();
        }
    }

    /**
     * Deletes old rows: with {@code publishedOnly}, those published (or set aside) before {@code before}; otherwise
     * those written before it. Returns how many.
     */
    int deleteBefore(Connection c, Instant before, boolean publishedOnly) throws SQLException {
        String sql = publishedOnly
                ? "DELETE FROM outbox_event WHERE published_at IS NOT NULL AND published_at < ?"
                : "DELETE FROM outbox_event WHERE created_at < ?";
        try (PreparedStatement delete = c.prepareStatement(sql)) {
            delete.setTimestamp(1, Timestamp.from(before));
            return delete.executeUpdate();
        }
    }
}
