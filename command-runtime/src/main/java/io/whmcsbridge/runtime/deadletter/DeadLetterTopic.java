package io.whmcsbridge.runtime.deadletter;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A bounded read of the dead-letter topic: the newest {@code maxScan} records at most, shared out over the
 * partitions (a partition with fewer records leaves its share to the others), each visited once, oldest first per
 * partition. Records that arrive during the read are not visited. No consumer group: nothing is committed, and any
 * replica reads the same records.
 */
final class DeadLetterTopic implements AutoCloseable {
    private static final Duration READ_BUDGET = Duration.ofSeconds(30);

    private final KafkaConsumer<String, byte[]> consumer;
    /** Per partition the offsets {@code [from, to)} to visit. */
    private final Map<TopicPartition, long[]> ranges = new HashMap<>();
    private final boolean wholeTopic;
    private final Runnable onClose;

    /** {@code onClose} runs when this read is closed (not when opening it fails: the caller knows then). */
    DeadLetterTopic(Map<String, Object> kafka, String topic, int maxScan, Runnable onClose) {
        this.onClose = onClose;
        Map<String, Object> props = new HashMap<>(kafka);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "dlq-reader");
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false"); // a listing creates nothing
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 200);
        // a service runs in a small heap (-Xmx128m): one fetch holds at most a few records of up to 1 MiB
        props.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 4 * 1024 * 1024);
        consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        try {
            List<TopicPartition> partitions = new ArrayList<>();
            List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(10));
            for (PartitionInfo info : infos == null ? List.<PartitionInfo>of() : infos) {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
            Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions, Duration.ofSeconds(10));
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(10));
            wholeTopic = share(partitions, begin, end, maxScan);
        } catch (RuntimeException e) {
            consumer.close(Duration.ZERO);
            throw e;
        }
    }

    /** Gives each partition its part of {@code maxScan}, smallest partitions first; true when nothing is left out. */
    private boolean share(List<TopicPartition> partitions, Map<TopicPartition, Long> begin, Map<TopicPartition, Long> end,
            int maxScan) {
        List<TopicPartition> bySize = new ArrayList<>(partitions);
        bySize.sort(Comparator.comparingLong(p -> end.get(p) - begin.get(p)));
        long left = maxScan;
        boolean all = true;
        for (int i = 0; i < bySize.size(); i++) {
            TopicPartition p = bySize.get(i);
            long size = end.get(p) - begin.get(p);
            long take = Math.min(size, left / (bySize.size() - i));
            left -= take;
            all &= take == size;
            if (take > 0) {
                ranges.put(p, new long[] { end.get(p) - take, end.get(p) });
            }
        }
        return all;
    }

    /** Per partition the offsets {@code [from, to)} the read covers. */
    Map<TopicPartition, long[]> ranges() {
        return ranges;
    }

    /** Whether the read covers every record the topic holds (none left out by {@code maxScan}). */
    boolean wholeTopic() {
        return wholeTopic;
    }

    /** Visits every record of the ranges; false if the read ran out of time first (some were not visited). */
    boolean forEach(Consumer<ConsumerRecord<String, byte[]>> visitor) {
        if (ranges.isEmpty()) {
            return true;
        }
        consumer.assign(ranges.keySet());
        ranges.forEach((p, r) -> consumer.seek(p, r[0]));
        Map<TopicPartition, long[]> open = new HashMap<>(ranges);
        long deadline = System.nanoTime() + READ_BUDGET.toNanos();
        while (!open.isEmpty() && System.nanoTime() < deadline) {
            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                TopicPartition p = new TopicPartition(r.topic(), r.partition());
                long[] range = open.get(p);
                if (range != null && r.offset() < range[1]) {
                    visitor.accept(r);
                }
            }
            // a range ends at its last offset, or earlier when records were deleted (retention) or are transaction markers
            open.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue()[1]);
        }
        return open.isEmpty();
    }

    @Override
    public void close() {
        try {
            consumer.close(Duration.ofSeconds(2));
        } finally {
            onClose.run();
        }
    }
}
