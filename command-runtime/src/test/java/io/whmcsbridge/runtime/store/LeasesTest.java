package io.whmcsbridge.runtime.store;

import io.whmcsbridge.infra.EmbeddedPostgresServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Lease renewal against a real PostgreSQL, beside a transaction that holds one of the rows (the group commit's). */
class LeasesTest {
    static EmbeddedPostgresServer pg;

    @BeforeAll
    static void start() throws SQLException {
        pg = new EmbeddedPostgresServer().start();
        pg.createDatabase("leases");
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE command_log (command_id VARCHAR(200) PRIMARY KEY, status VARCHAR(20), "
                    + "lease_holder VARCHAR(100), lease_until TIMESTAMPTZ)");
            s.execute("INSERT INTO command_log VALUES ('a', 'IN_FLIGHT', 'me', now()), ('b', 'IN_FLIGHT', 'me', now()), "
                    + "('c', 'IN_FLIGHT', 'other', now()), ('d', 'SUCCEEDED', 'me', now())");
        }
    }

    @AfterAll
    static void stop() {
        pg.close();
    }

    static Connection connect() throws SQLException {
        return DriverManager.getConnection(pg.jdbcUrl("leases"), pg.user(), pg.password());
    }

    /**
     * Row "a" is locked by another transaction (as the group commit locks the rows it completes): the renewal does not
     * wait for it, renews "b" at once, and leaves another holder's and a finished command's rows alone. Before, the
     * renewal waited on the lock, and with the group commit waiting on a row the renewal held, PostgreSQL aborted one
     * of them ("deadlock detected", seen under load in the benchmark).
     */
    @Test
    void aRowLockedElsewhereIsSkippedNotWaitedFor() throws Exception {
        try (Connection holder = connect()) {
            holder.setAutoCommit(false);
            try (Statement s = holder.createStatement()) {
                s.execute("UPDATE command_log SET status = 'IN_FLIGHT' WHERE command_id = 'a'");
            }
            CompletableFuture<Integer> renewed = CompletableFuture.supplyAsync(() -> {
                try (Connection c = connect()) {
                    return Leases.renew(c, new String[] { "a", "b", "c", "d" }, "me", 60_000);
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            assertEquals(1, renewed.get(5, TimeUnit.SECONDS), "only b renewed, without waiting for the lock on a");
            holder.rollback();
        }
        try (Connection c = connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT command_id FROM command_log "
                        + "WHERE lease_until > now() + interval '30 seconds' ORDER BY command_id")) {
            assertTrue(rs.next(), "a lease was extended");
            assertEquals("b", rs.getString(1));
            assertTrue(!rs.next(), "no other lease was extended");
        }
        try (Connection c = connect()) {
            assertEquals(2, Leases.renew(c, new String[] { "a", "b", "c", "d" }, "me", 60_000),
                    "once the lock is gone, a is renewed too");
        }
    }
}
