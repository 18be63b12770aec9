package io.whmcsbridge.runtime.outbox;

import io.agroal.api.AgroalDataSource;
import io.whmcsbridge.runtime.config.BridgeConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * Publishes the rows the hand-over did not (Kafka down, a crashed process, another replica's row, a full queue) once
 * they are older than {@code whmcs.outbox.sweep-after}, and counts the backlog. Rows are claimed with
 * {@code FOR UPDATE SKIP LOCKED}, so replicas sweep side by side; a row this process has in flight is left to its
 * acknowledgement. A row Kafka refuses for itself, or whose send keeps failing while other rows go out, is set aside
 * ({@code publish_error}) instead of being sent again at the head of every sweep. Runs on the publisher's thread.
 */
@ApplicationScoped
public class OutboxSweep {
    private static final Logger LOG = Logger.getLogger(OutboxSweep.class);

    @Inject
    BridgeConfig config;
    @Inject
    AgroalDataSource dataSource;
    @Inject
    Outbox outbox;
    @Inject
    OutboxSender sender;

    private final AtomicLong published = new AtomicLong();
    private final AtomicLong setAsideRows = new AtomicLong();
    private volatile long backlog;

    /** Rows not yet published, as of the last sweep. */
    public long backlog() {
        return backlog;
    }

    /** Rows this process set aside (Kafka refused them): results that will never be published. */
    public long setAsideCount() {
        return setAsideRows.get();
    }

    /** Rows the sweeps of this process published. */
    long publishedCount() {
        return published.get();
    }

    /** Publishes rows older than {@code sweep-after} that are still unpublished, and counts the backlog. */
    void sweep(BooleanSupplier stopping) throws InterruptedException {
        try (Connection c = dataSource.getConnection()) {
            while (sweepBatch(c) && !stopping.getAsBoolean()) {
                // a full batch went out: there may be more
            }
            backlog = outbox.countUnpublished(c);
        } catch (SQLException | RuntimeException e) {
            LOG.warnf("outbox sweep could not publish (%s); rows stay queued and are retried", e.toString());
        }
    }

    /**
     * Claims a batch of old rows, publishes them and marks them, in one transaction. Rows Kafka took are marked
     * published; a row Kafka refuses for itself ({@link KafkaRefusal}) is set aside at once, and one whose send
     * failed while Kafka took others counts a failed attempt and is set aside after {@code max-publish-attempts}; so
     * one bad row never holds up the others. A row whose send failed while nothing went out (Kafka down) is only
     * tried again. Returns whether a full batch went out (there may be more).
     */
    private boolean sweepBatch(Connection c) throws SQLException, InterruptedException {
        c.setAutoCommit(false);
        List<Outbox.Claimed> rows = new ArrayList<>();
        try {
            for (Outbox.Claimed row : outbox.claimUnpublished(c, Instant.now().minus(config.outbox().sweepAfter()),
                    config.outbox().batchSize())) {
                if (!sender.inFlight(row.row().id())) { // else sent by this process a moment ago; marked when acknowledged
                    rows.add(row);
                }
            }
            if (rows.isEmpty()) {
                c.commit();
                return false;
            }
            List<CompletableFuture<Void>> sends = new ArrayList<>(rows.size());
            for (Outbox.Claimed row : rows) {
                sends.add(sender.send(row.row(), null));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            List<OutboxRow> sent = new ArrayList<>();
            Map<Outbox.Claimed, String> setAside = new LinkedHashMap<>();
            List<Outbox.Claimed> failed = new ArrayList<>();
            int unanswered = 0;
            for (int i = 0; i < rows.size(); i++) {
                try {
                    sends.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                    sent.add(rows.get(i).row());
                } catch (ExecutionException e) {
                    Throwable refusal = KafkaRefusal.refusedForItself(e.getCause());
                    if (refusal != null) {
                        setAside.put(rows.get(i), "Kafka refused it: " + refusal);
                    } else {
                        failed.add(rows.get(i));
                    }
                } catch (TimeoutException e) {
                    unanswered++;
                }
            }
            outbox.markPublished(c, sent); // in the claiming transaction
            if (!sent.isEmpty()) {
                // Kafka took other rows meanwhile: these failures are the rows' own
                List<UUID> counted = new ArrayList<>();
                for (Outbox.Claimed row : failed) {
                    if (row.attempts() + 1 >= config.outbox().maxPublishAttempts()) {
                        setAside.put(row, "its send failed " + (row.attempts() + 1) + " times while Kafka took other rows");
                    } else {
                        counted.add(row.row().id());
                    }
                }
                outbox.countFailure(c, counted);
            }
            outbox.setAside(c, setAside);
            c.commit();
            published.addAndGet(sent.size());
            setAsideRows.addAndGet(setAside.size());
            return rows.size() == config.outbox().batchSize() && failed.isEmpty() && unanswered == 0;
        } catch (SQLException | RuntimeException | InterruptedException e) {
            try {
                c.rollback();
            } catch (SQLException ignored) {
                // broken connection
            }
            throw e;
        } finally {
            c.setAutoCommit(true);
            rows.forEach(x -> sender.settled(x.row().id()));
        }
    }
}
