package io.whmcsbridge.runtime.store;

import io.whmcsbridge.model.CloudEvent;
import io.whmcsbridge.model.CommandStatus;
import io.whmcsbridge.runtime.command.IncomingCommand;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;

/**
 * The inserts of {@code command_log} rows (a command met in the pipeline, a command accepted over HTTP) and the rules
 * for what a column can hold. Every insert takes the caller's connection, so it joins the caller's transaction.
 */
final class CommandRows {
    private CommandRows() {
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

    static String fit(String value, int max) {
        return value == null || value.length() <= max ? value : value.substring(0, max);
    }

    /**
     * Inserts the row of a command read from Kafka with the given status; false if a row exists already.
     * {@code leaseHolder} and {@code leaseMillis} are set for an {@code IN_FLIGHT} row, null otherwise.
     */
    static boolean insert(Connection c, IncomingCommand command, String action, String instance,
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

    /**
     * Inserts the {@code RECEIVED} row of a command accepted over HTTP, with the hash of its request; false if a row
     * exists already (a retry, a clash, or a concurrent accept of the same id that committed first). The values are
     * stored as given: the ingress validated them.
     */
    static boolean insertAccepted(Connection c, CloudEvent command, String key, String action, String instance,
            String redactedParams, String requestSha256, Timestamp now) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO command_log (command_id, type, action, "
                + "ordering_key, source, instance, status, params, attempts, received_at, updated_at, trace_id, "
                + "request_sha256) VALUES (?, ?, ?, ?, ?, ?, 'RECEIVED', ?::jsonb, 0, ?, ?, ?, ?) "
                + "ON CONFLICT (command_id) DO NOTHING")) {
            insert.setString(1, command.id());
            insert.setString(2, command.type());
            insert.setString(3, action);
            insert.setString(4, key);
            insert.setString(5, command.source());
            insert.setString(6, instance);
            insert.setString(7, redactedParams);
            insert.setTimestamp(8, now);
            insert.setTimestamp(9, now);
            insert.setString(10, command.extension("traceparent"));
            insert.setString(11, requestSha256);
            return insert.executeUpdate() == 1;
        }
    }

    /** The request hash of a command's row (null if it was not accepted over HTTP). */
    static String requestSha256(Connection c, String commandId) throws SQLException {
        try (PreparedStatement select = c.prepareStatement(
                "SELECT request_sha256 FROM command_log WHERE command_id = ?")) {
            select.setString(1, commandId);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }
}
