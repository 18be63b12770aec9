package io.whmcsbridge.runtime.deadletter;

import io.agroal.api.AgroalDataSource;
import io.whmcsbridge.runtime.fleet.Replica;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Table {@code dlq_redrive}: one row per re-drive of one dead letter (who, when, from where, why it was a dead
 * letter, what was done). In the database, so every replica sees what any replica re-drove.
 */
@ApplicationScoped
class RedriveLog {
    /** A dead letter's re-drives so far. */
    record History(int times, Instant last, String by) {
    }

    /** One re-drive: the dead letter, its kind and reason, what was done ({@code action}) and how ({@code detail}: where it was published). */
    record Done(String topic, int partition, long offset, String commandId, String reason, String reasonText,
            String action, String detail, String by) {
    }

    @Inject
    AgroalDataSource dataSource;
    @Inject
    Replica replica;

    void record(Done d) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement insert = c.prepareStatement("INSERT INTO dlq_redrive (dlq_topic, dlq_partition, "
                        + "dlq_offset, command_id, reason, reason_text, action, detail, redriven_by, replica, redriven_at) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            insert.setString(1, d.topic());
            insert.setInt(2, d.partition());
            insert.setLong(3, d.offset());
            insert.setString(4, fit(d.commandId(), 200));
            insert.setString(5, d.reason());
            insert.setString(6, fit(d.reasonText(), 500));
            insert.setString(7, d.action());
            insert.setString(8, fit(d.detail(), 300));
            insert.setString(9, fit(d.by(), 200));
            insert.setString(10, fit(replica.id(), 200));
            insert.setTimestamp(11, Timestamp.from(Instant.now()));
            insert.executeUpdate();
        }
    }

    /** The re-drives of the dead letters at {@code [from, to)} of one partition, by offset. */
    Map<Long, History> history(String topic, int partition, long from, long to) throws SQLException {
        Map<Long, History> out = new HashMap<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement select = c.prepareStatement("SELECT dlq_offset, count(*), max(redriven_at), "
                        + "(array_agg(redriven_by ORDER BY redriven_at DESC))[1] FROM dlq_redrive WHERE dlq_topic = ? "
                        + "AND dlq_partition = ? AND dlq_offset >= ? AND dlq_offset < ? GROUP BY dlq_offset")) {
            select.setString(1, topic);
            select.setInt(2, partition);
            select.setLong(3, from);
            select.setLong(4, to);
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getLong(1), new History(rs.getInt(2), rs.getTimestamp(3).toInstant(), rs.getString(4)));
                }
            }
        }
        return out;
    }

    /** Text the database holds as it is, cut to the column, without NUL (which PostgreSQL refuses in text). */
    private static String fit(String s, int max) {
        if (s == null) {
            return null;
        }
        String clean = s.replace('\0', '\uFFFD');
        return clean.length() <= max ? clean : clean.substring(0, max);
    }
}
