package io.whmcsbridge.runtime.guard;

import org.jboss.logging.Logger;

import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.LockSupport;

/**
 * What stands between the pipeline and one API instance, for the whole fleet of replicas: the authentication
 * circuit (in the database, one per instance), and this replica's share of the instance's cap of calls in flight and
 * rate limit.
 * <p>
 * Circuit: a replica calls freely only after one call of its own was answered without an authentication failure
 * (VERIFIED here) in the circuit's current generation. Until then its calls wait for the fleet's single probe: one
 * call at a time in the whole fleet, taken with a conditional update, while the other replicas poll without
 * calling. So wrong credentials cost exactly one failed login however many replicas and commands there are (the APIs
 * ban an IP after three). An authentication failure on any replica opens the circuit for all; it stays open, across
 * restarts, until an operator resets it, which starts a new generation (one probe again). The state is cached here
 * and refreshed every heartbeat, so a verified call does no database round trip.
 * <p>Longer than 250 lines because the circuit, the cap and the rate share one instance's state and lock, and the probe
 * rules span all three.
 */
public final class InstanceGuard {
    private static final Logger LOG = Logger.getLogger(InstanceGuard.class);
    private static final long NO_PROBE = -1;
    private static final long POLL_MILLIS = 100;

    public enum Circuit { UNVERIFIED, VERIFIED, OPEN }

    /** Thrown by {@link #acquire()} while the circuit is open. */
    public static final class CircuitOpenException extends Exception {
        public CircuitOpenException(String instance, String reason) {
            super("calls to instance '" + instance + "' are stopped after an authentication failure (" + reason
                    + "); fix the credentials, then reset the circuit");
        }
    }

    /** Waits until this replica may call; returns the number of replicas the fleet-wide limits are divided by. */
    @FunctionalInterface
    public interface Gate {
        int awaitActive() throws InterruptedException;
    }

    /**
     * The fleet's circuit as this replica last saw it ({@code fleet}, {@code reason}, {@code generation}) and whether
     * this replica's own credentials were verified in that generation.
     */
    public record State(Circuit fleet, String reason, long generation, boolean verifiedHere, String probeHolder) {
        /** What the circuit means for this replica's calls. */
        public Circuit here() {
            return fleet == Circuit.OPEN ? Circuit.OPEN : verifiedHere ? Circuit.VERIFIED : Circuit.UNVERIFIED;
        }
    }

    private final String name;
    private final int maxInFlight;
    private final double rateLimit;
    private final CircuitStore store;
    private final String holder;
    private final long leaseMillis;
    private final Gate gate;
    private final Limit inFlight;
    /** One thread of this replica at a time deals with the fleet's probe. */
    private final Semaphore probeLock = new Semaphore(1, true);
    private volatile State state = new State(Circuit.UNVERIFIED, "", -1, false, null);
    private long verifiedGeneration = -1; // guarded by this
    private String pendingOpen; // guarded by this: OPEN decided here, not yet written
    private volatile int appliedView = -1;
    private volatile long intervalNanos;
    private long nextSlotNanos = System.nanoTime(); // guarded by the pacing lock
    private final Object pacing = new Object();
    private volatile boolean probing;
    private long lastWarnNanos;

    /**
     * @param holder      this replica's member id (the probe's holder)
     * @param leaseMillis how long a probe stays this replica's without renewal
     */
    public InstanceGuard(String name, int maxInFlight, double rateLimit, CircuitStore store, String holder,
            long leaseMillis, Gate gate) {
        this.name = name;
        this.maxInFlight = Math.max(1, maxInFlight);
        this.rateLimit = rateLimit;
        this.store = store;
        this.holder = holder;
        this.leaseMillis = leaseMillis;
        this.gate = gate;
        this.inFlight = new Limit(this.maxInFlight);
        applyView(1);
    }

    /** A permit for one call; close it with the call's authentication verdict. */
    public final class Permit {
        private final long probeGeneration;
        private boolean released;

        private Permit(long probeGeneration) {
            this.probeGeneration = probeGeneration;
        }

        /**
         * @param answered the API answered; {@code authFailed} it refused the credentials. Always call it (in a
         *                 finally): the permit is given back whatever happens here.
         */
        public void release(boolean answered, boolean authFailed, String reason) {
            if (released) {
                return;
            }
            released = true;
            try {
                if (authFailed) {
                    open(reason);
                } else if (probeGeneration != NO_PROBE) {
                    if (answered) {
                        verified(probeGeneration);
                    } else {
                        giveBackProbe();
                    }
                }
            } finally {
                try {
                    if (probeGeneration != NO_PROBE) {
                        probing = false;
                        probeLock.release();
                    }
                } finally {
                    inFlight.release();
                }
            }
        }
    }

    public Permit acquire() throws CircuitOpenException, InterruptedException {
        int view = gate.awaitActive();
        if (view != appliedView) {
            applyView(view);
        }
        State s = state;
        if (s.fleet() == Circuit.OPEN) {
            throw new CircuitOpenException(name, s.reason());
        }
        inFlight.acquire();
        long probe = NO_PROBE;
        try {
            s = state;
            if (s.fleet() == Circuit.OPEN || !s.verifiedHere()) {
                probe = probeOrWait();
            }
            pace();
            return new Permit(probe);
        } catch (Throwable t) {
            try {
                if (probe != NO_PROBE) {
                    giveBackProbe();
                    probing = false;
                    probeLock.release();
                }
            } finally {
                inFlight.release();
            }
            throw t;
        }
    }

    /**
     * Until this replica is verified: takes the fleet's probe (returns its generation) or waits while another
     * replica holds it; returns {@link #NO_PROBE} once verified meanwhile; throws when the circuit opens.
     */
    private long probeOrWait() throws CircuitOpenException, InterruptedException {
        probeLock.acquire();
        boolean holding = false;
        try {
            while (true) {
                State s = state;
                if (s.fleet() == Circuit.OPEN) {
                    throw new CircuitOpenException(name, s.reason());
                }
                if (s.verifiedHere()) {
                    return NO_PROBE;
                }
                try {
                    Optional<CircuitStore.Row> taken = store.tryProbe(name, holder, leaseMillis);
                    if (taken.isPresent()) {
                        refresh(taken.get());
                        holding = true;
                        probing = true;
                        return taken.get().generation();
                    }
                    refresh(store.ensure(name));
                } catch (CircuitStore.StoreException e) {
                    warn(e);
                }
                s = state;
                if (s.fleet() != Circuit.OPEN && !s.verifiedHere()) {
                    Thread.sleep(POLL_MILLIS);
                }
            }
        } finally {
            if (!holding) {
                probeLock.release();
            }
        }
    }

    private void verified(long generation) {
        synchronized (this) {
            verifiedGeneration = Math.max(verifiedGeneration, generation);
            publish(state.fleet(), state.reason(), state.generation(), state.probeHolder());
        }
        try {
            refresh(store.verified(name, holder, generation));
        } catch (CircuitStore.StoreException e) {
            warn(e); // verified here all the same; the probe's lease runs out for the others
        }
        if (state.verifiedHere()) {
            LOG.infof("instance %s: credentials verified by this replica", name);
        }
    }

    private void giveBackProbe() {
        try {
            store.releaseProbe(name, holder);
        } catch (CircuitStore.StoreException e) {
            warn(e); // its lease runs out
        }
    }

    private void open(String reason) {
        String r = reason == null ? "" : reason;
        synchronized (this) {
            pendingOpen = r;
            publish(Circuit.OPEN, r, state.generation(), null);
        }
        LOG.warnf("instance %s: authentication failed (%s); calls of every replica stop until the circuit is reset", name, r);
        flushOpen();
    }

    /** Writes an OPEN decided here; until it is written, what the database says is not applied. */
    private void flushOpen() {
        String reason;
        synchronized (this) {
            reason = pendingOpen;
        }
        if (reason == null) {
            return;
        }
        try {
            CircuitStore.Row row = store.open(name, reason);
            synchronized (this) {
                if (reason.equals(pendingOpen)) {
                    pendingOpen = null;
                }
                apply(row);
            }
        } catch (CircuitStore.StoreException e) {
            warn(e); // the next heartbeat tries again
        }
    }

    /** Operator action: allow calls again for the whole fleet (one probe at a time until one is answered). */
    public State reset() {
        CircuitStore.Row row = store.reset(name);
        synchronized (this) {
            pendingOpen = null;
            publish(row.state(), row.reason(), row.generation(), row.probeHolder());
        }
        LOG.infof("instance %s: circuit reset (generation %d)", name, row.generation());
        return state;
    }

    /**
     * The database's row (read at a heartbeat, or returned by a change): applied if it is newer than what this
     * replica has (a higher generation, or VERIFIED in the same one); an OPEN not yet written is written first.
     */
    void refresh(CircuitStore.Row row) {
        synchronized (this) {
            if (pendingOpen == null) {
                apply(row);
                return;
            }
        }
        flushOpen();
    }

    /**
     * Within a generation the database only goes from UNVERIFIED to VERIFIED (OPEN and reset start a new one), and an
     * OPEN decided here but not yet written carries the old generation: so a row of the same generation is applied
     * only over UNVERIFIED or over the same state.
     */
    private void apply(CircuitStore.Row row) {
        State s = state;
        if (row.generation() > s.generation()
                || row.generation() == s.generation() && (s.fleet() == Circuit.UNVERIFIED || s.fleet() == row.state())) {
            publish(row.state(), row.reason(), row.generation(), row.probeHolder());
        }
    }

    private void publish(Circuit fleet, String reason, long generation, String probeHolder) {
        state = new State(fleet, reason == null ? "" : reason, generation,
                fleet != Circuit.OPEN && verifiedGeneration == generation, probeHolder);
    }

    boolean holdsProbe() {
        return probing;
    }

    private synchronized void applyView(int view) {
        if (view == appliedView) {
            return;
        }
        inFlight.resize(Shares.cap(maxInFlight, view));
        intervalNanos = Shares.intervalNanos(rateLimit, view);
        appliedView = view;
    }

    private void pace() throws InterruptedException {
        long interval = intervalNanos;
        if (interval == 0) {
            return;
        }
        long wait;
        synchronized (pacing) {
            long now = System.nanoTime();
            long slot = Math.max(now, nextSlotNanos);
            nextSlotNanos = slot + interval;
            wait = slot - now;
        }
        if (wait > 0) {
            LockSupport.parkNanos(wait);
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
        }
    }

    private void warn(CircuitStore.StoreException e) {
        long now = System.nanoTime();
        synchronized (this) {
            if (now - lastWarnNanos < 10_000_000_000L && lastWarnNanos != 0) {
                return;
            }
            lastWarnNanos = now;
        }
        LOG.warnf("instance %s: %s", name, e.getMessage());
    }

    public String name() {
        return name;
    }

    /** The circuit as this replica last saw it (refreshed every heartbeat). */
    public State state() {
        return state;
    }

    /** The fleet's cap of calls in flight to this instance. */
    public int maxInFlight() {
        return maxInFlight;
    }

    /** The fleet's rate limit (calls/s; 0 = none). */
    public double rateLimit() {
        return rateLimit;
    }

    /** This replica's share of the cap. */
    public int maxInFlightShare() {
        return inFlight.limit();
    }

    /** This replica's share of the rate limit (calls/s; 0 = none). */
    public double rateShare() {
        return Shares.rate(rateLimit, Math.max(1, appliedView));
    }

    /** Calls of this replica in flight now. */
    public int inFlight() {
        return inFlight.inUse();
    }

    /** A fair semaphore whose number of permits follows this replica's share of the cap. */
    private static final class Limit extends Semaphore {
        private int limit;

        Limit(int limit) {
            super(limit, true);
            this.limit = limit;
        }

        synchronized void resize(int newLimit) {
            if (newLimit > limit) {
                release(newLimit - limit);
            } else if (newLimit < limit) {
                reducePermits(limit - newLimit);
            }
            limit = newLimit;
        }

        synchronized int limit() {
            return limit;
        }

        int inUse() {
            return Math.max(0, limit() - availablePermits());
        }
    }
}
