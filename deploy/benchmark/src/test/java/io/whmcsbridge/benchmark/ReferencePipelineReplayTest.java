package io.whmcsbridge.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import io.whmcsbridge.infra.EmbeddedKafkaBroker;
import io.whmcsbridge.infra.EmbeddedPostgresServer;
import io.whmcsbridge.model.Json;
import io.whmcsbridge.simulator.WhmcsSimulator;
import io.whmcsbridge.simulator.abuse.AbuseManagerSim;
import io.whmcsbridge.simulator.core.Fault;
import io.whmcsbridge.simulator.core.RecordedCall;
import io.whmcsbridge.simulator.core.SimulatorSettings;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The reference pipeline keeps the guarantees it claims across a crash: killed (SIGKILL) in the middle of a load and
 * started again, it finishes every command, calls none that was durable before the crash a second time, and keeps
 * per-key order (the calls of a key start in command order, each after the previous answered).
 */
class ReferencePipelineReplayTest {
    private static final int COMMANDS = 600;
    private static final int KEYS = 40;

    @Test
    void aCrashReplaysWithoutCallingFinishedCommandsAgain() throws Exception {
        try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.builder().port(0).partitions(3).build().start();
                EmbeddedPostgresServer pg = new EmbeddedPostgresServer(0, null, false).start();
                WhmcsSimulator sim = WhmcsSimulator.start("127.0.0.1", 0, new SimulatorSettings())) {
            kafka.createTopics(3, "ref.commands", "ref.results");
            pg.createRole("whmcs", "whmcs");
            pg.createDatabase("ref", "whmcs");
            sim.context().setFault(Benchmark.FAMILY, Fault.latency(20));
            List<String> args = List.of("bootstrap=" + kafka.bootstrapServers(), "commands=ref.commands",
                    "results=ref.results", "group=ref", "jdbc=" + pg.jdbcUrl("ref"), "user=whmcs", "password=whmcs",
                    "api=http://127.0.0.1:" + sim.port() + AbuseManagerSim.PATH,
                    "api-id=" + AbuseManagerSim.DEFAULT_API_ID, "cap=8");
            List<String> jvm = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx128m");
            Path log = Path.of("target/reference-replay-test.log");
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                    kafka.bootstrapServers()), new StringSerializer(), new ByteArraySerializer())) {
                for (int i = 0; i < COMMANDS; i++) {
                    producer.send(new ProducerRecord<>("ref.commands", "k" + i % KEYS,
                            AbuseCommands.command("r-k" + i % KEYS + "-" + i / KEYS, i % KEYS)));
                }
            }
            Set<String> durableBeforeCrash;
            ReferenceProcess first = ReferenceProcess.start(jvm, args, Map.of(), log);
            try (Connection db = DriverManager.getConnection(pg.jdbcUrl("ref"), "whmcs", "whmcs")) {
                while (count(db) < COMMANDS / 3) {
                    Thread.sleep(20);
                }
                first.kill();
                durableBeforeCrash = ids(db);
            }
            assertTrue(durableBeforeCrash.size() < COMMANDS, "the crash came before the end");
            try (ReferenceProcess second = ReferenceProcess.start(jvm, args, Map.of(), log.resolveSibling(
                    "reference-replay-test-2.log"))) {
                Map<String, Integer> results = results(kafka.bootstrapServers());
                assertEquals(COMMANDS, results.size(), "every command has a result");
                // a durable command whose offset was not committed: its stored result is produced again, uncalled
                System.out.printf("durable before the crash %d, their results produced again %d%n",
                        durableBeforeCrash.size(), durableBeforeCrash.stream().filter(id -> results.get(id) > 1).count());
            }
            Map<String, Integer> callsPerCommand = new HashMap<>();
            Map<String, RecordedCall> lastCall = new HashMap<>();
            for (RecordedCall c : sim.context().calls()) {
                String id = c.params().get("additional_info");
                callsPerCommand.merge(id, 1, Integer::sum);
                lastCall.put(id, c);
            }
            assertEquals(COMMANDS, callsPerCommand.size(), "every command was called");
            for (String id : durableBeforeCrash) {
                assertEquals(1, callsPerCommand.get(id), id + " was durable before the crash and was called again");
            }
            assertEquals(0, Benchmark.orderViolations(lastCall, "r", new java.util.ArrayList<>()),
                    "per key, the calls start in command order");
        }
    }

    private static int count(Connection db) throws Exception {
        try (ResultSet rs = db.createStatement().executeQuery("SELECT count(*) FROM reference_audit")) {
            rs.next();
            return rs.getInt(1);
        } catch (java.sql.SQLException notYetCreated) {
            return 0;
        }
    }

    private static Set<String> ids(Connection db) throws Exception {
        Set<String> ids = new HashSet<>();
        try (ResultSet rs = db.createStatement().executeQuery("SELECT command_id FROM reference_audit")) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
        }
        return ids;
    }

    /** Results per subject on the results topic, read from the start until every command has one or 60 s passed. */
    private static Map<String, Integer> results(String bootstrap) throws Exception {
        Map<String, Integer> subjects = new HashMap<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap,
                "group.id", "replay-test", "auto.offset.reset", "earliest"), new StringDeserializer(),
                new ByteArrayDeserializer())) {
            c.subscribe(List.of("ref.results"));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (subjects.size() < COMMANDS && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    JsonNode event = Json.MAPPER.readTree(r.value());
                    subjects.merge(event.path("subject").asText(), 1, Integer::sum);
                }
            }
        }
        return subjects;
    }
}
