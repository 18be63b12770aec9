package io.whmcsbridge.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import io.whmcsbridge.infra.EmbeddedKafkaBroker;
import io.whmcsbridge.infra.EmbeddedPostgresServer;
import io.whmcsbridge.infra.ServiceProcess;
import io.whmcsbridge.model.Json;
import io.whmcsbridge.simulator.ServiceWiring;
import io.whmcsbridge.simulator.WhmcsSimulator;
import io.whmcsbridge.simulator.core.Fault;
import io.whmcsbridge.simulator.core.RecordedCall;
import io.whmcsbridge.simulator.core.SimulatorSettings;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SIGTERM while reports are being filed (a rolling update, a scale-down): the calls already in flight finish and
 * their results are published before the process exits, so none ends UNKNOWN; commands that had not started are
 * read again by the next process and filed once.
 */
class GracefulShutdownIT {
    static final String COMMANDS = "whmcs.abuse.commands";
    static final String RESULTS = "whmcs.abuse.results";

    @Test
    void callsInFlightAtSigtermFinishAndTheRestRunAfterTheRestart() throws Exception {
        Path root = ReliabilitySuite.packagedRoot();
        String run = UUID.randomUUID().toString().substring(0, 6);
        try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.builder().port(0).partitions(4).build().start();
                EmbeddedPostgresServer pg = new EmbeddedPostgresServer(0, null).start();
                WhmcsSimulator sim = WhmcsSimulator.start("127.0.0.1", 0, new SimulatorSettings())) {
            kafka.createTopics(4, COMMANDS, RESULTS, COMMANDS + ".dlq");
            pg.createRole("whmcs", "whmcs");
            pg.createDatabase("whmcs_abuse", "whmcs");
            // every report takes 1.5 s to file: SIGTERM lands while calls are in flight
            sim.context().setFault("abuse", Fault.latency(1500));
            Map<String, String> env = new HashMap<>();
            env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
            env.put("WHMCS_DB_URL", pg.jdbcUrl("whmcs_abuse"));
            env.put("WHMCS_DB_USER", "whmcs");
            env.put("WHMCS_DB_PASSWORD", "whmcs");
            env.putAll(ServiceWiring.apiEnv("abuse", "http://127.0.0.1:" + sim.port()));
            env.put("QUARKUS_LOG_CONSOLE_JSON", "false");
            Path app = root.resolve("abuse-service/target/quarkus-app");
            Path log1 = root.resolve("target/reliability/graceful-shutdown-1.log");
            Path log2 = root.resolve("target/reliability/graceful-shutdown-2.log");
            List<String> jvm = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx128m");
            int port = ReliabilitySuite.freePort();

            // 4 keys, 5 commands each: the first of each key is in flight at SIGTERM, the other 16 wait behind it
            List<String> ids = new ArrayList<>();
            ServiceProcess first = ServiceProcess.start(app, jvm, env, port, log1);
            try (KafkaProducer<String, byte[]> producer = ReliabilitySuite.producer(kafka.bootstrapServers())) {
                // A new replica verifies its credentials with one call before it calls freely (the fleet's single
                // probe); until then the others wait, IN_FLIGHT but unsent, and a SIGTERM gives them up. One report
                // first, so that the four IN_FLIGHT below are four requests really out.
                String warmup = "warm-" + run;
                producer.send(new ProducerRecord<>(COMMANDS, "warm", ("{\"specversion\":\"1.0\",\"id\":\"" + warmup
                        + "\",\"source\":\"test\",\"type\":\"whmcs.abuse.create\",\"data\":{\"params\":{\"service_id\":9,"
                        + "\"category\":\"Spam\",\"additional_info\":\"" + warmup + "\"}}}").getBytes(StandardCharsets.UTF_8)));
                producer.flush();
                awaitSucceeded(pg, warmup);
                for (int seq = 0; seq < 5; seq++) {
                    for (int key = 0; key < 4; key++) {
                        String id = "term-" + run + "-k" + key + "-" + seq;
                        ids.add(id);
                        String value = "{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"test\","
                                + "\"type\":\"whmcs.abuse.create\",\"data\":{\"params\":{\"service_id\":" + (key + 1)
                                + ",\"category\":\"Spam\",\"additional_info\":\"" + id + "\"}}}";
                        producer.send(new ProducerRecord<>(COMMANDS, "k" + key, value.getBytes(StandardCharsets.UTF_8)));
                    }
                }
            }
            awaitInFlight(pg, run, 4);
            long sigterm = System.nanoTime();
            first.close(); // SIGTERM, waits for the exit
            double stopSeconds = (System.nanoTime() - sigterm) / 1e9;
            assertFalse(first.isAlive());

            Map<String, String> statusAfterStop = statuses(pg, run);
            assertEquals(4, statusAfterStop.values().stream().filter("SUCCEEDED"::equals).count(),
                    "the four calls in flight at SIGTERM finished before the exit: " + statusAfterStop);
            assertFalse(statusAfterStop.containsValue("IN_FLIGHT"), statusAfterStop.toString());
            assertFalse(statusAfterStop.containsValue("UNKNOWN"), statusAfterStop.toString());
            Map<String, String> published = results(kafka, ids.size(), Duration.ofSeconds(3));
            for (Map.Entry<String, String> done : statusAfterStop.entrySet()) {
                assertEquals(done.getValue(), published.get(done.getKey()),
                        "result of " + done.getKey() + " published before the exit");
            }
            // the calls answer 1.5 s after they left; nothing else should hold the exit back
            assertTrue(stopSeconds < 6, "stopped in " + stopSeconds + " s");
            List<String> errors = Files.readAllLines(log1).stream()
                    .filter(l -> l.contains("\"level\":\"ERROR\"") || l.contains(" ERROR ")).toList();
            assertEquals(List.of(), errors, "no ERROR from start to exit");

            ServiceProcess second = ServiceProcess.start(app, jvm, env, port, log2);
            try {
                Map<String, String> all = results(kafka, ids.size(), Duration.ofSeconds(60));
                for (String id : ids) {
                    assertEquals("SUCCEEDED", all.get(id), id + " after the restart: " + all);
                }
            } finally {
                second.close();
            }
            Map<String, Integer> reportsPerCommand = new HashMap<>();
            for (RecordedCall c : sim.context().calls()) {
                String info = c.params().get("additional_info");
                if (info != null && info.startsWith("term-" + run)) {
                    reportsPerCommand.merge(info, 1, Integer::sum);
                }
            }
            assertEquals(ids.size(), reportsPerCommand.size(), "every command filed its report");
            assertTrue(reportsPerCommand.values().stream().allMatch(n -> n == 1), "none twice: " + reportsPerCommand);
        }
    }

    private static void awaitInFlight(EmbeddedPostgresServer pg, String run, int n) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (statuses(pg, run).values().stream().filter("IN_FLIGHT"::equals).count() >= n) {
                Thread.sleep(200); // the calls have left
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no " + n + " calls in flight within 60 s: " + statuses(pg, run));
    }

    private static void awaitSucceeded(EmbeddedPostgresServer pg, String id) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if ("SUCCEEDED".equals(statusesLike(pg, id).get(id))) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError(id + " did not succeed within 60 s");
    }

    private static Map<String, String> statuses(EmbeddedPostgresServer pg, String run) throws Exception {
        return statusesLike(pg, "term-" + run);
    }

    private static Map<String, String> statusesLike(EmbeddedPostgresServer pg, String prefix) throws Exception {
        Map<String, String> m = new HashMap<>();
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl("whmcs_abuse"), "whmcs", "whmcs");
                PreparedStatement q = c.prepareStatement("SELECT command_id, status FROM command_log WHERE command_id LIKE ?")) {
            q.setString(1, prefix + "%");
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    m.put(rs.getString(1), rs.getString(2));
                }
            } 
        } catch (java.sql.SQLException e) {
            // the service has not created its tables yet
        }
        return m;
    }

    /**
     * Command id to result status of this run's {@code term-} commands (the warm-up's result is left out, so that it
     * cannot stand in for one of them), read from the start of the results topic until {@code expected} or the time.
     */
    private static Map<String, String> results(EmbeddedKafkaBroker kafka, int expected, Duration max) {
        Properties p = new Properties();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        p.put("enable.auto.commit", "false");
        Map<String, String> m = new HashMap<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(RESULTS).stream()
                    .map(i -> new TopicPartition(RESULTS, i.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            long deadline = System.nanoTime() + max.toNanos();
            while (m.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    try {
                        JsonNode e = Json.MAPPER.readTree(r.value());
                        String subject = e.path("subject").asText();
                        if (subject.startsWith("term-")) {
                            m.put(subject, e.path("data").path("status").asText());
                        }
                    } catch (Exception ignored) {
                        // not a result event
                    }
                }
            }
        }
        return m;
    }
}
