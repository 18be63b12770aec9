package io.whmcsbridge.benchmark;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.whmcsbridge.infra.EmbeddedPostgresServer;
import io.whmcsbridge.model.Json;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;

/**
 * What a run cost PostgreSQL: one database's transactions committed and rows written (pg_stat_database), and the
 * WAL the whole server wrote. Read as the superuser from the {@code postgres} database, so the reading is not
 * counted in the database measured. Since PostgreSQL 15 a backend flushes its counters to shared memory at the end
 * of a transaction only if its last flush is a second old; otherwise, once idle, after PGSTAT_IDLE_INTERVAL (10 s).
 * So a reading that must include everything before it waits that long first (and clears the snapshot to read
 * fresh): at the end of each measured window, and before a target's first one (its warm-up's counters).
 */
record DbStats(String database, long commits, long rowWrites, long walBytes) {
    static final long FLUSH_MILLIS = 10_500;

    static DbStats read(EmbeddedPostgresServer pg, String database, long waitMillis) {
        try {
            Thread.sleep(waitMillis);
            try (Connection c = DriverManager.getConnection(pg.jdbcUrl("postgres"), EmbeddedPostgresServer.USER,
                    EmbeddedPostgresServer.PASSWORD)) {
                c.createStatement().execute("SELECT pg_stat_clear_snapshot()");
                try (PreparedStatement q = c.prepareStatement("SELECT xact_commit, tup_inserted + tup_updated + "
                        + "tup_deleted, pg_current_wal_lsn() - '0/0'::pg_lsn FROM pg_stat_database WHERE datname = ?")) {
                    q.setString(1, database);
                    try (ResultSet rs = q.executeQuery()) {
                        rs.next();
                        return new DbStats(database, rs.getLong(1), rs.getLong(2), rs.getLong(3));
                    }
                }
            }
        } catch (Exception e) {
            return new DbStats(database, -1, -1, -1);
        }
    }

    /** Per command over the window from {@code before} to this reading. */
    ObjectNode perCommand(DbStats before, int commands) {
        double n = Math.max(1, commands);
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("database", database);
        o.put("commitsPerCommand", Benchmark.round((commits - before.commits) / n, 3));
        o.put("rowWritesPerCommand", Benchmark.round((rowWrites - before.rowWrites) / n, 2));
        o.put("walBytesPerCommand", Benchmark.round((walBytes - before.walBytes) / n, 0));
        return o;
    }
}
