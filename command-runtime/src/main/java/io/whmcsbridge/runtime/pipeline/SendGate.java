package io.whmcsbridge.runtime.pipeline;

/**
 * Whether one command may still be given up without anything having been sent: while it waits (for a permit
 * of the API guard, a retry's backoff, or another replica's outcome) a hand-over or a shutdown may abort it; once
 * its request is on the way it runs to its end. Aborting interrupts the waiting worker; the transitions are under
 * one lock, so an abort never interrupts a request that is being sent.
 */
final class SendGate {
    /** Thrown where a command gave up waiting because it was aborted; nothing of it was sent. */
    static final class Aborted extends Exception {
        Aborted() {
            super("handed over (or stopping) before its call was sent", null, false, false);
        }
    }

    private final Thread worker = Thread.currentThread();
    /** Only while waiting may the command be given up; never during database work or a request. */
    private boolean waiting;
    private boolean aborted;

    /** The worker starts to wait (for a permit, a backoff or a poll). */
    synchronized void waiting() throws Aborted {
        check();
        waiting = true;
    }

    /** The wait is over and the worker goes on (database work, the request): no abort from here. */
    synchronized void busy() throws Aborted {
        check();
        waiting = false;
    }

    /** The worker is about to send; throws if it was aborted meanwhile (the caller gives back what it holds). */
    void sending() throws Aborted {
        busy();
    }

    /** An interrupt the worker saw while waiting: an abort, or a real interrupt to pass on. */
    synchronized void interrupted(InterruptedException e) throws Aborted, InterruptedException {
        check();
        throw e;
    }

    /** Gives up the command if it is waiting; false otherwise (it then runs to its end). */
    synchronized boolean abort() {
        if (!waiting || aborted) {
            return false;
        }
        aborted = true;
        worker.interrupt();
        return true;
    }

    private void check() throws Aborted {
        if (aborted) {
            Thread.interrupted(); // the abort's interrupt is consumed here, not by the database work after it
            throw new Aborted();
        }
    }
}
