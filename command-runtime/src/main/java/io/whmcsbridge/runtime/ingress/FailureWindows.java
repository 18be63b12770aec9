package io.whmcsbridge.runtime.ingress;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Failed authentications per client in fixed windows: after {@code max} failures within {@code window} a client is
 * blocked for a whole {@code window} from the last of them, so at most {@code max} guesses a window get through. At most {@code tracked} clients are remembered, the least recently seen forgotten
 * first, so the memory is bounded whatever the number of addresses; a forgotten client starts afresh.
 */
final class FailureWindows {
    private final int max;
    private final long windowNanos;
    private final Map<String, Entry> clients;

    private static final class Entry {
        long windowStart;
        int failures;
        long blockedUntil;
    }

    FailureWindows(int max, long windowNanos, int tracked) {
        if (max < 1 || windowNanos <= 0 || tracked < 1) {
            throw new IllegalArgumentException("max, window and tracked must be positive");
        }
        this.max = max;
        this.windowNanos = windowNanos;
        this.clients = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
                return size() > tracked;
            }
        };
    }

    /** Nanoseconds the client is still blocked for, 0 if it is not. */
    synchronized long blockedFor(String client, long now) {
        Entry e = clients.get(client);
        return e == null || e.blockedUntil - now <= 0 ? 0 : e.blockedUntil - now;
    }

    /** Counts a failure; true when it is the one that blocks the client. */
    synchronized boolean failed(String client, long now) {
        Entry e = clients.computeIfAbsent(client, c -> new Entry());
        if (e.failures == 0 || now - e.windowStart >= windowNanos) {
            e.windowStart = now;
            e.failures = 0;
        }
        e.failures++;
        if (e.failures == max) {
            e.blockedUntil = now + windowNanos;
            return true;
        }
        return false;
    }

    synchronized int size() {
        return clients.size();
    }
}
