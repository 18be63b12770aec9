package io.whmcsbridge.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import io.whmcsbridge.model.Json;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Reads a results topic from its beginning on a thread of its own until closed: per command id (the event's
 * {@code subject}) when its first result arrived, every status its results carried, and the {@code data} of its
 * first SUCCEEDED result.
 */
final class Results implements AutoCloseable {
    private final Map<String, Long> firstNanos = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> statuses = new ConcurrentHashMap<>();
    private final Map<String, JsonNode> succeeded = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean stop;

    Results(String bootstrap, String topic, Consumer<String> log) {
        thread = new Thread(() -> read(bootstrap, topic, log), "results");
        thread.setDaemon(true);
        thread.start();
    }

    private void read(String bootstrap, String topic, Consumer<String> log) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("enable.auto.commit", "false");
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(topic).stream().map(i -> new TopicPartition(topic, i.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            while (!stop) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    try {
                        JsonNode e = Json.MAPPER.readTree(r.value());
                        String id = e.path("subject").asText();
                        String status = e.path("data").path("status").asText();
                        firstNanos.putIfAbsent(id, System.nanoTime());
                        statuses.computeIfAbsent(id, k -> ConcurrentHashMap.newKeySet()).add(status);
                        if (status.equals("SUCCEEDED")) {
                            succeeded.putIfAbsent(id, e.path("data"));
                        }
                    } catch (Exception ignored) {
                        // not a result
                    }
                }
            }
        } catch (Exception e) {
            if (!stop) {
                log.accept("result consumer stopped: " + e);
            }
        }
    }

    boolean has(String id) {
        return firstNanos.containsKey(id);
    }

    /** System.nanoTime() when the first result of {@code id} arrived, or null. */
    Long firstNanos(String id) {
        return firstNanos.get(id);
    }

    /** The statuses the results of {@code id} carried: more than one means two replicas published different outcomes. */
    Set<String> statuses(String id) {
        return statuses.getOrDefault(id, Set.of());
    }

    /** The data of the first SUCCEEDED result of {@code id}, or null. */
    JsonNode succeeded(String id) {
        return succeeded.get(id);
    }

    /** Waits until every id has a result, or {@code max} has passed. */
    boolean await(Collection<String> ids, Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < deadline) {
            if (ids.stream().allMatch(this::has)) {
                return true;
            }
            Thread.sleep(250);
        }
        return ids.stream().allMatch(this::has);
    }

    @Override
    public void close() {
        stop = true;
    }
}
