package io.whmcsbridge.runtime.pipeline;

import io.whmcsbridge.runtime.store.StoreErrors;
import org.jboss.logging.Logger;

import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;

/**
 * Runs the database work of one command with a bound: work the database refuses for its data fails at once; other
 * failures are tried again after an exponential backoff ({@code first}, doubling, capped at {@code max}, with equal
 * jitter) until {@code maxAttempts} tries have failed. A try counts against the bound only while the database
 * answers other work ({@code databaseUp}): an outage is nobody's data, so commands wait it out instead of being
 * given up one after another.
 */
final class StoreRetry {
    private static final Logger LOG = Logger.getLogger(StoreRetry.class);

    private final long firstMillis;
    private final long maxMillis;
    private final int maxAttempts;
    private final BooleanSupplier databaseUp;

    StoreRetry(long firstMillis, long maxMillis, int maxAttempts, BooleanSupplier databaseUp) {
        this.firstMillis = Math.max(1, firstMillis);
        this.maxMillis = Math.max(this.firstMillis, maxMillis);
        this.maxAttempts = Math.max(1, maxAttempts);
        this.databaseUp = databaseUp;
    }

    /** @param what the work, for the log ("recording the outcome") */
    <T> T run(String what, Callable<T> work) throws InterruptedException, StoreFailure {
        int counted = 0;
        for (int attempt = 1;; attempt++) {
            try {
                return work.call();
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception | Error e) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new InterruptedException("stopping");
                }
                StoreErrors.Kind kind = StoreErrors.classify(e);
                String reason = StoreErrors.describe(e);
                if (kind == StoreErrors.Kind.DATA) {
                    LOG.warnf("%s: the database refused the data (%s)", what, reason);
                    throw new StoreFailure(true, reason, StoreErrors.code(e), e);
                }
                if (databaseUp.getAsBoolean()) {
                    counted++;
                }
                if (counted >= maxAttempts) {
                    LOG.errorf("%s failed %d times, the last time with %s; giving up", what, attempt, reason);
                    throw new StoreFailure(false, what + " failed " + attempt + " times: " + reason,
                            StoreErrors.code(e), e);
                }
                long delay = backoffMillis(attempt);
                LOG.warnf("%s failed (try %d, %d of %d counted), trying again in %d ms: %s", what, attempt, counted,
                        maxAttempts, delay, reason);
                Thread.sleep(delay);
            }
        }
    }

    long backoffMillis(int attempt) {
        long capped = Math.min(maxMillis, firstMillis << Math.min(attempt - 1, 30));
        return capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1);
    }
}
