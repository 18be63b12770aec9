package io.whmcsbridge.runtime.fleet;

import java.util.Map;

/**
 * The membership rules of one replica, without I/O (the {@link FleetMembership} heartbeat feeds them), so that the
 * fleet-wide shares can be checked without a database.
 * <p>
 * Each heartbeat a replica reads the live members (seen within the expiry) with the number each has published as the
 * one it divides the fleet-wide limits by (its <i>view</i>), and publishes the number of live members it counted,
 * itself included. The sum of the shares stays within the total as long as every replica that calls uses a view at
 * least as large as the number of replicas that call. The rules that keep it so:
 * <ul>
 * <li>a replica never uses a view smaller than the one it has published: it grows its view at once, before
 * publishing it, and shrinks it only to a count it published at an earlier heartbeat and has read the table again
 * since (anyone who registered before that read is counted; anyone after it saw the smaller count and waited);</li>
 * <li>a replica starts calling (becomes <i>active</i>) only when its row was written at an earlier heartbeat and every
 * other live member publishes a view at least as large as its own count: they have all made room for it;</li>
 * <li>a replica whose last successful heartbeat is older than the fence (less than the expiry) stops calling, and
 * joins again like a new replica, because the others may already have stopped counting it.</li>
 * </ul>
 * {@code MemberStateTest} checks them against a simulated table with replicas joining, leaving, being killed and
 * stalling.
 */
final class MemberState {
    private final String self;
    private final long fenceNanos;
    private int view = 1;
    /** What this replica's row says (none yet: no bound). */
    private int published = Integer.MAX_VALUE;
    private int publishing;
    private boolean active;
    private boolean registered;
    private long lastOkNanos;

    MemberState(String self, long fenceNanos) {
        this.self = self;
        this.fenceNanos = fenceNanos;
    }

    /**
     * The live members just read (id to published view; this replica's own row among them once registered), at
     * {@code now}: decides whether this replica may call and which view it uses, and returns the count to publish.
     */
    int onRead(Map<String, Integer> live, long now) {
        int count = live.containsKey(self) ? live.size() : live.size() + 1;
        boolean continuous = registered && now - lastOkNanos < fenceNanos;
        if (!continuous) {
            active = false;
        } else if (!active) {
            active = live.entrySet().stream().filter(e -> !e.getKey().equals(self)).allMatch(e -> e.getValue() >= count);
        }
        view = Math.max(count, Math.min(view, published));
        publishing = count;
        return count;
    }

    /** The heartbeat that published the count committed; {@code sentAt} is when it was sent (before the commit). */
    void onHeartbeat(long sentAt) {
        registered = true;
        lastOkNanos = sentAt;
        published = publishing;
    }

    /** Leaving: no call any more. */
    void leave() {
        active = false;
        registered = false;
        published = Integer.MAX_VALUE;
    }

    boolean mayCall(long now) {
        return active && now - lastOkNanos < fenceNanos;
    }

    boolean active() {
        return active;
    }

    /** The number this replica divides the fleet-wide limits by now. */
    int view() {
        return view;
    }
}
