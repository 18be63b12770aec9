package io.whmcsbridge.runtime.outbox;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.whmcsbridge.model.CloudEvent;
import io.whmcsbridge.runtime.tracing.Tracing;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Sends outbox rows to Kafka on the {@code outbox} channel (results, and commands accepted over HTTP; each record
 * names its topic) without waiting for earlier sends to be acknowledged, and knows which rows this process has in
 * flight, so the sweep never sends such a row a second time.
 */
@ApplicationScoped
public class OutboxSender {
    private static final Logger LOG = Logger.getLogger(OutboxSender.class);
    /** Sends not yet acknowledged; the emitter's buffer holds 128. */
    private static final int MAX_UNACKED = 128;

    @Inject
    @Channel("outbox")
    MutinyEmitter<byte[]> emitter;
    @Inject
    Tracing tracing;

    private final Semaphore unacked = new Semaphore(MAX_UNACKED);
    /** Rows sent and not yet marked (or failed): the sweep leaves them alone, so this process sends a row once. */
    private final Set<UUID> pending = ConcurrentHashMap.newKeySet();

    /** Whether the emitter takes messages: once the channel is connected, shortly after start. */
    boolean ready() {
        return emitter.hasRequests();
    }

    /** Whether this process sent the row and has not yet marked it (or seen its send fail). */
    boolean inFlight(UUID id) {
        return pending.contains(id);
    }

    /** The row was marked (or its marking failed, and the sweep sends it again): no longer in flight. */
    void settled(UUID id) {
        pending.remove(id);
    }

    /** Waits until every send has been answered (at shutdown; no send may follow). */
    void awaitAnswers(long millis) throws InterruptedException {
        unacked.tryAcquire(MAX_UNACKED, millis, TimeUnit.MILLISECONDS);
    }

    /**
     * Sends without waiting for the acknowledgement. The send's span is a child of the trace context stored with the
     * row (the sending thread has none of its own); the record carries that context unchanged, as its event does.
     *
     * @param whenAcknowledged takes the row once Kafka acknowledged it, to be marked; null for the sweep's sends (it
     *                         marks its rows itself, and its span says so)
     */
    CompletableFuture<Void> send(OutboxRow row, Consumer<OutboxRow> whenAcknowledged) throws InterruptedException {
        unacked.acquire();
        pending.add(row.id());
        Span span = tracing.publish(row.topic(), row.traceparent(), whenAcknowledged == null);
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
            emitter.sendMessage(Message.of(row.payload().getBytes(StandardCharsets.UTF_8)).addMetadata(meta))
                    .subscribe().with(ok -> {
                        unacked.release();
                        if (whenAcknowledged != null) {
                            whenAcknowledged.accept(row);
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
}
