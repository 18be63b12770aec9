package io.whmcsbridge.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

/**
 * The reference: the least a hand-written durable pipeline must do for the benchmark's commands, run as its own
 * process beside the bridge so its CPU per command is the practical limit on the machine. Per record: parse the
 * CloudEvent, one async HTTP call (JDK client), the outcome and its result event made durable in a batched insert
 * ({@link ReferenceOutbox}), the result produced (acks=all, idempotent), the offset committed once every record
 * below it is durable and acknowledged. Per key, a call starts only after the previous one of its key answered;
 * at most {@code cap} calls are in flight. At-least-once: a crash replays from the committed offset, and a replayed
 * command already in the audit table is not called again, its stored result is produced again.
 * <p>What it leaves out, which the bridge does: retries, leases, a circuit breaker, tracing, redaction, validation,
 * a dead-letter topic (an unreadable record is skipped), metrics, health endpoints, graceful drain.
 * <p>Threads: this loop owns the consumer and all per-key state; the HTTP client's threads only hand answers back
 * (and wake the loop); the outbox thread writes and produces.
 */
public final class ReferencePipeline {
    /** Records taken but not finished, above which the partitions are paused so memory stays bounded. */
    private static final int MAX_OUTSTANDING = 4096;

    private final KafkaConsumer<String, byte[]> consumer;
    private final ReferenceOutbox outbox;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final URI api;
    private final String apiId;
    private final int cap;
    private final String topic;
    /** Per partition, the records taken and not yet committed, in offset order. */
    private final Map<TopicPartition, ArrayDeque<ReferenceCommand>> unfinished = new HashMap<>();
    /** Per partition, the highest offset an earlier run wrote: records up to it may be done already. */
    private final Map<TopicPartition, Long> replayUpTo = new HashMap<>();
    private final KeyOrder keys = new KeyOrder();
    private final ConcurrentLinkedQueue<ReferenceCommand> answered = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean polling = new AtomicBoolean();
    private final Map<TopicPartition, OffsetAndMetadata> toCommit = new HashMap<>();
    private volatile boolean running = true;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private int inFlight;
    private int outstanding;
    private long lastCommit;

    ReferencePipeline(Map<String, String> a) throws Exception {
        consumer = new KafkaConsumer<>(Map.<String, Object>of("bootstrap.servers", a.get("bootstrap"), "group.id",
                a.get("group"), "enable.auto.commit", "false", "auto.offset.reset", "earliest"),
                new StringDeserializer(), new ByteArrayDeserializer());
        outbox = new ReferenceOutbox(a.get("bootstrap"), a.get("results"), a.get("jdbc"), a.get("user"), a.get("password"));
        api = URI.create(a.get("api"));
        apiId = a.get("api-id");
        cap = Integer.parseInt(a.get("cap"));
        topic = a.get("commands");
    }

    /** Arguments are key=value: bootstrap, commands, results, group, jdbc, user, password, api, api-id, cap. */
    public static void main(String[] args) throws Exception {
        ReferencePipeline pipeline = new ReferencePipeline(Arrays.stream(args)
                .collect(Collectors.toMap(a -> a.substring(0, a.indexOf('=')), a -> a.substring(a.indexOf('=') + 1))));
        // SIGTERM: stop polling and commit what is finished (best effort: the rest is replayed, and deduplicated)
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            pipeline.running = false;
            pipeline.consumer.wakeup();
            try {
                pipeline.stopped.await(3, TimeUnit.SECONDS);
            } catch (InterruptedException exiting) {
                Thread.currentThread().interrupt();
            }
        }));
        Thread writer = new Thread(pipeline.outbox, "outbox");
        writer.setDaemon(true);
        writer.start();
        // ready, as the bridge's /q/health/ready: the database and the broker answer (the group's first assignment
        // comes later, after the broker's initial rebalance delay)
        pipeline.consumer.partitionsFor(pipeline.topic);
        System.out.println("READY");
        System.out.flush();
        pipeline.run();
    }

    void run() {
        consumer.subscribe(List.of(topic), new Rebalance());
        while (running) {
            ConsumerRecords<String, byte[]> records = ConsumerRecords.empty();
            polling.set(true);
            try {
                // long poll only when nothing is waiting: an answer wakes it, so a key's next call is not delayed
                records = consumer.poll(answered.isEmpty() ? Duration.ofMillis(100) : Duration.ZERO);
            } catch (WakeupException woken) {
                // an answer arrived, or the process is stopping
            }
            polling.set(false);
            accept(records);
            for (ReferenceCommand c; (c = answered.poll()) != null; ) {
                inFlight--;
                keys.answered(c);
            }
            startCalls();
            commitFinished(false);
            if (outstanding > MAX_OUTSTANDING) {
                consumer.pause(consumer.assignment());
            } else if (outstanding < MAX_OUTSTANDING / 2 && !consumer.paused().isEmpty()) {
                consumer.resume(consumer.paused());
            }
        }
        try {
            commitFinished(true);
        } catch (WakeupException pending) { // the stop's wake-up, when it came outside poll
            commitFinished(true);
        }
        consumer.close(Duration.ofSeconds(2));
        stopped.countDown();
    }

    /** Queues each record behind its key; records that may have finished before a restart are looked up first. */
    private void accept(ConsumerRecords<String, byte[]> records) {
        List<ReferenceCommand> taken = new ArrayList<>(records.count());
        List<String> maybeDone = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : records) {
            TopicPartition tp = new TopicPartition(r.topic(), r.partition());
            ReferenceCommand c;
            try {
                JsonNode e = ReferenceCommand.JSON.readTree(r.value());
                c = new ReferenceCommand(tp, r.offset(), r.key(), e.path("id").asText(), e.path("data").path("params"));
            } catch (Exception unreadable) {
                c = new ReferenceCommand(tp, r.offset(), r.key(), null, null);
                c.done = true; // skipped: the bridge would dead-letter it
            }
            unfinished.computeIfAbsent(tp, k -> new ArrayDeque<>()).add(c);
            outstanding++;
            if (!c.done) {
                taken.add(c);
                if (r.offset() <= replayUpTo.getOrDefault(tp, -1L)) {
                    maybeDone.add(c.id);
                }
            }
        }
        // one query per poll, and only for records at or below what an earlier run wrote: none in steady state
        Map<String, String> found = maybeDone.isEmpty() ? Map.of() : outbox.lookup(maybeDone);
        for (ReferenceCommand c : taken) {
            String stored = found.get(c.id);
            if (stored != null) {
                c.event = stored;
                c.status = "REPLAYED";
                outbox.write(c); // the insert is a no-op, the result is produced again
            } else {
                keys.add(c);
            }
        }
    }

    private void startCalls() {
        ReferenceCommand next;
        while (inFlight < cap && (next = keys.poll()) != null) {
            ReferenceCommand c = next;
            inFlight++;
            http.sendAsync(AbuseCommands.request(api, apiId, c.params), HttpResponse.BodyHandlers.ofString())
                    .whenComplete((answer, error) -> {
                        c.answered(answer, error);
                        outbox.write(c);
                        answered.add(c);
                        if (polling.compareAndSet(true, false)) {
                            consumer.wakeup(); // the only consumer method safe from another thread
                        }
                    });
        }
    }

    /** Commits, per partition, the offset after the longest finished prefix; at most every 100 ms unless forced. */
    private void commitFinished(boolean force) {
        for (Map.Entry<TopicPartition, ArrayDeque<ReferenceCommand>> e : unfinished.entrySet()) {
            ArrayDeque<ReferenceCommand> q = e.getValue();
            ReferenceCommand last = null;
            while (!q.isEmpty() && q.peek().done) {
                last = q.poll();
                outstanding--;
            }
            if (last != null) {
                toCommit.put(e.getKey(), new OffsetAndMetadata(last.offset + 1));
            }
        }
        if (toCommit.isEmpty() || !force && System.nanoTime() - lastCommit < 100_000_000L) {
            return;
        }
        if (force) {
            consumer.commitSync(toCommit, Duration.ofSeconds(2));
        } else {
            consumer.commitAsync(new HashMap<>(toCommit), null);
        }
        toCommit.clear();
        lastCommit = System.nanoTime();
    }

    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> parts) {
            commitFinished(true);
            // what is queued for these partitions is the new owner's; calls in flight finish and are written
            parts.forEach(unfinished::remove);
            parts.forEach(replayUpTo::remove);
            keys.revoke(parts);
            outstanding = unfinished.values().stream().mapToInt(ArrayDeque::size).sum();
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> parts) {
            replayUpTo.putAll(outbox.highWater(parts));
        }
    }
}
