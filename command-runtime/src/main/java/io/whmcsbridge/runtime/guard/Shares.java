package io.whmcsbridge.runtime.guard;

/**
 * One replica's share of an instance's fleet-wide limits, given the number of replicas the fleet's limits are divided
 * by (its view of the live replicas). Rounded so that shares never add up to more than the total while every replica's
 * view is at least the number of replicas calling; the cap keeps one call per replica even when there are more
 * replicas than calls allowed in flight (a replica with none could not process its partitions at all).
 */
public final class Shares {
    private Shares() {
    }

    /** Calls in flight this replica may have: {@code max(1, floor(total / replicas))}. */
    public static int cap(int total, int replicas) {
        return Math.max(1, Math.max(1, total) / Math.max(1, replicas));
    }

    /** Calls per second this replica may start; 0 when the total is 0 (no limit). */
    public static double rate(double total, int replicas) {
        return total > 0 ? total / Math.max(1, replicas) : 0;
    }

    /**
     * Nanoseconds between two calls of this replica (rounded up, so never faster than its share); 0 without a limit.
     */
    public static long intervalNanos(double total, int replicas) {
        return total > 0 ? (long) Math.ceil(1e9 * Math.max(1, replicas) / total) : 0;
    }
}
