package io.whmcsbridge.runtime.fleet;

import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.whmcsbridge.runtime.config.BridgeConfig;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * This replica's membership of the service's fleet, kept in the {@code fleet_member} table: a heartbeat every
 * {@code whmcs.fleet.heartbeat} (1 s), live = seen within 5 heartbeats. The fleet-wide rate limit and cap are divided
 * by {@link #awaitActive() the view}, the number of live replicas; the rules that keep the shares' sum within the
 * total while replicas come and go are {@link MemberState}'s. A new replica makes no call until the others have made
 * room for it (one or two heartbeats after its start); one that cannot write its heartbeat for 3 heartbeats stops
 * calling until it can. On SIGTERM, after the calls in flight have finished, the row is deleted.
 */
@ApplicationScoped
public class FleetMembership {
    private static final Logger LOG = Logger.getLogger(FleetMembership.class);
    static final int EXPIRY_HEARTBEATS = 5;
    static final int FENCE_HEARTBEATS = 3;
    private static final int CLEANUP_EVERY = 60;

    @Inject
    AgroalDataSource dataSource;
    @Inject
    Replica replica;
    @Inject
    BridgeConfig config;
    @Inject
    DatabaseAnswers answers;

    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private MemberState state;
    private ScheduledExecutorService timer;
    private long heartbeatMillis;
    private long fenceNanos;
    private int ticks;
    private boolean failing;
    private volatile boolean stopped;
    // what the hot path reads: view before lastOk before active, in that order of writing
    private volatile int view = 1;
    private volatile long lastOkNanos;
    private volatile boolean active;

    void start(@Observes StartupEvent ev) {
        init();
        tick(); // registers
        tick(); // active at once when alone; otherwise once the others have counted this replica
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "fleet-heartbeat");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::tick, heartbeatMillis, heartbeatMillis, TimeUnit.MILLISECONDS);
    }

    private synchronized void init() {
        if (state == null) {
            heartbeatMillis = Math.max(50, config.fleet().heartbeat().toMillis());
            fenceNanos = TimeUnit.MILLISECONDS.toNanos(heartbeatMillis * FENCE_HEARTBEATS);
            state = new MemberState(replica.id(), fenceNanos);
        }
    }

    /** After the command workers have drained (100) and before the group commit stops (200). */
    void stop(@Observes @Priority(150) ShutdownEvent ev) {
        stopped = true;
        if (timer != null) {
            timer.shutdownNow();
            try {
                timer.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (this) {
            active = false;
            if (state != null) {
                state.leave();
            }
        }
        try (Connection c = dataSource.getConnection();
                PreparedStatement delete = c.prepareStatement("DELETE FROM fleet_member WHERE member_id = ?")) {
            delete.setString(1, replica.id());
            delete.executeUpdate();
            LOG.infof("left the fleet as %s", replica.id());
        } catch (SQLException e) {
            LOG.warnf("could not delete this replica's fleet_member row (%s); it expires in %d ms", e.toString(),
                    heartbeatMillis * EXPIRY_HEARTBEATS);
        }
    }

    /** Runs after every heartbeat, on the heartbeat's thread (the guards refresh their circuits there). */
    public void onHeartbeat(Runnable listener) {
        listeners.add(listener);
    }

    /**
     * Waits while this replica may not call (starting, or its heartbeat is failing), then returns the number of
     * replicas the fleet-wide limits are divided by. No database access: two volatile reads and a clock read.
     */
    public int awaitActive() throws InterruptedException {
        while (!(active && System.nanoTime() - lastOkNanos < fenceNanos)) {
            Thread.sleep(20);
        }
        return view;
    }

    /** Live replicas as this one counts them (itself included). */
    public int view() {
        return view;
    }

    public boolean active() {
        return active && System.nanoTime() - lastOkNanos < fenceNanos;
    }

    synchronized void tick() {
        if (stopped) {
            return;
        }
        init();
        long expiryMillis = heartbeatMillis * EXPIRY_HEARTBEATS;
        boolean wasActive = state.active();
        int before = state.view();
        try (Connection c = dataSource.getConnection()) {
            Map<String, Integer> live = new HashMap<>();
            try (PreparedStatement q = c.prepareStatement("SELECT member_id, view_size FROM fleet_member "
                    + "WHERE seen_at > now() - (? * interval '1 millisecond')")) {
                q.setLong(1, expiryMillis);
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        live.put(rs.getString(1), rs.getInt(2));
                    }
                }
            }
            int count = state.onRead(live, System.nanoTime());
            view = state.view(); // a larger view is used from now on, before anyone can read the count in our row
            active = state.active();
            long sent = System.nanoTime();
            try (PreparedStatement beat = c.prepareStatement("INSERT INTO fleet_member (member_id, view_size, joined_at, seen_at) "
                    + "VALUES (?, ?, now(), now()) ON CONFLICT (member_id) DO UPDATE SET view_size = EXCLUDED.view_size, seen_at = now()")) {
                beat.setString(1, replica.id());
                beat.setInt(2, count);
                beat.executeUpdate();
            }
            state.onHeartbeat(sent);
            lastOkNanos = sent;
            answers.answered();
            active = state.active();
            if (++ticks % CLEANUP_EVERY == 0) {
                try (PreparedStatement delete = c.prepareStatement("DELETE FROM fleet_member WHERE seen_at < now() - interval '10 minutes'")) {
                    delete.executeUpdate();
                }
            }
            if (failing) {
                LOG.infof("fleet heartbeat written again");
                failing = false;
            }
        } catch (SQLException | RuntimeException e) {
            active = state.active() && System.nanoTime() - lastOkNanos < fenceNanos;
            if (!failing) {
                LOG.warnf("fleet heartbeat failed (%s); calls stop %d ms after the last one written", e.toString(),
                        heartbeatMillis * FENCE_HEARTBEATS);
                failing = true;
            }
        }
        if (state.active() != wasActive || state.view() != before) {
            LOG.infof("fleet: %d replica(s) live, this one (%s) %s", state.view(), replica.id(),
                    state.active() ? "calling" : "waiting until the others count it");
        }
        for (Runnable l : listeners) {
            try {
                l.run();
            } catch (RuntimeException e) {
                LOG.warnf("after the heartbeat: %s", e.toString());
            }
        }
    }
}
