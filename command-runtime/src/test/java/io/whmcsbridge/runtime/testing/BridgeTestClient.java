package io.whmcsbridge.runtime.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.whmcsbridge.model.CloudEvent;
import io.whmcsbridge.model.CloudEventCodec;
import io.whmcsbridge.model.EventTypes;
import io.whmcsbridge.model.Json;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * What an emitter and a result reader do, over the real broker: send commands (structured or binary mode, or raw
 * bytes), and read everything that arrives on the results and DLQ topics of a family.
 */
public final class BridgeTestClient implements AutoCloseable {
    private final String family;
    private final KafkaProducer<String, byte[]> producer;
    private final KafkaConsumer<String, byte[]> consumer;
    private final List<ConsumerRecord<String, byte[]>> seen = Collections.synchronizedList(new ArrayList<>());
    private final Thread poller;
    private volatile boolean running = true;

    /** A client of the broker the Quarkus application under test uses ({@code kafka.bootstrap.servers}). */
    public BridgeTestClient(String family) {
        this(family, ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class));
    }

    /** A client of the given broker: for a test resource, which runs before the application's configuration exists. */
    public BridgeTestClient(String family, String bootstrap) {
        this.family = family;
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(EventTypes.resultsTopic(family), EventTypes.dlqTopic(family))) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
            for (PartitionInfo info : infos) {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        poller = new Thread(() -> {
            while (running) {
                consumer.poll(Duration.ofMillis(100)).forEach(seen::add);
            }
            consumer.close();
        }, "test-result-reader");
        poller.setDaemon(true);
        poller.start();
    }

    public static String newId() {
        return UUID.randomUUID().toString();
    }

    public static CloudEvent command(String id, String type, ObjectNode params, String instance) {
        ObjectNode data = Json.MAPPER.createObjectNode();
        data.set("params", params);
        if (instance != null) {
            data.put("instance", instance);
        }
        return new CloudEvent(CloudEvent.SPEC_VERSION, id, "test/" + UUID.randomUUID(), type, null, Instant.now(),
                CloudEvent.JSON, data, Map.of());
    }

    public static ObjectNode params(Object... nameValues) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        for (int i = 0; i < nameValues.length; i += 2) {
            n.set((String) nameValues[i], Json.MAPPER.valueToTree(nameValues[i + 1]));
        }
        return n;
    }

    /** Sends in structured mode. */
    public void send(String key, CloudEvent command) {
        RecordHeaders h = new RecordHeaders();
        h.add("content-type", CloudEvent.STRUCTURED_CONTENT_TYPE.getBytes(StandardCharsets.UTF_8));
        sendRaw(key, CloudEventCodec.writeStructured(command), h);
    }

    /** Sends in binary mode: attributes as {@code ce_*} headers, {@code data} as the value. */
    public void sendBinary(String key, CloudEvent command) {
        RecordHeaders h = new RecordHeaders();
        h.add("ce_specversion", command.specversion().getBytes(StandardCharsets.UTF_8));
        h.add("ce_id", command.id().getBytes(StandardCharsets.UTF_8));
        h.add("ce_source", command.source().getBytes(StandardCharsets.UTF_8));
        h.add("ce_type", command.type().getBytes(StandardCharsets.UTF_8));
        h.add("content-type", "application/json".getBytes(StandardCharsets.UTF_8));
        sendRaw(key, command.data().toString().getBytes(StandardCharsets.UTF_8), h);
    }

    public void sendRaw(String key, byte[] value, RecordHeaders headers) {
        try {
            producer.send(new ProducerRecord<>(EventTypes.commandsTopic(family), null, key, value, headers)).get();
        } catch (Exception e) {
            throw new IllegalStateException("could not send a command", e);
        }
    }

    /** Result events whose subject is {@code commandId}, in arrival order. */
    public List<CloudEvent> results(String commandId) {
        List<CloudEvent> out = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : snapshot(EventTypes.resultsTopic(family))) {
            CloudEvent e = CloudEventCodec.readStructuredUnchecked(new String(r.value(), StandardCharsets.UTF_8));
            if (commandId.equals(e.subject())) {
                out.add(e);
            }
        }
        return out;
    }

    public CloudEvent awaitResult(String commandId, Duration timeout) {
        return awaitResults(commandId, 1, timeout).get(0);
    }

    public List<CloudEvent> awaitResults(String commandId, int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            List<CloudEvent> r = results(commandId);
            if (r.size() >= count) {
                return r;
            }
            sleep(50);
        }
        throw new AssertionError("expected " + count + " result(s) for command " + commandId + " within " + timeout
                + ", got " + results(commandId).size());
    }

    /** At least {@code count} DLQ records whose value matches. */
    public List<ConsumerRecord<String, byte[]>> awaitDlq(Predicate<String> valueMatches, int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            List<ConsumerRecord<String, byte[]>> r = snapshot(EventTypes.dlqTopic(family)).stream()
                    .filter(rec -> rec.value() != null && valueMatches.test(new String(rec.value(), StandardCharsets.UTF_8)))
                    .toList();
            if (r.size() >= count) {
                return r;
            }
            sleep(50);
        }
        throw new AssertionError("fewer than " + count + " matching DLQ records within " + timeout);
    }

    /** Every record of the results topic so far (with its key and headers). */
    public List<ConsumerRecord<String, byte[]>> resultRecords() {
        return snapshot(EventTypes.resultsTopic(family));
    }

    /** Every record of the DLQ topic so far. */
    public List<ConsumerRecord<String, byte[]>> dlqRecords() {
        return snapshot(EventTypes.dlqTopic(family));
    }

    public static String header(ConsumerRecord<?, ?> record, String name) {
        var h = record.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    public static JsonNode data(CloudEvent result) {
        return result.data();
    }

    private List<ConsumerRecord<String, byte[]>> snapshot(String topic) {
        synchronized (seen) {
            return seen.stream().filter(r -> r.topic().equals(topic)).toList();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            poller.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(2));
    }
}
