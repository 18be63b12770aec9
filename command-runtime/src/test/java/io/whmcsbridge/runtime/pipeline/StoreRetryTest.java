package io.whmcsbridge.runtime.pipeline;

import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StoreRetryTest {

    @Test
    void whatTheDatabaseRefusesForTheDataIsTriedOnce() {
        AtomicInteger tries = new AtomicInteger();
        StoreRetry retry = new StoreRetry(1, 4, 5, () -> true);
        StoreFailure f = assertThrows(StoreFailure.class, () -> retry.run("storing", () -> {
            tries.incrementAndGet();
            throw new SQLException("value overflows numeric format", "22003");
        }));
        assertTrue(f.refused());
        assertEquals(1, tries.get());
        assertEquals("SQLState 22003: value overflows numeric format", f.reason());
        assertEquals("SQLState 22003", f.code());
    }

    /** Before: tried every store-retry-delay for ever; the key and the partition's offset never moved. */
    @Test
    void aTransientFailureIsTriedUpToTheBoundThenGivenUp() {
        AtomicInteger tries = new AtomicInteger();
        StoreRetry retry = new StoreRetry(1, 4, 5, () -> true);
        StoreFailure f = assertThrows(StoreFailure.class, () -> retry.run("storing", () -> {
            tries.incrementAndGet();
            throw new SQLException("could not serialize access", "40001");
        }));
        assertFalse(f.refused());
        assertEquals(5, tries.get());
        assertTrue(f.reason().contains("failed 5 times") && f.reason().contains("40001"), f.reason());
    }

    @Test
    void triesWhileTheDatabaseAnswersNothingAtAllDoNotCount() throws Exception {
        AtomicInteger tries = new AtomicInteger();
        AtomicBoolean up = new AtomicBoolean(false);
        StoreRetry retry = new StoreRetry(1, 2, 2, up::get);
        String done = retry.run("storing", () -> {
            if (tries.incrementAndGet() < 8) {
                throw new SQLException("Connection refused", "08001");
            }
            return "committed";
        });
        assertEquals("committed", done, "an outage is waited out");
        assertEquals(8, tries.get());
    }

    @Test
    void theBackoffDoublesUpToItsCapWithJitter() {
        StoreRetry retry = new StoreRetry(100, 1000, 10, () -> true);
        for (int i = 0; i < 50; i++) {
            long first = retry.backoffMillis(1);
            assertTrue(first >= 50 && first <= 100, "first: " + first);
            long third = retry.backoffMillis(3);
            assertTrue(third >= 200 && third <= 400, "third: " + third);
            long late = retry.backoffMillis(40);
            assertTrue(late >= 500 && late <= 1000, "capped: " + late);
        }
    }
}
