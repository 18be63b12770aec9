package io.whmcsbridge.runtime.store;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.whmcsbridge.model.CloudEvent;
import io.whmcsbridge.model.EventTypes;
import io.whmcsbridge.runtime.config.BridgeConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Publishes outbox rows to their topic ({@code aggregatetype}): results, and commands accepted over HTTP. Woken when a transaction that wrote a row commits; the scheduled
 * poll only catches rows whose wake-up was missed (a relay failure, a row of a crashed process). Rows are claimed
 * with {@code FOR UPDATE SKIP LOCKED}, so several replicas relay side by side without publishing a row twice.
 * Delivery is at least once: a consumer deduplicates by the result event id.
 */
@ApplicationScoped
public class OutboxRelay {
    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);

    @Inject
    BridgeConfig config;

    @Inject
    @Channel("results")
    MutinyEmitter<byte[]> results;
    @Inject
    AgroalDataSource dataSource;
    @Inject
    GroupCommit groupCommit;

    private final ExecutorService relayThread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "outbox-relay");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean wakeQueued = new AtomicBoolean();
    private final AtomicLong published = new AtomicLong();
    private volatile long backlog;
    private volatile boolean stopping;
    private volatile boolean countBacklog = true;

    void onStart(@Observes StartupEvent ev) {
        groupCommit.afterCommit(this::wake);
    }

    void afterCommit(@Observes(during = TransactionPhase.AFTER_SUCCESS) CommandStore.OutboxWritten written) {
        wake();
    }

    @Scheduled(every = "${whmcs.outbox.poll-interval:5s}", delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void poll() {
        countBacklog = true;
        wake();
    }

    @Scheduled(every = "1h", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void deleteOldPublished() {
        Instant before = Instant.now().minus(config.outbox().retention());
        long n = QuarkusTransaction.requiringNew()
                .call(() -> OutboxEvent.delete("publishedAt is not null and publishedAt < ?1", before));
        if (n > 0) {
            LOG.infof("deleted %d published outbox rows older than %s", n, config.outbox().retention());
        }
    }

    void onStop(@Observes ShutdownEvent ev) {
        stopping = true;
        relayThread.shutdown();
        try {
            relayThread.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Asks the relay to drain; coalesces wake-ups that arrive while a drain is queued. */
    public void wake() {
        if (!config.outbox().relayEnabled()) {
            return; // a Debezium connector relays the outbox
        }
        if (!stopping && wakeQueued.compareAndSet(false, true)) {
            try {
                relayThread.execute(this::drain);
            } catch (RuntimeException rejected) {
                wakeQueued.set(false);
            }
        }
    }

    /** Rows not yet published, as of the last drain. */
    public long backlog() {
        return backlog;
    }

    public long publishedCount() {
        return published.get();
    }

    private void drain() {
        wakeQueued.set(false);
        try (Connection c = dataSource.getConnection()) {
            int n;
            do {
                n = publishBatch(c);
            } while (n == config.outbox().batchSize() && !stopping);
            if (countBacklog) {
                // counted on the slow poll only: a count per wake-up would cost more than the publishing
                countBacklog = false;
                try (PreparedStatement count = c.prepareStatement(
                        "SELECT count(*) FROM outbox_event WHERE published_at IS NULL");
                        ResultSet rs = count.executeQuery()) {
                    rs.next();
                    backlog = rs.getLong(1);
                }
            } else if (n < config.outbox().batchSize()) {
                backlog = 0;
            }
        } catch (Exception e) {
            LOG.warnf("outbox relay could not publish (%s); rows stay queued and are retried", e.toString());
        }
    }

    /** Claims a batch of rows, publishes them, marks them published (or deletes commands), in one transaction. */
    private int publishBatch(Connection c) throws SQLException {
        record Row(UUID id, String topic, String key, String type, String payload, String traceparent) {
        }
        c.setAutoCommit(false);
        try {
            List<Row> rows = new ArrayList<>();
            try (PreparedStatement select = c.prepareStatement("SELECT id, aggregatetype, aggregateid, type, payload, "
                    + "tracingspancontext FROM outbox_event WHERE published_at IS NULL ORDER BY seq LIMIT ? "
                    + "FOR UPDATE SKIP LOCKED")) {
                select.setInt(1, config.outbox().batchSize());
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        rows.add(new Row(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3), rs.getString(4),
                                rs.getString(5), rs.getString(6)));
                    }
                }
            }
            if (rows.isEmpty()) {
                c.commit();
                return 0;
            }
            List<Uni<Void>> sends = new ArrayList<>(rows.size());
            for (Row row : rows) {
                RecordHeaders headers = new RecordHeaders();
                headers.add("content-type", CloudEvent.STRUCTURED_CONTENT_TYPE.getBytes(StandardCharsets.UTF_8));
                headers.add("id", row.id().toString().getBytes(StandardCharsets.UTF_8));
                headers.add("type", row.type().getBytes(StandardCharsets.UTF_8));
                if (row.traceparent() != null) {
                    headers.add("traceparent", row.traceparent().getBytes(StandardCharsets.UTF_8));
                }
                OutgoingKafkaRecordMetadata<String> meta = OutgoingKafkaRecordMetadata.<String>builder()
                        .withTopic(row.topic()).withKey(row.key()).withHeaders(headers).build();
                sends.add(results.sendMessage(Message.of(row.payload().getBytes(StandardCharsets.UTF_8)).addMetadata(meta)));
            }
            Uni.join().all(sends).andFailFast().await().atMost(SEND_TIMEOUT);
            String commandsTopic = EventTypes.commandsTopic(config.family());
            UUID[] published = rows.stream().filter(r -> !commandsTopic.equals(r.topic())).map(Row::id).toArray(UUID[]::new);
            UUID[] commands = rows.stream().filter(r -> commandsTopic.equals(r.topic())).map(Row::id).toArray(UUID[]::new);
            if (published.length > 0) {
                try (PreparedStatement mark = c.prepareStatement(
                        "UPDATE outbox_event SET published_at = now() WHERE id = ANY (?)")) {
                    mark.setArray(1, c.createArrayOf("uuid", published));
                    mark.executeUpdate();
                }
            }
            if (commands.length > 0) {
                // A command accepted over HTTP carries its parameters unredacted: keep it no longer than needed.
                try (PreparedStatement delete = c.prepareStatement("DELETE FROM outbox_event WHERE id = ANY (?)")) {
                    delete.setArray(1, c.createArrayOf("uuid", commands));
                    delete.executeUpdate();
                }
            }
            c.commit();
            this.published.addAndGet(rows.size());
            return rows.size();
        } catch (SQLException | RuntimeException e) {
            try {
                c.rollback();
            } catch (SQLException ignored) {
                // broken connection
            }
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }
}
