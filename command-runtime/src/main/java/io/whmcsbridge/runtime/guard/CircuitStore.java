package io.whmcsbridge.runtime.guard;

import java.util.List;
import java.util.Optional;

/**
 * Where the fleet's circuits live (one row per API instance, {@code guard_circuit}): every replica reads and changes
 * them only through these conditional updates, so two replicas never both hold the probe and a change made by one
 * (OPEN, a reset) is seen by all. Failures are {@link StoreException}s.
 */
public interface CircuitStore {

    /** An instance's circuit as the database has it. */
    record Row(String instance, InstanceGuard.Circuit state, String reason, long generation, String probeHolder) {
    }

    /** The database could not be read or written. */
    final class StoreException extends RuntimeException {
        public StoreException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The instance's row, created UNVERIFIED if it does not exist yet. */
    Row ensure(String instance);

    List<Row> readAll();

    /**
     * Takes the probe for {@code holder} if the circuit is not OPEN and nobody else holds an unexpired probe; the row
     * after taking it, or empty when not taken.
     */
    Optional<Row> tryProbe(String instance, String holder, long leaseMillis);

    /** Extends the leases of the probes {@code holder} holds (while their calls run). */
    void renewProbes(String holder, long leaseMillis);

    /** Gives back {@code holder}'s probe without a verdict (the call got no answer). */
    void releaseProbe(String instance, String holder);

    /**
     * The probe of generation {@code generation} was answered without an authentication failure: VERIFIED, unless the
     * circuit has been opened or reset since. Returns the row as it is now.
     */
    Row verified(String instance, String holder, long generation);

    /** An authentication failure: OPEN with the reason, next generation, probe cleared. */
    Row open(String instance, String reason);

    /** Operator action: UNVERIFIED, next generation, probe cleared. */
    Row reset(String instance);
}
