package io.whmcsbridge.runtime.fleet;

import java.util.Map;

/**
 * The membership rules of one replica, without I/O (the {@link FleetMembership} heartbeat feeds them), so that the
 * fleet-wide shares can be checked without a database.
 * <p>
 * Each heartbeat a replica reads the live members (seen within the expiry) with the number each divides the
 * fleet-wide limits by (its <i>view</i>), takes as its own view the number of live members, itself included, uses it
 * at once, and then publishes it with its heartbeat. The sum of the shares stays within the total as long as every
 * replica that calls uses a view at least as large as the number of replicas that call. Three rules keep it so:
 * <ul>
 * <li>a view only grows before it is published, and shrinks only to a count that includes every member still
 * calling (a caller's row is always younger than the expiry, see the fence);</li>
 * <li>a replica starts calling (becomes <i>active</i>) only when its row was written at an earlier heartbeat and every
 * other live member publishes a view at least as large as its own count: they have all made room for it;</li>
 * <li>a replica whose last successful heartbeat is older than the fence (less than the expiry) stops calling, and
 * joins again like a new replica, because the others may already have stopped counting it.</li>
 * </ul>
 */
final class MemberState {
    private final String self;
    private final long fenceNanos;
    private int view = 1;
    private boolean active;
    private boolean registered;
    private long lastOkNanos;

    MemberState(String self, long fenceNanos) {
        this.self = self;
        this.fenceNanos = fenceNanos;
    }

    /**
     * The live members just read (id to published view; this replica's own row among them once registered), at
     * {@code now}: decides whether this replica may call and returns the view to use and to publish.
     */
    int onRead(Map<String, Integer> live, long now) {
        int count = live.containsKey(self) ? live.size() : live.size() + 1;
        boolean continuous = registered && now - lastOkNanos < fenceNanos;
        if (!continuous) {
            active = false;
        } else if (!active) {
            active = live.entrySet().stream().filter(e -> !e.getKey().equals(self)).allMatch(e -> e.getValue() >= count);
        }
        view = count;
        return count;
    }

    /** The heartbeat that published the view committed; {@code sentAt} is when it was sent (before the commit). */
    void onHeartbeat(long sentAt) {
        registered = true;
        lastOkNanos = sentAt;
    }

    /** Leaving: no call any more. */
    void leave() {
        active = false;
        registered = false;
    }

    boolean mayCall(long now) {
        return active && now - lastOkNanos < fenceNanos;
    }

    boolean active() {
        return active;
    }

    int view() {
        return view;
    }

    long lastOkNanos() {
        return lastOkNanos;
    }
}
