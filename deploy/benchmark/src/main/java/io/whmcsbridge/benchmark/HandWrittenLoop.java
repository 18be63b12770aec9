package io.whmcsbridge.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.whmcsbridge.infra.EmbeddedPostgresServer;
import io.whmcsbridge.model.Json;
import io.whmcsbridge.simulator.WhmcsSimulator;
import io.whmcsbridge.simulator.abuse.AbuseManagerSim;
import io.whmcsbridge.simulator.core.Fault;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * The loop a user would write by hand, as the baseline: poll one record, call the API, insert the audit row,
 * produce the result and wait for it, commit the offset; then the next record.
 */
final class HandWrittenLoop {
    static final String COMMANDS = "bench.baseline.commands";
    static final String RESULTS = "bench.baseline.results";
    static final String DATABASE = "bench_baseline";

    private HandWrittenLoop() {
    }

    static ObjectNode measure(String bootstrap, EmbeddedPostgresServer pg, WhmcsSimulator sim, long latencyMs,
            Duration duration) throws Exception {
        sim.context().setFault(Benchmark.FAMILY, Fault.latency(latencyMs));
        int planned = (int) (duration.toMillis() / Math.max(1, latencyMs) * 2 + 100);
        Properties pp = new Properties();
        pp.put("bootstrap.servers", bootstrap);
        pp.put("acks", "all");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(pp, new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < planned; i++) {
                String id = "baseline-" + i;
                producer.send(new ProducerRecord<>(COMMANDS, "k" + (i % 1000), AbuseCommands.command(id, i % 1000)));
            }
            producer.flush();

            Properties cp = new Properties();
            cp.put("bootstrap.servers", bootstrap);
            cp.put("group.id", "baseline");
            cp.put("enable.auto.commit", "false");
            cp.put("auto.offset.reset", "earliest");
            cp.put("max.poll.records", "1");
            HttpClient http = HttpClient.newHttpClient();
            URI api = URI.create("http://127.0.0.1:" + sim.port() + AbuseManagerSim.PATH);
            List<Double> latencies = new ArrayList<>();
            int processed = 0;
            try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(cp, new StringDeserializer(), new ByteArrayDeserializer());
                    Connection db = DriverManager.getConnection(pg.jdbcUrl(DATABASE), "whmcs", "whmcs")) {
                db.createStatement().execute("CREATE TABLE IF NOT EXISTS audit (id TEXT PRIMARY KEY, status TEXT, "
                        + "response TEXT, at TIMESTAMPTZ DEFAULT now())");
                PreparedStatement insert = db.prepareStatement("INSERT INTO audit (id, status, response) VALUES (?, ?, ?)");
                consumer.subscribe(List.of(COMMANDS));
                long start = 0;
                long end = Long.MAX_VALUE;
                while (System.nanoTime() < end) {
                    for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                        if (start == 0) {
                            start = System.nanoTime();
                            end = start + duration.toNanos();
                        }
                        long t = System.nanoTime();
                        JsonNode cmd = Json.MAPPER.readTree(r.value());
                        HttpResponse<String> answer = http.send(AbuseCommands.request(api, AbuseManagerSim.DEFAULT_API_ID,
                                cmd.path("data").path("params")), HttpResponse.BodyHandlers.ofString());
                        insert.setString(1, cmd.path("id").asText());
                        insert.setString(2, answer.statusCode() == 200 ? "SUCCEEDED" : "FAILED");
                        insert.setString(3, answer.body());
                        insert.executeUpdate();
                        producer.send(new ProducerRecord<>(RESULTS, r.key(), answer.body().getBytes(StandardCharsets.UTF_8))).get();
                        consumer.commitSync();
                        processed++;
                        latencies.add((System.nanoTime() - t) / 1e6);
                    }
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                ObjectNode row = Json.MAPPER.createObjectNode();
                row.put("name", "baseline").put("simLatencyMs", latencyMs).put("keys", 1000).put("commands", processed)
                        .put("completed", processed).put("throughputPerSec", Benchmark.round(processed / seconds, 1));
                double bound = 1000.0 / latencyMs; // one call at a time
                row.put("boundPerSec", Benchmark.round(bound, 0));
                row.put("ratioToBound", Benchmark.round(processed / seconds / bound, 3));
                double[] l = latencies.stream().mapToDouble(Double::doubleValue).toArray();
                Stats s = Stats.of(l);
                row.putObject("latencyMs").put("p50", Benchmark.round(s.p50(), 1)).put("p95", Benchmark.round(s.p95(), 1))
                        .put("p99", Benchmark.round(s.p99(), 1)).put("max", Benchmark.round(s.max(), 1))
                        .put("mean", Benchmark.round(s.mean(), 1));
                row.put("note", "per-command time of the loop (poll to commit), one record at a time");
                return row;
            }
        }
    }
}
