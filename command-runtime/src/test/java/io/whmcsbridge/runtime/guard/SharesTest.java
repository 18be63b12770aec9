package io.whmcsbridge.runtime.guard;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SharesTest {

    @Test
    void capSharesNeverAddUpToMoreThanTheTotalAndKeepOneCallPerReplica() {
        for (int total = 1; total <= 64; total++) {
            for (int replicas = 1; replicas <= 12; replicas++) {
                int share = Shares.cap(total, replicas);
                assertTrue(share >= 1);
                if (replicas <= total) {
                    assertTrue(share * replicas <= total, total + "/" + replicas);
                    assertTrue(share * replicas > total - replicas, "less than one call per replica is lost: " + total + "/" + replicas);
                } else {
                    assertEquals(1, share, "more replicas than calls: one each");
                }
            }
        }
        assertEquals(16, Shares.cap(16, 1));
        assertEquals(5, Shares.cap(16, 3));
        assertEquals(1, Shares.cap(16, 12));
    }

    @Test
    void rateSharesAddUpToTheTotalAndTheirIntervalsNeverGoFaster() {
        for (double total : new double[] { 0.5, 1, 7, 10, 20, 33.3, 1000 }) {
            for (int replicas = 1; replicas <= 12; replicas++) {
                assertEquals(total, Shares.rate(total, replicas) * replicas, 1e-9);
                long interval = Shares.intervalNanos(total, replicas);
                double perSecondOfFleet = replicas * 1e9 / interval;
                assertTrue(perSecondOfFleet <= total + 1e-9, total + "/" + replicas + ": " + perSecondOfFleet);
                assertTrue(perSecondOfFleet >= total * 0.999, total + "/" + replicas + ": " + perSecondOfFleet);
            }
        }
        assertEquals(300_000_000L, Shares.intervalNanos(10, 3));
    }

    @Test
    void noRateLimitMeansNoPacing() {
        assertEquals(0, Shares.intervalNanos(0, 3));
        assertEquals(0, Shares.rate(0, 3));
    }
}
