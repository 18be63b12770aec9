package io.whmcsbridge.runtime.pipeline;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KeyedDispatcherTest {
    final ExecutorService pool = Executors.newFixedThreadPool(8);

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    /** Shutdown: the running task of key A finishes; A's next task and a queued task of key B never start. */
    @Test
    void afterCloseRunningTasksFinishAndWaitingOnesDoNotStart() throws Exception {
        KeyedDispatcher d = new KeyedDispatcher(Executors.newSingleThreadExecutor(), 10);
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch proceed = new CountDownLatch(1);
        AtomicInteger ran = new AtomicInteger();
        d.admit().get();
        CompletableFuture<Void> first = d.submit("A", () -> {
            running.countDown();
            await(proceed);
            ran.incrementAndGet();
        });
        d.admit().get();
        CompletableFuture<Void> nextOfA = d.submit("A", ran::incrementAndGet);
        d.admit().get();
        CompletableFuture<Void> queuedB = d.submit("B", ran::incrementAndGet); // waits for the single worker
        assertTrue(running.await(5, TimeUnit.SECONDS));
        d.close();
        proceed.countDown();
        first.get(5, TimeUnit.SECONDS);
        ExecutionException a = assertThrows(ExecutionException.class, () -> nextOfA.get(5, TimeUnit.SECONDS));
        ExecutionException b = assertThrows(ExecutionException.class, () -> queuedB.get(5, TimeUnit.SECONDS));
        assertInstanceOf(CancellationException.class, a.getCause());
        assertInstanceOf(CancellationException.class, b.getCause());
        assertEquals(1, ran.get(), "only the task already running when the dispatcher closed has run");
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void sameKeyRunsInOrderOneAtATimeAndKeysRunConcurrently() throws Exception {
        KeyedDispatcher d = new KeyedDispatcher(pool, 1000);
        List<String> order = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger concurrentA = new AtomicInteger();
        AtomicInteger maxConcurrentA = new AtomicInteger();
        AtomicInteger running = new AtomicInteger();
        AtomicInteger maxRunning = new AtomicInteger();
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            for (String key : List.of("A", "B", "C")) {
                int n = i;
                d.admit().get();
                all.add(d.submit(key, () -> {
                    maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
                    if (key.equals("A")) {
                        maxConcurrentA.accumulateAndGet(concurrentA.incrementAndGet(), Math::max);
                        order.add(key + n);
                    }
                    sleep(3);
                    if (key.equals("A")) {
                        concurrentA.decrementAndGet();
                    }
                    running.decrementAndGet();
                }));
            }
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        assertEquals(1, maxConcurrentA.get(), "one task of key A at a time");
        for (int i = 0; i < 20; i++) {
            assertEquals("A" + i, order.get(i));
        }
        assertTrue(maxRunning.get() > 1, "different keys ran concurrently");
        // places are given back just after each future completes
        for (int i = 0; i < 200 && d.pending() > 0; i++) {
            sleep(5);
        }
        assertEquals(0, d.pending(), "every place given back");
    }

    @Test
    void admissionWaitsWhileTooManyArePendingAndFailureDoesNotBlockTheKey() throws Exception {
        KeyedDispatcher d = new KeyedDispatcher(pool, 2);
        CompletableFuture<Void> gate = new CompletableFuture<>();
        d.admit().get();
        d.submit("x", () -> gate.join());
        d.admit().get();
        CompletableFuture<Void> failing = d.submit("y", () -> {
            throw new IllegalStateException("boom");
        });
        failing.handle((v, e) -> null).get(5, TimeUnit.SECONDS);
        CompletableFuture<Void> third = d.admit();
        third.get(5, TimeUnit.SECONDS); // the failed task freed its place
        CompletableFuture<Void> fourth = d.submit("y", () -> { });
        fourth.get(5, TimeUnit.SECONDS); // a failure does not block its key
        d.admit().get(5, TimeUnit.SECONDS); // fourth has finished: its place is free again
        d.submit("z", () -> gate.join());
        CompletableFuture<Void> sixth = d.admit();
        assertFalse(sixth.isDone(), "x and z hold both places: the sixth waits");
        gate.complete(null);
        sixth.get(5, TimeUnit.SECONDS);
    }

    /**
     * A task that throws an Error (StackOverflowError, OutOfMemoryError), both before and after it released its key
     * early: its future fails with that Error, the next task of the key runs, and its admission place is free again.
     */
    @Test
    void aTaskThrowingAnErrorReleasesItsKeyAndItsPlace() throws Exception {
        KeyedDispatcher d = new KeyedDispatcher(pool, 1);
        for (Error error : List.of(new StackOverflowError("deep"), new OutOfMemoryError("heap"))) {
            for (boolean releasedFirst : new boolean[] { false, true }) {
                d.admit().get(5, TimeUnit.SECONDS);
                CompletableFuture<Void> bad = d.submit("k", release -> {
                    if (releasedFirst) {
                        release.run();
                    }
                    throw error;
                });
                ExecutionException e = assertThrows(ExecutionException.class, () -> bad.get(5, TimeUnit.SECONDS));
                assertInstanceOf(error.getClass(), e.getCause());
                d.admit().get(5, TimeUnit.SECONDS); // the place went back (maxPending is 1)
                CompletableFuture<Void> next = d.submit("k", () -> { });
                next.get(5, TimeUnit.SECONDS); // the key went on (its place is taken again by the next admit)
            }
        }
        d.admit().get(5, TimeUnit.SECONDS);
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
