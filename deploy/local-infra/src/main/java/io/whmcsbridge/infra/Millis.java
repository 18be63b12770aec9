package io.whmcsbridge.infra;

/** Waiting and timing in milliseconds, for the polling loops and the start-up reports of this package. */
final class Millis {
    private Millis() {
    }

    /** Sleeps; an interrupt is kept on the thread and ends the wait with an exception. */
    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Milliseconds since a {@link System#nanoTime()} reading. */
    static long since(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }
}
