package io.whmcsbridge.reliability;

import io.whmcsbridge.infra.EmbeddedKafkaBroker;
import io.whmcsbridge.infra.EmbeddedPostgresServer;
import io.whmcsbridge.infra.ServiceProcess;
import io.whmcsbridge.simulator.ServiceWiring;
import io.whmcsbridge.simulator.WhmcsSimulator;
import io.whmcsbridge.simulator.core.SimulatorSettings;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
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
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A rate-limited instance with a backlog that takes many times the stall limit to drain stays live: liveness looks
 * for progress, not for the age of the oldest waiting record (which, as the connector's own check at 600 s, turned
 * a healthy backlog behind a low rate limit into a restart loop).
 */
class BacklogLivenessIT {
    static final String COMMANDS = "whmcs.abuse.commands";

    @Test
    void aRateLimitedBacklogLongerThanTheStallLimitKeepsThePodLive() throws Exception {
        Path root = ReliabilitySuite.packagedRoot();
        String run = UUID.randomUUID().toString().substring(0, 6);
        try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.builder().port(0).partitions(4).build().start();
                EmbeddedPostgresServer pg = new EmbeddedPostgresServer(0, null).start();
                WhmcsSimulator sim = WhmcsSimulator.start("127.0.0.1", 0, new SimulatorSettings())) {
            kafka.createTopics(4, COMMANDS, "whmcs.abuse.results", COMMANDS + ".dlq");
            pg.createRole("whmcs", "whmcs");
            pg.createDatabase("whmcs_abuse", "whmcs");
            Map<String, String> env = new HashMap<>();
            env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
            env.put("WHMCS_DB_URL", pg.jdbcUrl("whmcs_abuse"));
            env.put("WHMCS_DB_USER", "whmcs");
            env.put("WHMCS_DB_PASSWORD", "whmcs");
            env.putAll(ServiceWiring.apiEnv("abuse", "http://127.0.0.1:" + sim.port()));
            env.put("WHMCS_INSTANCES_DEFAULT_RATE_LIMIT", "5");
            env.put("WHMCS_PROCESSING_STALL_AFTER", "3s");
            int port = ReliabilitySuite.freePort();
            try (ServiceProcess service = ServiceProcess.start(root.resolve("abuse-service/target/quarkus-app"),
                    List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx128m"), env, port,
                    root.resolve("target/reliability/backlog-liveness.log"))) {
                int n = 60; // 12 s at 5 calls/s: four times the stall limit
                try (KafkaProducer<String, byte[]> producer = ReliabilitySuite.producer(kafka.bootstrapServers())) {
                    for (int i = 0; i < n; i++) {
                        String id = "live-" + run + "-" + i;
                        producer.send(new ProducerRecord<>(COMMANDS, "k" + i, ("{\"specversion\":\"1.0\",\"id\":\"" + id
                                + "\",\"source\":\"test\",\"type\":\"whmcs.abuse.create\",\"data\":{\"params\":"
                                + "{\"service_id\":1,\"category\":\"Spam\",\"additional_info\":\"" + id + "\"}}}")
                                .getBytes(StandardCharsets.UTF_8)));
                    }
                }
                long start = System.nanoTime();
                HttpClient http = HttpClient.newHttpClient();
                URI live = URI.create("http://127.0.0.1:" + port + "/q/health/live");
                List<String> downs = new ArrayList<>();
                int done = 0;
                while (done < n && System.nanoTime() - start < Duration.ofSeconds(90).toNanos()) {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(live).build(), HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() != 200) {
                        downs.add(r.statusCode() + " " + r.body());
                    }
                    done = succeeded(pg, run);
                    Thread.sleep(200);
                }
                double drained = (System.nanoTime() - start) / 1e9;
                assertEquals(n, done, "every command of the backlog succeeded");
                assertTrue(drained >= 9, "the backlog took several stall limits to drain: " + drained + " s");
                assertEquals(List.of(), downs, "liveness stayed up while the backlog moved");
                assertTrue(service.isAlive());
            }
        }
    }

    private static int succeeded(EmbeddedPostgresServer pg, String run) throws Exception {
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl("whmcs_abuse"), "whmcs", "whmcs");
                PreparedStatement q = c.prepareStatement(
                        "SELECT count(*) FROM command_log WHERE command_id LIKE ? AND status = 'SUCCEEDED'")) {
            q.setString(1, "live-" + run + "-%");
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        } catch (java.sql.SQLException e) {
            return 0; // tables not created yet
        }
    }
}
