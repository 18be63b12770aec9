package io.whmcsbridge.runtime.pipeline;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;

/**
 * Runs tasks on a worker pool so that tasks with the same key run one after another, in submission order, and
 * tasks with different keys run concurrently. Admission is bounded: {@link #admit()} completes once fewer than
 * {@code maxPending} tasks are queued or running, which is how the Kafka consumer is held back without blocking its
 * thread.
 */
public final class KeyedDispatcher {
    private final ExecutorService workers;
    private final int maxPending;
    private final Map<String, CompletableFuture<Void>> tails = new HashMap<>();
    private final Deque<CompletableFuture<Void>> waiting = new ArrayDeque<>();
    private int pending;
    private volatile boolean closed;
    private volatile long lastProgressNanos = System.nanoTime();

    public KeyedDispatcher(ExecutorService workers, int maxPending) {
        this.workers = workers;
        this.maxPending = maxPending;
    }

    /** Completes when one more task may be submitted; each admission must be followed by one {@link #submit}. */
    public synchronized CompletableFuture<Void> admit() {
        if (pending < maxPending) {
            pending++;
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> f = new CompletableFuture<>();
        waiting.addLast(f);
        return f;
    }

    /** Runs {@code task} after every earlier task of {@code key}; the future completes when it has run. */
    public CompletableFuture<Void> submit(String key, Runnable task) {
        return submit(key, release -> task.run());
    }

    /**
     * Runs {@code task} after every earlier task of {@code key} has released the key; the task may release it
     * before it ends (by running the callback it is given), so the next task of the key starts while this one
     * finishes its bookkeeping. The key is released at the latest when the task ends. The future completes when
     * the task has ended.
     */
    public CompletableFuture<Void> submit(String key, Consumer<Runnable> task) {
        CompletableFuture<Void> released = new CompletableFuture<>();
        CompletableFuture<Void> done;
        synchronized (this) {
            CompletableFuture<Void> prev = tails.get(key);
            CompletableFuture<Void> after = prev == null ? CompletableFuture.completedFuture(null) : prev;
            done = after.thenRunAsync(() -> {
                if (closed) {
                    throw new CancellationException("stopping: not started");
                }
                lastProgressNanos = System.nanoTime();
                task.accept(() -> released.complete(null));
            }, workers);
            tails.put(key, released);
        }
        released.whenComplete((v, e) -> {
            synchronized (this) {
                tails.remove(key, released);
            }
        });
        done.whenComplete((v, e) -> {
            released.complete(null);
            finished();
        });
        return done;
    }

    private void finished() {
        lastProgressNanos = System.nanoTime();
        CompletableFuture<Void> admitted = null;
        synchronized (this) {
            if (waiting.isEmpty()) {
                pending--;
            } else {
                admitted = waiting.pollFirst();
            }
        }
        if (admitted != null) {
            admitted.complete(null);
        }
    }

    /**
     * Stops starting tasks: from now on a task whose turn comes ends at once with a {@link CancellationException},
     * while tasks already running go on. Used at shutdown, so calls in flight finish and nothing new begins.
     */
    public void close() {
        closed = true;
    }

    public synchronized int pending() {
        return pending;
    }

    /** {@link System#nanoTime()} when a task last started or ended. */
    public long lastProgressNanos() {
        return lastProgressNanos;
    }
}
