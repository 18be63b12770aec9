package io.whmcsbridge.runtime.store;

import io.agroal.api.AgroalDataSource;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.ScheduledExecution;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.whmcsbridge.model.CloudEvent;
import io.whmcsbridge.model.EventTypes;
import io.whmcsbridge.runtime.config.BridgeConfig;
import io.whmcsbridge.runtime.tracing.Tracing;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import io.whmcsbridge.model.SafeText;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Publishes outbox rows to their topic ({@code aggregatetype}): results, and commands accepted over HTTP.
 *
 * <p>A row is handed over as soon as the transaction that wrote it has committed and is sent at once, without
 * reading it back and without waiting for earlier sends to be acknowledged; rows are marked published (commands
 * deleted) in batches once Kafka has acknowledged them. A row that was not handed over or whose send failed (Kafka
 * down, a crashed process, another replica's row) is published by the scheduled sweep once it is older than
 * {@code whmcs.outbox.sweep-after}; the sweep claims rows with {@code FOR UPDATE SKIP LOCKED}, so replicas sweep side
 * by side. Delivery is at least once: a consumer deduplicates by the result event id. A row Kafka refuses for itself,
 * or whose send keeps failing while other rows go out, is set aside ({@code publish_error}) instead of being sent again
 * at the head of every sweep.
 */
@ApplicationScoped
public class OutboxRelay {
    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    /** Sends not yet acknowledged; the emitter's buffer holds 128. */
    private static final int MAX_UNACKED = 128;
    /** Rows handed over but not sent; beyond this they are left to the sweep rather than held in memory. */
    private static final int MAX_QUEUED = 10_000;

    /** A committed outbox row. */
    public record Row(UUID id, String topic, String key, String type, String payload, String traceparent) {
    }

    /** Fired inside a JTA transaction that wrote an outbox row; the row is handed over after the commit. */
    public record Written(Row row) {
    }

    @Inject
    BridgeConfig config;
    @Inject
    @Channel("results")
    MutinyEmitter<byte[]> results;
    @Inject
    AgroalDataSource dataSource;
    @Inject
    Tracing tracing;

    private final BlockingQueue<Row> committed = new LinkedBlockingQueue<>(MAX_QUEUED);
    private final ConcurrentLinkedQueue<Row> acknowledged = new ConcurrentLinkedQueue<>();
    private final Semaphore unacked = new Semaphore(MAX_UNACKED);
    /** Rows sent and not yet marked (or failed): the sweep leaves them alone, so this process sends a row once. */
    private final Set<UUID> pending = ConcurrentHashMap.newKeySet();
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong setAsideRows = new AtomicLong();
    private volatile long backlog;
    private volatile boolean sweepRequested = true;
    private volatile boolean stopping;
    private Thread relay;

    void afterCommit(@Observes(during = TransactionPhase.AFTER_SUCCESS) Written written) {
        publishCommitted(written.row());
    }

    /** Hands over a row whose transaction has committed. */
    public void publishCommitted(Row row) {
        if (!config.outbox().relayEnabled() || stopping) {
            return; // Debezium relays the outbox; or the sweep after a restart will
        }
        ensureStarted();
        if (!committed.offer(row)) {
            LOG.debugf("relay queue full; row %s is left to the sweep", row.id());
        }
    }

    /**
     * Holds the scheduled methods back until the application has started: the relay's emitter can only be injected
     * once Reactive Messaging has wired its channels (a poll before that failed with SRMSG00019).
     */
    @Singleton
    public static class BeforeStart implements Scheduled.SkipPredicate {
        private volatile boolean started;

        void onStart(@Observes StartupEvent ev) {
            started = true;
        }

        @Override
        public boolean test(ScheduledExecution execution) {
            return !started;
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

    /**
     * Deletes rows past the retention: published ones, or, when a Debezium connector relays the outbox (rows are
     * never marked published then; the connector read them from the WAL when they were written), any.
     */
    @Scheduled(every = "1h", delayed = "1m", skipExecutionIf = BeforeStart.class,
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void deleteOld() {
        if (stopping) {
            return;
        }
        Timestamp before = Timestamp.from(Instant.now().minus(config.outbox().retention()));
        String sql = config.outbox().relayEnabled()
                ? "DELETE FROM outbox_event WHERE published_at IS NOT NULL AND published_at < ?"
                : "DELETE FROM outbox_event WHERE created_at < ?";
        try (Connection c = dataSource.getConnection(); PreparedStatement delete = c.prepareStatement(sql)) {
            delete.setTimestamp(1, before);
            int n = delete.executeUpdate();
            if (n > 0) {
                LOG.infof("deleted %d outbox rows older than %s", n, config.outbox().retention());
            }
        } catch (SQLException e) {
            LOG.warnf("could not delete old outbox rows (%s); trying again in an hour", e.toString());
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

    /** Rows not yet published, as of the last sweep. */
    public long backlog() {
        return backlog;
    }

    public long publishedCount() {
        return published.get();
    }

    /** Rows this process set aside (Kafka refused them): results that will never be published. */
    public long setAsideCount() {
        return setAsideRows.get();
    }

    private synchronized void ensureStarted() {
        if (relay == null && !stopping) {
            relay = new Thread(this::loop, "outbox-relay");
            relay.setDaemon(true);
            relay.start();
        }
    }

    private void loop() {
        List<Row> batch = new ArrayList<>();
        try {
            awaitEmitter();
            while (!stopping) {
                Row first = committed.poll(20, TimeUnit.MILLISECONDS);
                if (first != null) {
                    batch.add(first);
                    committed.drainTo(batch, config.outbox().batchSize() - 1);
                    for (Row row : batch) {
                        send(row, true);
                    }
                    batch.clear();
                }
                markAcknowledged();
                if (sweepRequested) {
                    sweepRequested = false;
                    sweep();
                }
            }
            // stopping: what has committed goes out before the producer closes
            committed.drainTo(batch);
            for (Row row : batch) {
                send(row, true);
            }
            unacked.tryAcquire(MAX_UNACKED, config.processing().shutdownGrace().toMillis(), TimeUnit.MILLISECONDS);
            markAcknowledged();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The emitter takes messages once the channel is connected, shortly after start. */
    private void awaitEmitter() throws InterruptedException {
        while (!results.hasRequests() && !stopping) {
            Thread.sleep(50);
        }
    }

    /**
     * Sends without waiting for the acknowledgement. The send's span is a child of the trace context stored with the
     * row (this thread has none of its own); the record carries that context unchanged, as its event does.
     *
     * @param markLater queue the row to be marked once acknowledged (the sweep marks its rows itself)
     */
    private CompletableFuture<Void> send(Row row, boolean markLater) throws InterruptedException {
        unacked.acquire();
        pending.add(row.id());
        Span span = tracing.publish(row.topic(), row.traceparent(), !markLater);
        RecordHeaders headers = new RecordHeaders();
        headers.add("content-type", CloudEvent.STRUCTURED_CONTENT_TYPE.getBytes(StandardCharsets.UTF_8));
        headers.add("id", row.id().toString().getBytes(StandardCharsets.UTF_8));
        headers.add("type", row.type().getBytes(StandardCharsets.UTF_8));
        if (row.traceparent() != null) {
            headers.add("traceparent", row.traceparent().getBytes(StandardCharsets.UTF_8));
        }
        OutgoingKafkaRecordMetadata<String> meta = OutgoingKafkaRecordMetadata.<String>builder()
                .withTopic(row.topic()).withKey(row.key()).withHeaders(headers).build();
        CompletableFuture<Void> sent = new CompletableFuture<>();
        try {
            results.sendMessage(Message.of(row.payload().getBytes(StandardCharsets.UTF_8)).addMetadata(meta))
                    .subscribe().with(ok -> {
                        unacked.release();
                        if (markLater) {
                            acknowledged.add(row);
                        }
                        span.end();
                        sent.complete(null);
                    }, failure -> {
                        unacked.release();
                        pending.remove(row.id());
                        LOG.warnf("could not publish outbox row %s (%s); the sweep publishes it later", row.id(),
                                failure.toString());
                        failed(span, failure);
                        sent.completeExceptionally(failure);
                    });
        } catch (RuntimeException e) {
            unacked.release();
            pending.remove(row.id());
            LOG.warnf("could not publish outbox row %s (%s); the sweep publishes it later", row.id(), e.toString());
            failed(span, e);
            sent.completeExceptionally(e);
        }
        return sent;
    }

    /** The span of a send Kafka did not take: its exception's class only (a message may quote the record). */
    private static void failed(Span span, Throwable failure) {
        span.setStatus(StatusCode.ERROR, failure.getClass().getSimpleName());
        span.end();
    }

    /** Marks acknowledged results published and deletes acknowledged commands (their params are unredacted). */
    private void markAcknowledged() {
        if (acknowledged.isEmpty()) {
            return;
        }
        List<Row> rows = new ArrayList<>();
        Row r;
        while ((r = acknowledged.poll()) != null) {
            rows.add(r);
        }
        try (Connection c = dataSource.getConnection()) {
            mark(c, rows);
            published.addAndGet(rows.size());
        } catch (SQLException e) {
            // sent but not marked: the sweep sends them again later (at least once)
            LOG.warnf("could not mark %d published outbox rows (%s)", rows.size(), e.toString());
        } finally {
            rows.forEach(x -> pending.remove(x.id()));
        }
    }

    private void mark(Connection c, List<Row> rows) throws SQLException {
        String commandsTopic = EventTypes.commandsTopic(config.family());
        UUID[] results = rows.stream().filter(x -> !commandsTopic.equals(x.topic())).map(Row::id).toArray(UUID[]::new);
        UUID[] commands = rows.stream().filter(x -> commandsTopic.equals(x.topic())).map(Row::id).toArray(UUID[]::new);
        if (results.length > 0) {
            try (PreparedStatement mark = c.prepareStatement(
                    "UPDATE outbox_event SET published_at = now() WHERE id = ANY (?)")) {
                mark.setArray(1, c.createArrayOf("uuid", results));
                mark.executeUpdate();
            }
        }
        if (commands.length > 0) {
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM outbox_event WHERE id = ANY (?)")) {
                delete.setArray(1, c.createArrayOf("uuid", commands));
                delete.executeUpdate();
            }
        }
    }

    /** Publishes rows older than {@code sweep-after} that are still unpublished, and counts the backlog. */
    private void sweep() throws InterruptedException {
        try (Connection c = dataSource.getConnection()) {
            while (sweepBatch(c) && !stopping) {
                // a full batch went out: there may be more
            }
            try (PreparedStatement count = c.prepareStatement(
                    "SELECT count(*) FROM outbox_event WHERE published_at IS NULL");
                    ResultSet rs = count.executeQuery()) {
                rs.next();
                backlog = rs.getLong(1);
            }
        } catch (SQLException | RuntimeException e) {
            LOG.warnf("outbox sweep could not publish (%s); rows stay queued and are retried", e.toString());
        }
    }

    /** A claimed row and how often its send failed before. */
    private record Claimed(Row row, String commandId, int attempts) {
    }

    /**
     * Claims a batch of old rows, publishes them and marks them, in one transaction. Rows Kafka took are marked
     * published; a row Kafka refuses for itself ({@link #refusedForItself}) is set aside at once, and one whose send
     * failed while Kafka took others counts a failed attempt and is set aside after {@code max-publish-attempts}; so
     * one bad row never holds up the others. A row whose send failed while nothing went out (Kafka down) is only
     * tried again. Returns whether a full batch went out (there may be more).
     */
    private boolean sweepBatch(Connection c) throws SQLException, InterruptedException {
        c.setAutoCommit(false);
        List<Claimed> rows = new ArrayList<>();
        try {
            try (PreparedStatement select = c.prepareStatement("SELECT id, aggregatetype, aggregateid, type, payload, "
                    + "tracingspancontext, command_id, publish_attempts FROM outbox_event WHERE published_at IS NULL "
                    + "AND created_at < ? ORDER BY seq LIMIT ? FOR UPDATE SKIP LOCKED")) {
                select.setTimestamp(1, Timestamp.from(Instant.now().minus(config.outbox().sweepAfter())));
                select.setInt(2, config.outbox().batchSize());
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        if (pending.contains(rs.getObject(1, UUID.class))) {
                            continue; // sent by this process a moment ago; marked when acknowledged
                        }
                        rows.add(new Claimed(new Row(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3),
                                rs.getString(4), rs.getString(5), rs.getString(6)), rs.getString(7), rs.getInt(8)));
                    }
                }
            }
            if (rows.isEmpty()) {
                c.commit();
                return false;
            }
            List<CompletableFuture<Void>> sends = new ArrayList<>(rows.size());
            for (Claimed row : rows) {
                sends.add(send(row.row(), false));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            List<Row> sent = new ArrayList<>();
            Map<Claimed, String> setAside = new LinkedHashMap<>();
            List<Claimed> failed = new ArrayList<>();
            int unanswered = 0;
            for (int i = 0; i < rows.size(); i++) {
                try {
                    sends.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                    sent.add(rows.get(i).row());
                } catch (ExecutionException e) {
                    Throwable refusal = refusedForItself(e.getCause());
                    if (refusal != null) {
                        setAside.put(rows.get(i), "Kafka refused it: " + refusal);
                    } else {
                        failed.add(rows.get(i));
                    }
                } catch (TimeoutException e) {
                    unanswered++;
                }
            }
            mark(c, sent); // in the claiming transaction
            if (!sent.isEmpty()) {
                // Kafka took other rows meanwhile: these failures are the rows' own
                List<UUID> counted = new ArrayList<>();
                for (Claimed row : failed) {
                    if (row.attempts() + 1 >= config.outbox().maxPublishAttempts()) {
                        setAside.put(row, "its send failed " + (row.attempts() + 1) + " times while Kafka took other rows");
                    } else {
                        counted.add(row.row().id());
                    }
                }
                countFailure(c, counted);
            }
            setAside(c, setAside);
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
            rows.forEach(x -> pending.remove(x.row().id()));
        }
    }

    /**
     * The exception saying Kafka refused the record for what it is (too large, not serialisable, an invalid topic name),
     * which no retry changes, rather than for the state of the cluster; null if it did not.
     */
    static Throwable refusedForItself(Throwable failure) {
        Throwable t = failure;
        for (int i = 0; t != null && i < 20; i++, t = t.getCause()) {
            if (t instanceof RecordTooLargeException || t instanceof RecordBatchTooLargeException
                    || t instanceof InvalidRecordException || t instanceof SerializationException
                    || t instanceof InvalidTopicException) {
                return t;
            }
        }
        return null;
    }

    private static void countFailure(Connection c, List<UUID> ids) throws SQLException {
        if (ids.isEmpty()) {
            return;
        }
        try (PreparedStatement count = c.prepareStatement(
                "UPDATE outbox_event SET publish_attempts = publish_attempts + 1 WHERE id = ANY (?)")) {
            count.setArray(1, c.createArrayOf("uuid", ids.toArray()));
            count.executeUpdate();
        }
    }

    /** Marks rows that will never be published: published_at set (nothing sends them again), the reason kept. */
    private static void setAside(Connection c, Map<Claimed, String> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        try (PreparedStatement mark = c.prepareStatement(
                "UPDATE outbox_event SET published_at = now(), publish_error = ? WHERE id = ?")) {
            for (Map.Entry<Claimed, String> e : rows.entrySet()) {
                Row row = e.getKey().row();
                String reason = SafeText.escape(e.getValue(), 480);
                LOG.errorf("outbox row %s (%s for %s, command %s) cannot be published and is set aside: %s; it stays "
                        + "in outbox_event with publish_error set until the retention deletes it", row.id(), row.type(),
                        row.topic(), e.getKey().commandId(), reason);
                mark.setString(1, reason);
                mark.setObject(2, row.id());
                mark.addBatch();
            }
            mark.executeBatch();
        }
    }
}
