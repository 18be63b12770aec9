package io.whmcsbridge.runtime.pipeline;

import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * What stands between the pipeline and one API instance: a cap of calls in flight, a rate limit, and the
 * authentication circuit. Until one call has been answered without an authentication failure, calls go one at a
 * time, so wrong credentials cost exactly one failed login however many commands are queued (the APIs ban an IP
 * after three). An authentication failure opens the circuit, and it stays open until an operator resets it.
 */
public final class InstanceGuard {
    public enum Circuit { UNVERIFIED, VERIFIED, OPEN }

    /** Thrown by {@link #acquire()} while the circuit is open. */
    public static final class CircuitOpenException extends Exception {
        public CircuitOpenException(String instance, String reason) {
            super("calls to instance '" + instance + "' are stopped after an authentication failure (" + reason
                    + "); fix the credentials, then reset the circuit");
        }
    }

    private final String name;
    private final Semaphore inFlight;
    private final Semaphore probe = new Semaphore(1, true);
    private final AtomicReference<Circuit> circuit = new AtomicReference<>(Circuit.UNVERIFIED);
    private final long intervalNanos;
    private long nextSlotNanos = System.nanoTime();
    private volatile String openReason = "";

    public InstanceGuard(String name, int maxInFlight, double ratePerSecond) {
        this.name = name;
        this.inFlight = new Semaphore(Math.max(1, maxInFlight), true);
        this.intervalNanos = ratePerSecond > 0 ? (long) (1_000_000_000L / ratePerSecond) : 0;
    }

    /** A permit for one call; close it with the call's authentication verdict. */
    public final class Permit {
        private final boolean probing;
        private boolean released;

        private Permit(boolean probing) {
            this.probing = probing;
        }

        /** @param answered the API answered; {@code authFailed} it refused the credentials */
        public void release(boolean answered, boolean authFailed, String reason) {
            if (released) {
                return;
            }
            released = true;
            if (authFailed) {
                openReason = reason;
                circuit.set(Circuit.OPEN);
            } else if (answered) {
                circuit.compareAndSet(Circuit.UNVERIFIED, Circuit.VERIFIED);
            }
            if (probing) {
                probe.release();
            }
            inFlight.release();
        }
    }

    public Permit acquire() throws CircuitOpenException, InterruptedException {
        checkOpen();
        inFlight.acquire();
        boolean probing = false;
        try {
            if (circuit.get() == Circuit.UNVERIFIED) {
                probe.acquire();
                probing = true;
                if (circuit.get() != Circuit.UNVERIFIED) {
                    probe.release();
                    probing = false;
                }
            }
            checkOpen();
            pace();
            return new Permit(probing);
        } catch (CircuitOpenException | InterruptedException | RuntimeException e) {
            if (probing) {
                probe.release();
            }
            inFlight.release();
            throw e;
        }
    }

    private void checkOpen() throws CircuitOpenException {
        if (circuit.get() == Circuit.OPEN) {
            throw new CircuitOpenException(name, openReason);
        }
    }

    private void pace() throws InterruptedException {
        if (intervalNanos == 0) {
            return;
        }
        long wait;
        synchronized (this) {
            long now = System.nanoTime();
            long slot = Math.max(now, nextSlotNanos);
            nextSlotNanos = slot + intervalNanos;
            wait = slot - now;
        }
        if (wait > 0) {
            LockSupport.parkNanos(wait);
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
        }
    }

    public Circuit circuit() {
        return circuit.get();
    }

    public String openReason() {
        return openReason;
    }

    /** Operator action: allow calls again (one at a time until one succeeds). */
    public void reset() {
        circuit.set(Circuit.UNVERIFIED);
        openReason = "";
    }

    public int inFlight(int max) {
        return max - inFlight.availablePermits();
    }
}
