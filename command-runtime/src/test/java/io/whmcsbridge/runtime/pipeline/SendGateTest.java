package io.whmcsbridge.runtime.pipeline;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SendGateTest {

    @Test
    void aCommandWaitingForAPermitIsGivenUpAndSendsNothing() throws Exception {
        Semaphore permits = new Semaphore(0); // the instance's share is taken by calls of other keys
        AtomicReference<SendGate> gate = new AtomicReference<>();
        CompletableFuture<String> worker = CompletableFuture.supplyAsync(() -> {
            SendGate g = new SendGate();
            gate.set(g);
            try {
                g.waiting();
                try {
                    permits.acquire();
                } catch (InterruptedException e) {
                    g.interrupted(e);
                }
                g.sending();
                return "sent";
            } catch (SendGate.Aborted e) {
                return "given up: " + e.getMessage();
            } catch (InterruptedException e) {
                return "interrupted";
            }
        });
        while (gate.get() == null || permits.getQueueLength() == 0) {
            Thread.sleep(5);
        }
        assertTrue(gate.get().abort(), "a waiting command can be given up");
        assertEquals("given up: handed over (or stopping) before its call was sent", worker.get(5, TimeUnit.SECONDS));
        assertEquals(0, permits.availablePermits(), "no permit taken");
    }

    @Test
    void aCommandSendingItsRequestIsNotGivenUp() throws Exception {
        SendGate g = new SendGate();
        g.waiting();
        g.sending();
        assertFalse(g.abort(), "its request is on the way: it runs to its end");
        assertFalse(Thread.interrupted(), "and its thread is not interrupted");
    }

    @Test
    void aCommandDoingDatabaseWorkIsNotInterrupted() throws Exception {
        SendGate g = new SendGate();
        assertFalse(g.abort(), "busy from the start: the IN_FLIGHT claim is never cut in half");
        g.waiting();
        g.busy();
        assertFalse(g.abort());
        assertFalse(Thread.interrupted());
    }

    @Test
    void anAbortJustBeforeTheWaitEndsIsSeenBeforeAnyFurtherWork() throws Exception {
        SendGate g = new SendGate();
        g.waiting();
        assertTrue(g.abort());
        Exception thrown = null;
        try {
            g.busy();
        } catch (SendGate.Aborted e) {
            thrown = e;
        }
        assertInstanceOf(SendGate.Aborted.class, thrown);
        assertFalse(Thread.interrupted(), "the abort's interrupt is consumed, not left for the database work");
    }
}
