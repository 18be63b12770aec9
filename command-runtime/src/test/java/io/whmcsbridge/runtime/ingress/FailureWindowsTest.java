package io.whmcsbridge.runtime.ingress;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Failed authentications per address: the threshold, the window, the bounded memory, IPv6 by /64. */
class FailureWindowsTest {
    static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    @Test
    void theMaxthFailureInAWindowBlocksForAWindow() {
        FailureWindows w = new FailureWindows(3, 60 * SECOND, 100);
        long t = 1_000 * SECOND;
        assertFalse(w.failed("a", t));
        assertFalse(w.failed("a", t + SECOND));
        assertEquals(0, w.blockedFor("a", t + SECOND));
        assertTrue(w.failed("a", t + 2 * SECOND), "the third blocks");
        assertEquals(60 * SECOND, w.blockedFor("a", t + 2 * SECOND));
        assertEquals(0, w.blockedFor("b", t + 2 * SECOND), "another address is not blocked");
        assertEquals(SECOND, w.blockedFor("a", t + 61 * SECOND));
        assertEquals(0, w.blockedFor("a", t + 62 * SECOND), "until the window after the last failure is over");
        assertFalse(w.failed("a", t + 62 * SECOND), "then it starts afresh");
    }

    @Test
    void failuresSpreadOverMoreThanAWindowNeverBlock() {
        FailureWindows w = new FailureWindows(3, 60 * SECOND, 100);
        for (int i = 0; i < 20; i++) {
            assertFalse(w.failed("slow", i * 31 * SECOND), "failure " + i);
        }
    }

    @Test
    void memoryIsBoundedAndTheLeastRecentlySeenGoFirst() {
        FailureWindows w = new FailureWindows(2, 60 * SECOND, 1000);
        w.failed("kept", 0);
        for (int i = 0; i < 100_000; i++) {
            w.failed("10.0." + (i >> 8) + "." + (i & 255), 1);
            if (i % 500 == 0) {
                w.blockedFor("kept", 1); // seen again: kept
            }
        }
        assertEquals(1000, w.size());
        assertTrue(w.failed("kept", 2), "its earlier failure was remembered");
    }

    @Test
    void ipv6ClientsCountByTheirSlash64() {
        assertEquals(AuthFailureThrottle.client("2001:db8:1:2::1"), AuthFailureThrottle.client("[2001:db8:1:2:ffff::7]"));
        assertEquals("20010db800010002::/64", AuthFailureThrottle.client("2001:db8:1:2::1"));
        assertFalse(AuthFailureThrottle.client("2001:db8:1:2::1").equals(AuthFailureThrottle.client("2001:db8:1:3::1")));
        assertEquals("203.0.113.9", AuthFailureThrottle.client("203.0.113.9"));
        assertEquals("127.0.0.1", AuthFailureThrottle.client("::ffff:127.0.0.1"));
    }
}
