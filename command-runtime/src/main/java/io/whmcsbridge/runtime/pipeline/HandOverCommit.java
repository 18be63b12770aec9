package io.whmcsbridge.runtime.pipeline;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.IncomingKafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaConnectorIncomingConfiguration;
import io.smallrye.reactive.messaging.kafka.KafkaConsumer;
import io.smallrye.reactive.messaging.kafka.commit.ContextHolder;
import io.smallrye.reactive.messaging.kafka.commit.KafkaCommitHandler;
import io.vertx.mutiny.core.Context;
import io.vertx.mutiny.core.Vertx;
import io.whmcsbridge.runtime.config.BridgeConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.common.TopicPartition;

import java.util.Collection;
import java.util.function.BiConsumer;

/**
 * The commands channel's commit strategy ({@code commit-strategy=hand-over}): the connector's {@code throttled}
 * strategy (offsets committed up to the last record acknowledged in sequence), with the hand-over of a rebalance in
 * front of it. The connector asks the commit strategy to commit a revoked partition's offsets before it calls any
 * rebalance listener, so the wait for calls in flight has to happen here: first no command of the revoked partitions
 * starts any more and the started ones finish and are acknowledged (bounded by {@code shutdown-grace}), then the
 * throttled strategy commits their offsets, and only then does Kafka move the partitions.
 */
public final class HandOverCommit extends ContextHolder implements KafkaCommitHandler {
    public static final String STRATEGY = "hand-over";

    private final KafkaCommitHandler throttled;
    private final PartitionHandOver handOver;
    private final CommandProcessor processor;
    private final BridgeConfig config;

    private HandOverCommit(Vertx vertx, KafkaCommitHandler throttled, PartitionHandOver handOver,
            CommandProcessor processor, BridgeConfig config) {
        super(vertx, 60_000);
        this.throttled = throttled;
        this.handOver = handOver;
        this.processor = processor;
        this.config = config;
    }

    @ApplicationScoped
    @Identifier(STRATEGY)
    public static class Factory implements KafkaCommitHandler.Factory {
        @Inject
        @Identifier(KafkaCommitHandler.Strategy.THROTTLED)
        KafkaCommitHandler.Factory throttled;
        @Inject
        CommandConsumer consumer;
        @Inject
        CommandProcessor processor;
        @Inject
        BridgeConfig config;

        @Override
        public KafkaCommitHandler create(KafkaConnectorIncomingConfiguration configuration, Vertx vertx,
                KafkaConsumer<?, ?> kafkaConsumer, BiConsumer<Throwable, Boolean> reportFailure) {
            return new HandOverCommit(vertx, throttled.create(configuration, vertx, kafkaConsumer, reportFailure),
                    consumer.handOver(), processor, config);
        }
    }

    @Override
    public void capture(Context context) {
        super.capture(context);
        if (throttled instanceof ContextHolder holder) {
            holder.capture(context);
        }
    }

    @Override
    public void capture(io.vertx.core.Context context) {
        super.capture(context);
        if (throttled instanceof ContextHolder holder) {
            holder.capture(context);
        }
    }

    @Override
    public <K, V> Uni<IncomingKafkaRecord<K, V>> received(IncomingKafkaRecord<K, V> record) {
        return throttled.received(record);
    }

    @Override
    public <K, V> Uni<Void> handle(IncomingKafkaRecord<K, V> record) {
        return throttled.handle(record);
    }

    /** On the Kafka polling thread. */
    @Override
    public void partitionsAssigned(Collection<TopicPartition> partitions) {
        handOver.assigned(partitions);
        throttled.partitionsAssigned(partitions);
    }

    /** On the Kafka polling thread, inside the rebalance: Kafka waits for this before moving the partitions. */
    @Override
    public void partitionsRevoked(Collection<TopicPartition> partitions) {
        // commands still waiting to send (for a permit, a backoff, another replica) are the next owner's to run
        processor.abortUnsent(partitions);
        try {
            if (handOver.revoke(partitions, config.processing().shutdownGrace()) > 0) {
                processor.markStillRunning(partitions);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throttled.partitionsRevoked(partitions);
    }

    @Override
    public void terminate(boolean graceful) {
        throttled.terminate(graceful);
    }
}
