package io.whmcsbridge.runtime.store;

import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.whmcsbridge.runtime.fleet.DatabaseAnswers;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Group commit of the pipeline's database work. Workers hand their statements to one writer thread, which takes
 * everything queued (up to a batch) and commits it in one JDBC transaction, then answers every caller. While it
 * commits, the next batch gathers, so under load one commit carries many commands and the cost of a transaction (its
 * WAL flush above all) is shared; when idle a batch is a single command and nothing waits. A caller returns only after
 * its work committed: the rules that depend on commit order (IN_FLIGHT before the call leaves, the outcome and its
 * outbox row together) hold as before.
 *
 * <p>One writer, not several: with two, a command arriving while one writer was busy was committed alone by the
 * other, so at moderate rates almost every commit carried one command (docs/PERFORMANCE.md). One writer also commits
 * this process's transactions in the order it wrote them.
 */
@ApplicationScoped
public class GroupCommit {
    private static final Logger LOG = Logger.getLogger(GroupCommit.class);
    private static final int MAX_BATCH = 256;

    /** Database work of one command: runs inside a transaction shared with other commands' work. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private record Job<T>(Work<T> work, CompletableFuture<T> done) {
    }

    @Inject
    AgroalDataSource dataSource;
    @Inject
    DatabaseAnswers answers;

    private final BlockingQueue<Job<?>> queue = new LinkedBlockingQueue<>();
    private Thread writer;
    private volatile boolean stopping;

    /** Runs the work in a shared transaction and returns once it committed; throws if the transaction failed. */
    public <T> T run(Work<T> work) throws SQLException, InterruptedException {
        ensureStarted();
        CompletableFuture<T> done = new CompletableFuture<>();
        queue.add(new Job<>(work, done));
        try {
            return done.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SQLException sql) {
                throw sql;
            }
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw new IllegalStateException("database work failed: " + err, err);
            }
            throw new SQLException("database work failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new SQLTimeoutException("database work did not commit within 60 s");
        }
    }

    private synchronized void ensureStarted() throws SQLException {
        if (writer == null) {
            if (stopping) {
                throw new SQLTransientConnectionException("stopping");
            }
            writer = new Thread(this::loop, "group-commit");
            writer.setDaemon(true);
            writer.start();
        }
    }

    /** After the command workers (priority 100) have finished: commits what they queued, then stops. */
    void onStop(@Observes @Priority(200) ShutdownEvent ev) {
        Thread started;
        synchronized (this) {
            stopping = true;
            started = writer;
        }
        if (started != null) {
            try {
                started.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            started.interrupt();
        }
    }

    private void loop() {
        List<Job<?>> batch = new ArrayList<>(MAX_BATCH);
        while (true) {
            Job<?> first;
            try {
                first = queue.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                break;
            }
            if (first == null) {
                if (stopping) {
                    break; // nothing left to commit
                }
                continue;
            }
            batch.add(first);
            queue.drainTo(batch, MAX_BATCH - 1);
            try {
                if (!commit(batch)) {
                    // One bad piece of work must not fail the others: run them one by one, each in its own
                    // transaction, so the one the database refuses fails alone.
                    for (Job<?> job : batch) {
                        commit(List.of(job));
                    }
                }
            } catch (Throwable t) {
                // nothing may stop a writer (its callers would wait for ever): whatever is left unanswered fails
                batch.forEach(job -> job.done().completeExceptionally(t));
            }
            batch.clear();
        }
        // Work queued after the writer stopped (a worker past the shutdown grace): fail it so nobody waits.
        Job<?> left;
        while ((left = queue.poll()) != null) {
            left.done().completeExceptionally(new SQLTransientConnectionException("stopping"));
        }
    }

    /**
     * Commits the batch; completes every job on success, or every job with the error if it is a single one. Work that
     * throws an {@link Error} (a StackOverflowError in a statement's data) fails like work the database refused.
     */
    private boolean commit(List<Job<?>> batch) {
        List<Object> results = new ArrayList<>(batch.size());
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                for (Job<?> job : batch) {
                    results.add(job.work().run(c));
                }
                c.commit();
            } catch (SQLException | RuntimeException | Error e) {
                rollback(c);
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException | RuntimeException | Error e) {
            if (batch.size() == 1) {
                batch.get(0).done().completeExceptionally(e);
            } else {
                LOG.debugf("a group commit of %d failed (%s); committing them one by one", batch.size(), e.toString());
            }
            return false;
        }
        answers.answered();
        for (int i = 0; i < batch.size(); i++) {
            complete(batch.get(i), results.get(i));
        }
        return true;
    }

    @SuppressWarnings("unchecked")
    private static <T> void complete(Job<T> job, Object result) {
        job.done().complete((T) result);
    }

    private static void rollback(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the connection is broken; the pool discards it
        }
    }
}
