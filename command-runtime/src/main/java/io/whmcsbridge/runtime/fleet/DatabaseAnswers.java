package io.whmcsbridge.runtime.fleet;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * When the database last did some work of this process (a group commit, a heartbeat). A command whose database work
 * keeps failing counts its tries only while the database answers other work: when it answers nothing at all (down,
 * failing over) the failure is nobody's data, and the command waits instead of being given up.
 */
@ApplicationScoped
public class DatabaseAnswers {
    private volatile long lastNanos = System.nanoTime();

    public void answered() {
        lastNanos = System.nanoTime();
    }

    /** Whether the database did some work within {@code nanos}. */
    public boolean answeredWithin(long nanos) {
        return System.nanoTime() - lastNanos < nanos;
    }
}
