package io.whmcsbridge.runtime.pipeline;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.whmcsbridge.model.CloudEvent;
import io.whmcsbridge.model.CloudEventCodec;
import io.whmcsbridge.model.UnreadableCommandException;
import io.whmcsbridge.runtime.command.IncomingCommand;
import io.whmcsbridge.runtime.config.BridgeConfig;
import io.whmcsbridge.runtime.ops.BridgeMetrics;
import io.whmcsbridge.runtime.tracing.Tracing;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * Reads the commands topic. A record that is not a command at all is nacked, which sends it to the DLQ topic with a
 * {@code dead-letter-reason} header; every other record is handed to the {@link KeyedDispatcher} and acknowledged
 * when its outcome has committed, or nacked the same way when it cannot be finished ({@link DeadLetter}: its outcome
 * could not be stored, its database work failed past the bound of tries, processing it threw). The channel uses the {@code throttled} commit strategy, so an offset is committed
 * only when every earlier record of the partition has been acknowledged.
 */
@ApplicationScoped
public class CommandConsumer {
    private static final Logger LOG = Logger.getLogger(CommandConsumer.class);

    @Inject
    BridgeConfig config;
    @Inject
    CommandProcessor processor;
    @Inject
    BridgeMetrics metrics;
    @Inject
    Tracing tracing;

    private ExecutorService workers;
    private KeyedDispatcher dispatcher;
    private final PartitionHandOver handOver = new PartitionHandOver();

    @PostConstruct
    void init() {
        AtomicInteger n = new AtomicInteger();
        workers = Executors.newFixedThreadPool(config.processing().workerThreads(), r -> {
            Thread t = new Thread(r, "command-worker-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        dispatcher = new KeyedDispatcher(workers, config.processing().maxPending());
    }

    /**
     * First of the shutdown steps (then the group commit, 200, and the outbox publisher, 300): no command starts any
     * more, and calls already in flight get {@code shutdown-grace} to answer and commit their outcome, so a SIGTERM
     * does not leave a payment UNKNOWN. Commands not started are not acknowledged; their records are read again
     * after the restart. Workers still busy after the grace are interrupted.
     */
    void onStop(@Observes @Priority(100) ShutdownEvent ev) {
        dispatcher.close();
        // what has sent nothing yet is left to the next process: the grace is for calls really out
        processor.abortUnsent(null);
        workers.shutdown();
        try {
            if (!workers.awaitTermination(config.processing().shutdownGrace().toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warnf("calls still in flight after %s; stopping them (their commands end UNKNOWN after the restart)",
                        config.processing().shutdownGrace());
                workers.shutdownNow();
                workers.awaitTermination(2, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Incoming("commands")
    public CompletionStage<Void> onRecord(Message<byte[]> message) {
        IncomingKafkaRecordMetadata<?, ?> meta = message.getMetadata(IncomingKafkaRecordMetadata.class).orElse(null);
        Map<String, String> headers = new HashMap<>();
        String key = null;
        String topic = null;
        Integer partition = null;
        Long offset = null;
        if (meta != null) {
            headers = IncomingCommand.headerMap(meta.getHeaders());
            key = meta.getKey() == null ? null : meta.getKey().toString();
            topic = meta.getTopic();
            partition = meta.getPartition();
            offset = meta.getOffset();
        }
        CloudEvent event;
        try {
            event = CloudEventCodec.read(message.getPayload(), headers);
        } catch (UnreadableCommandException e) {
            LOG.warnf("record %s-%s@%s is not a command, sending it to the DLQ: %s", topic, partition, offset, e.getMessage());
            metrics.dlq();
            return message.nack(e);
        }
        IncomingCommand command = new IncomingCommand(event, key, topic, partition, offset);
        // The span goes with the command to its worker explicitly: the thread that hands the task over may be another
        // command's worker (an admission freed by it), whose context must not leak into this one.
        Span span = tracing.command(command);
        if (topic == null || partition == null) {
            return accept(command, span, () -> true)
                    .thenAccept(done -> done.whenComplete((v, err) -> settle(message, command, span, err)));
        }
        // A record of a partition revoked while it waited is not started: the new owner reads it again.
        long generation = handOver.generation(topic, partition);
        String t = topic;
        int p = partition;
        AtomicBoolean started = new AtomicBoolean();
        BooleanSupplier stillOurs = () -> {
            started.set(handOver.tryStart(t, p, generation));
            return started.get();
        };
        return accept(command, span, stillOurs)
                .thenAccept(done -> done.whenComplete((v, err) -> settle(message, command, span, err)
                        .whenComplete((x, e) -> {
                            if (started.get()) {
                                handOver.finished(t, p); // after the ack: the offset commit at a revocation covers it
                            }
                        })));
    }

    /** {@link #settle(Message, IncomingCommand, Throwable)}, then the command's span ends, saying how. */
    private CompletionStage<Void> settle(Message<byte[]> message, IncomingCommand command, Span span, Throwable err) {
        if (err != null) {
            DeadLetter dead = DeadLetter.in(err);
            if (dead != null) {
                Tracing.ended(span, "dead-letter", true);
            } else {
                Tracing.ended(span, notStarted(err) || notStarted(err.getCause()) ? "not-started" : "not-finished",
                        false);
            }
        }
        return settle(message, command, err).whenComplete((v, e) -> span.end());
    }

    /**
     * Acknowledges a finished command; sends a {@link DeadLetter} to the DLQ (which acknowledges it once the DLQ has
     * it); leaves a command that was not started (or whose worker was stopped) to be read again.
     */
    private CompletionStage<Void> settle(Message<byte[]> message, IncomingCommand command, Throwable err) {
        if (err == null) {
            return message.ack();
        }
        DeadLetter dead = DeadLetter.in(err);
        if (dead != null) {
            LOG.warnf("command %s goes to the DLQ: %s", command.id(), dead.getMessage());
            metrics.dlq();
            RecordHeaders headers = new RecordHeaders();
            if (dead.outcome() != null) {
                headers.add(DeadLetter.OUTCOME_HEADER, dead.outcome().getBytes(StandardCharsets.UTF_8));
            }
            return message.nack(dead, Metadata.of(OutgoingKafkaRecordMetadata.builder().withHeaders(headers).build()))
                    .whenComplete((v, e) -> {
                        if (e != null) {
                            LOG.errorf("command %s could not be written to the DLQ (%s); it stays unacknowledged and "
                                    + "is read again after a restart", command.id(), e.toString());
                        }
                    });
        }
        if (notStarted(err) || notStarted(err.getCause())) {
            LOG.debugf("command %s not started (shutdown or partition handed over); it will be read again", command.id());
        } else {
            LOG.warnf("command %s not finished (%s); it will be read again after a restart", command.id(), err.toString());
        }
        return CompletableFuture.completedFuture(null);
    }

    private static boolean notStarted(Throwable e) {
        return e instanceof CancellationException || e instanceof RejectedExecutionException;
    }

    /**
     * Admits a command (waiting while too many are pending) and schedules it after earlier commands of its key. The
     * returned stage completes on admission, with a future that completes when the outcome has committed. When its
     * turn comes, the command starts only if {@code mayStart} says so (its partition is still this replica's);
     * otherwise its future fails with a {@link CancellationException}. While it runs on its worker, {@code span} is
     * the current span there.
     */
    private CompletionStage<CompletableFuture<Void>> accept(IncomingCommand command, Span span, BooleanSupplier mayStart) {
        Context context = Context.root().with(span);
        return dispatcher.admit().thenApply(v -> dispatcher.submit(command.orderingKey(), releaseKey -> {
            if (!mayStart.getAsBoolean()) {
                throw new CancellationException("partition handed over: not started");
            }
            try (Scope ignored = context.makeCurrent()) {
                processor.process(command, releaseKey);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while processing " + command.id(), e);
            }
        }));
    }

    PartitionHandOver handOver() {
        return handOver;
    }

    /** Commands admitted and not finished in this replica. */
    int pending() {
        return dispatcher.pending();
    }

    /** {@link System#nanoTime()} when a command last started or finished here. */
    long lastProgressNanos() {
        return dispatcher.lastProgressNanos();
    }
}
