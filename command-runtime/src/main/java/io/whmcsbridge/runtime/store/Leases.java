package io.whmcsbridge.runtime.store;

import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.whmcsbridge.runtime.config.BridgeConfig;
import io.whmcsbridge.runtime.fleet.Replica;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Keeps the {@code IN_FLIGHT} leases of this replica's calls alive: every third of the lease, one statement
 * extends all of them. A replica that dies stops renewing, so its leases expire and another replica may then
 * declare those calls UNKNOWN; a replica that is merely slow keeps its calls.
 */
@ApplicationScoped
public class Leases {
    private static final Logger LOG = Logger.getLogger(Leases.class);

    @Inject
    BridgeConfig config;
    @Inject
    Replica replica;
    @Inject
    AgroalDataSource dataSource;

    private final Set<String> held = ConcurrentHashMap.newKeySet();
    private ScheduledExecutorService renewer;

    void held(String commandId) {
        held.add(commandId);
        ensureStarted();
    }

    void released(String commandId) {
        held.remove(commandId);
    }

    /** Command ids whose call this replica holds now. */
    public int count() {
        return held.size();
    }

    private synchronized void ensureStarted() {
        if (renewer == null) {
            renewer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "lease-renewer");
                t.setDaemon(true);
                return t;
            });
            long every = Math.max(100, config.processing().lease().toMillis() / 3);
            renewer.scheduleWithFixedDelay(this::renew, every, every, TimeUnit.MILLISECONDS);
        }
    }

    void renew() {
        if (held.isEmpty()) {
            return;
        }
        String[] ids = held.toArray(String[]::new);
        try (Connection c = dataSource.getConnection()) {
            renew(c, ids, replica.id(), config.processing().lease().toMillis());
        } catch (SQLException | RuntimeException e) {
            LOG.warnf("could not renew %d in-flight leases (%s); trying again", ids.length, e.toString());
        }
    }

    /**
     * Extends the leases of {@code ids} held by {@code holder}; returns how many. Rows another transaction has locked
     * are skipped, not waited for: they are this replica's own claims and outcomes being committed by the group
     * commit, which locks its rows in its own order, so waiting made the two deadlock under load (PostgreSQL then
     * aborted one of them). A skipped row is renewed next time, well within the lease.
     */
    static int renew(Connection c, String[] ids, String holder, long leaseMillis) throws SQLException {
        try (PreparedStatement renew = c.prepareStatement(
                "UPDATE command_log SET lease_until = clock_timestamp() + ? * interval '1 millisecond' "
                        + "WHERE command_id IN (SELECT command_id FROM command_log WHERE command_id = ANY (?) "
                        + "AND status IN ('IN_FLIGHT', 'RECONCILING') AND lease_holder = ? FOR UPDATE SKIP LOCKED)")) {
            renew.setLong(1, leaseMillis);
            renew.setArray(2, c.createArrayOf("varchar", ids));
            renew.setString(3, holder);
            return renew.executeUpdate();
        }
    }

    /** After the command workers (100) finished their calls: nothing is held any more. */
    void onStop(@Observes @Priority(150) ShutdownEvent ev) {
        ScheduledExecutorService r;
        synchronized (this) {
            r = renewer;
        }
        if (r != null) {
            r.shutdownNow();
        }
    }
}
