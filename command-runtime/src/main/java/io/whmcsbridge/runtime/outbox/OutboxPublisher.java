package io.whmcsbridge.runtime.outbox;

import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import io.whmcsbridge.runtime.config.BridgeConfig;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Publishes outbox rows to their topic ({@code aggregatetype}): results, and commands accepted over HTTP.
 *
 * <p>A row is handed over ({@link #handOver}) as soon as the transaction that wrote it has committed and is sent at
 * once by this class's thread, without reading it back and without waiting for earlier sends to be acknowledged; rows
 * are marked published (commands deleted) once Kafka has acknowledged them, those of a {@code mark-interval} at once.
 * Whatever was not handed over or whose send failed is left to {@link OutboxSweep}, which this thread runs every
 * {@code whmcs.outbox.poll-interval}.
 * Delivery is at least once: a consumer deduplicates by the event id. Nothing runs when a Debezium connector relays
 * the outbox ({@code whmcs.outbox.relay-enabled=false}).
 */
@ApplicationScoped
public class OutboxPublisher {
    private static final Logger LOG = Logger.getLogger(OutboxPublisher.class);
    /** Rows handed over but not sent; beyond this they are left to the sweep rather than held in memory. */
    private static final int MAX_QUEUED = 10_000;

    @Inject
    BridgeConfig config;
    @Inject
    AgroalDataSource dataSource;
    @Inject
    Outbox outbox;
    @Inject
    OutboxSender sender;
    @Inject
    OutboxSweep sweep;

    private final BlockingQueue<OutboxRow> committed = new LinkedBlockingQueue<>(MAX_QUEUED);
    private final ConcurrentLinkedQueue<OutboxRow> acknowledged = new ConcurrentLinkedQueue<>();
    private final AtomicLong published = new AtomicLong();
    private long lastMarkNanos = System.nanoTime();
    private volatile boolean sweepRequested = true;
    private volatile boolean stopping;
    private Thread relay;

    /** Hands over a row whose transaction has committed: the one way a written row reaches the publisher. */
    public void handOver(OutboxRow row) {
        if (!config.outbox().relayEnabled() || stopping) {
            return; // Debezium relays the outbox; or the sweep after a restart will
        }
        ensureStarted();
        if (!committed.offer(row)) {
            LOG.debugf("relay queue full; row %s is left to the sweep", row.id());
        }
    }

    @Scheduled(every = "${whmcs.outbox.poll-interval:5s}", delayed = "1s", skipExecutionIf = BeforeStart.class,
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void poll() {
        if (config.outbox().relayEnabled() && !stopping) {
            sweepRequested = true;
            ensureStarted();
        }
    }

    /** After the command workers and the group commit (lower priorities): sends what has committed, then stops. */
    void onStop(@Observes @Priority(300) ShutdownEvent ev) {
        stopping = true;
        Thread t;
        synchronized (this) {
            t = relay;
        }
        if (t != null) {
            try {
                t.join(config.processing().shutdownGrace().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            t.interrupt();
        }
    }

    /** Rows this process published: handed over and acknowledged, or swept. */
    public long publishedCount() {
        return published.get() + sweep.publishedCount();
    }

    private synchronized void ensureStarted() {
        if (relay == null && !stopping) {
            relay = new Thread(this::loop, "outbox-relay");
            relay.setDaemon(true);
            relay.start();
        }
    }

    private void loop() {
        List<OutboxRow> batch = new ArrayList<>();
        try {
            awaitEmitter();
            while (!stopping) {
                OutboxRow first = committed.poll(20, TimeUnit.MILLISECONDS);
                if (first != null) {
                    batch.add(first);
                    committed.drainTo(batch, config.outbox().batchSize() - 1);
                    for (OutboxRow row : batch) {
                        sender.send(row, acknowledged::add);
                    }
                    batch.clear();
                }
                if (System.nanoTime() - lastMarkNanos >= config.outbox().markInterval().toNanos()) {
                    markAcknowledged();
                }
                if (sweepRequested) {
                    sweepRequested = false;
                    sweep.sweep(() -> stopping);
                }
            }
            // stopping: what has committed goes out before the producer closes
            committed.drainTo(batch);
            for (OutboxRow row : batch) {
                sender.send(row, acknowledged::add);
            }
            sender.awaitAnswers(config.processing().shutdownGrace().toMillis());
            markAcknowledged();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The emitter takes messages once the channel is connected, shortly after start. */
    private void awaitEmitter() throws InterruptedException {
        while (!sender.ready() && !stopping) {
            Thread.sleep(50);
        }
    }

    /** Marks the rows Kafka acknowledged since the last time. */
    private void markAcknowledged() {
        lastMarkNanos = System.nanoTime();
        if (acknowledged.isEmpty()) {
            return;
        }
        List<OutboxRow> rows = new ArrayList<>();
        OutboxRow r;
        while ((r = acknowledged.poll()) != null) {
            rows.add(r);
        }
        try (Connection c = dataSource.getConnection()) {
            outbox.markPublished(c, rows);
            published.addAndGet(rows.size());
        } catch (SQLException e) {
            // sent but not marked: the sweep sends them again later (at least once)
            LOG.warnf("could not mark %d published outbox rows (%s)", rows.size(), e.toString());
        } finally {
            rows.forEach(x -> sender.settled(x.id()));
        }
    }
}
