package io.whmcsbridge.runtime.store;

import io.agroal.api.AgroalDataSource;
import io.whmcsbridge.runtime.fleet.DatabaseAnswers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A group commit over a fake connection: transactions are counted, not run. */
class GroupCommitTest {
    final AtomicInteger commits = new AtomicInteger();
    final AtomicInteger rollbacks = new AtomicInteger();
    final ExecutorService callers = Executors.newCachedThreadPool();
    final GroupCommit groupCommit = new GroupCommit();

    GroupCommitTest() {
        groupCommit.answers = new DatabaseAnswers();
        groupCommit.dataSource = (AgroalDataSource) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] { AgroalDataSource.class }, (p, m, a) -> switch (m.getName()) {
                    case "getConnection" -> connection();
                    case "hashCode" -> 1;
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }

    private Connection connection() {
        return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] { Connection.class },
                (p, m, a) -> {
                    switch (m.getName()) {
                        case "commit" -> commits.incrementAndGet();
                        case "rollback" -> rollbacks.incrementAndGet();
                        default -> {
                            // setAutoCommit, close
                        }
                    }
                    return null;
                });
    }

    @AfterEach
    void stop() {
        groupCommit.onStop(null);
        callers.shutdownNow();
    }

    private CompletableFuture<String> submit(GroupCommit.Work<String> work) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return groupCommit.run(work);
            } catch (SQLException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }, callers);
    }

    /**
     * The writer held busy, then ten commands queue up and go into one batch with a poisoned one among them: the
     * database refuses its data, or its work throws a StackOverflowError. The batch is committed one by one: the
     * poisoned job fails alone, with its own error, the nine others commit, and the writer goes on working. Before,
     * an Error ended the writer thread and every job of its batch waited out the 60 s timeout.
     */
    @Test
    void aPoisonedJobInABatchFailsAloneAndTheWritersGoOn() throws Exception {
        for (Throwable poison : List.of(new SQLException("value overflows numeric format", "22003"),
                new StackOverflowError("deep"))) {
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch busy = new CountDownLatch(1);
            CompletableFuture<String> blocker = submit(c -> {
                busy.countDown();
                await(release);
                return "blocker";
            });
            assertTrue(busy.await(5, TimeUnit.SECONDS), "the writer is busy");
            List<CompletableFuture<String>> jobs = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                int n = i;
                jobs.add(submit(c -> {
                    if (n == 4) {
                        if (poison instanceof SQLException s) {
                            throw s;
                        }
                        throw (Error) poison;
                    }
                    return "job " + n;
                }));
            }
            Thread.sleep(200); // all ten queued behind the blockers
            release.countDown();
            assertEquals("blocker", blocker.get(5, TimeUnit.SECONDS));
            for (int i = 0; i < 10; i++) {
                if (i == 4) {
                    int index = i;
                    ExecutionException e = assertThrows(ExecutionException.class,
                            () -> jobs.get(index).get(5, TimeUnit.SECONDS));
                    Throwable cause = e.getCause().getCause();
                    if (poison instanceof SQLException) {
                        assertEquals("22003", assertInstanceOf(SQLException.class, cause).getSQLState());
                    } else {
                        assertInstanceOf(StackOverflowError.class, cause, e.toString());
                    }
                } else {
                    assertEquals("job " + i, jobs.get(i).get(5, TimeUnit.SECONDS), "job " + i + " committed");
                }
            }
            assertEquals("after", submit(c -> "after").get(5, TimeUnit.SECONDS), "the writer still works");
        }
        assertTrue(rollbacks.get() >= 4, "each poisoned job rolled back its batch and its own transaction");
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
