package io.whmcsbridge.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.whmcsbridge.infra.EmbeddedKafkaBroker;
import io.whmcsbridge.infra.EmbeddedPostgresServer;
import io.whmcsbridge.infra.ServiceProcess;
import io.whmcsbridge.model.Json;
import io.whmcsbridge.simulator.Fault;
import io.whmcsbridge.simulator.RecordedCall;
import io.whmcsbridge.simulator.ServiceWiring;
import io.whmcsbridge.simulator.SimulatorSettings;
import io.whmcsbridge.simulator.WhmcsSimulator;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Kills, restarts and faults while a numbered workload runs through abuse-service (its own process) over the
 * embedded broker and database and the simulator; then checks every command id: nothing lost, no report filed
 * twice, per-key order kept, UNKNOWN bounded and really uncertain, the consumer back within 60 s of each restart,
 * the outbox drained. Exits non-zero when an invariant breaks.
 *
 * <pre>./mvnw -q -pl deploy/reliability exec:java -Dexec.args="--short [--service reseller]"</pre>
 */
public final class ReliabilitySuite {
    static final int CAP = 16;

    /**
     * The non-idempotent action the workload sends to one service, and how to find a command's mark in the calls
     * and side effects the simulator recorded (every command carries its own id in a text field).
     */
    record Workload(String family, String type, java.util.function.BiFunction<String, Integer, String> params,
            java.util.function.Function<Map<String, String>, String> marker, String effectKind) {

        static Workload of(String family) {
            return switch (family) {
                case "abuse" -> new Workload(family, "whmcs.abuse.create",
                        (id, key) -> "{\"service_id\":" + (key + 1) + ",\"category\":\"Spam\",\"additional_info\":\"" + id + "\"}",
                        p -> p.get("additional_info"), "report");
                case "reseller" -> new Workload(family, "whmcs.reseller.addCharge",
                        (id, key) -> "{\"client\":561115,\"charge\":\"0.01\",\"description\":\"" + id + "\"}",
                        p -> p.get("description"), "charge");
                case "billing" -> new Workload(family, "whmcs.billing.create_addfunds",
                        (id, key) -> "{\"amount\":\"20.00\",\"description\":\"" + id + "\"}",
                        p -> p.get("description"), "addfunds-invoice");
                case "projects" -> new Workload(family, "whmcs.projects.createProject",
                        (id, key) -> "{\"title\":\"" + id + "\",\"status\":\"Active\"}",
                        p -> {
                            try {
                                return p.get("params") == null ? null : Json.MAPPER.readTree(p.get("params")).path("title").asText(null);
                            } catch (Exception e) {
                                return null;
                            }
                        }, "create-project");
                default -> throw new IllegalArgumentException("unknown service " + family);
            };
        }

        String commands() {
            return "whmcs." + family + ".commands";
        }

        String results() {
            return "whmcs." + family + ".results";
        }
    }

    /** How much to do: the short run is what CI runs. */
    public record Plan(int commands, int keys, double rate, int kills, long seed) {
        public static Plan quick() {
            return new Plan(500, 50, 40, 3, 7);
        }

        public static Plan full() {
            return new Plan(4000, 200, 60, 6, 11);
        }
    }

    private final Plan plan;
    private final Path root;
    private final Workload work;
    private final Map<String, Long> firstResult = new ConcurrentHashMap<>();
    private final AtomicLong lastResultNanos = new AtomicLong();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final List<String> timeline = new ArrayList<>();
    private final long t0 = System.nanoTime();

    public ReliabilitySuite(Plan plan, Path root) {
        this(plan, root, "abuse");
    }

    public ReliabilitySuite(Plan plan, Path root, String family) {
        this.plan = plan;
        this.root = root;
        this.work = Workload.of(family);
    }

    public static void main(String[] args) throws Exception {
        boolean quick = List.of(args).contains("--short");
        int at = List.of(args).indexOf("--service");
        String family = at >= 0 && at + 1 < args.length ? args[at + 1].replace("-service", "") : "abuse";
        Path root = Path.of(System.getProperty("maven.multiModuleProjectDirectory", ".")).toAbsolutePath().normalize();
        ObjectNode report = new ReliabilitySuite(quick ? Plan.quick() : Plan.full(), root, family).run();
        Path out = root.resolve("target/reliability/reliability-" + Instant.now().toString().replace(':', '-') + ".json");
        Files.createDirectories(out.getParent());
        Files.writeString(out, Json.MAPPER.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(report));
        System.out.println("JSON: " + out);
        System.exit(report.path("passed").asBoolean() ? 0 : 1);
    }

    private void log(String what) {
        String line = String.format("%6.1fs %s", (System.nanoTime() - t0) / 1e9, what);
        timeline.add(line);
        System.out.println(line);
    }

    public ObjectNode run() throws Exception {
        Random random = new Random(plan.seed());
        String run = UUID.randomUUID().toString().substring(0, 6);
        EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.builder().port(0).partitions(4).build().start();
        kafka.createTopics(4, work.commands(), work.results(), work.commands() + ".dlq");
        EmbeddedPostgresServer pg = new EmbeddedPostgresServer(0, null).start();
        pg.createRole("whmcs", "whmcs");
        pg.createDatabase("whmcs_" + work.family(), "whmcs");
        WhmcsSimulator sim = WhmcsSimulator.start("127.0.0.1", 0, new SimulatorSettings());
        // standing faults: 5xx, dropped connections, read timeouts (2 s read-timeout), some latency
        Fault standing = new Fault(15, 0.01, 0.01, 0.02, List.of(500, 503), 0);
        sim.context().setFault(work.family(), standing);
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put("WHMCS_DB_URL", pg.jdbcUrl("whmcs_" + work.family()));
        env.put("WHMCS_DB_USER", "whmcs");
        env.put("WHMCS_DB_PASSWORD", "whmcs");
        env.putAll(ServiceWiring.apiEnv(work.family(), "http://127.0.0.1:" + sim.port()));
        env.put("WHMCS_INSTANCES_DEFAULT_MAX_IN_FLIGHT", Integer.toString(CAP));
        env.put("WHMCS_INSTANCES_DEFAULT_READ_TIMEOUT", "2s");
        env.put("WHMCS_OUTBOX_POLL_INTERVAL", "1s");
        env.put("WHMCS_PROCESSING_STORE_RETRY_DELAY", "500ms");
        env.put("MALLOC_ARENA_MAX", "2");
        int port = freePort();
        Path app = root.resolve(work.family() + "-service/target/quarkus-app");
        // one log per process, so a stall after a particular restart can be read afterwards
        java.util.function.IntFunction<Path> logFile = n -> root.resolve("target/reliability/" + work.family()
                + "-service-" + n + ".log");
        List<String> jvm = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx128m");
        ServiceProcess service = ServiceProcess.start(app, jvm, env, port, logFile.apply(1));
        log("service ready in " + service.readyMillis() + " ms");
        Thread results = new Thread(() -> consume(kafka.bootstrapServers()), "results");
        results.setDaemon(true);
        results.start();

        String[] ids = new String[plan.commands()];
        Thread producer = new Thread(() -> produce(kafka, run, ids), "producer");
        producer.start();
        double seconds = plan.commands() / plan.rate();
        List<Double> resumeSeconds = new ArrayList<>();
        int kills = 0;
        int injectedLatencySpikes = 0;
        boolean kafkaBounced = false;
        boolean pgBounced = false;
        // chaos at random points of the production window: SIGKILLs, one Kafka bounce, one PostgreSQL bounce
        List<Double> at = new ArrayList<>();
        for (int i = 0; i < plan.kills() + 3; i++) {
            at.add(1 + random.nextDouble() * (seconds - 2));
        }
        at.sort(Double::compare);
        List<String> events = new ArrayList<>();
        for (int i = 0; i < plan.kills(); i++) {
            events.add("kill");
        }
        events.add("kafka");
        events.add("postgres");
        events.add("spike");
        java.util.Collections.shuffle(events, random);
        for (int i = 0; i < events.size(); i++) {
            sleepUntil(t0 + (long) (at.get(i) * 1e9) + Duration.ofSeconds(2).toNanos());
            switch (events.get(i)) {
                case "kill" -> {
                    service.kill();
                    kills++;
                    log("SIGKILL the service (" + kills + ")");
                    long restart = System.nanoTime();
                    service = ServiceProcess.start(app, jvm, env, port, logFile.apply(kills + 1));
                    double resumed = awaitProbe(kafka, run, restart, Duration.ofSeconds(90));
                    resumeSeconds.add(resumed);
                    log("service back in " + service.readyMillis() + " ms; a new command's result after " + String.format("%.1f", resumed) + " s");
                }
                case "kafka" -> {
                    log("stop Kafka");
                    kafka.stop();
                    Thread.sleep(2000);
                    long restart = System.nanoTime();
                    kafka.restart();
                    kafkaBounced = true;
                    double resumed = awaitProbe(kafka, run, restart, Duration.ofSeconds(90));
                    resumeSeconds.add(resumed);
                    log("Kafka back; a new command's result after " + String.format("%.1f", resumed) + " s");
                }
                case "postgres" -> {
                    log("stop PostgreSQL");
                    pg.stop();
                    Thread.sleep(2000);
                    long restart = System.nanoTime();
                    pg.restart();
                    pgBounced = true;
                    double resumed = awaitProbe(kafka, run, restart, Duration.ofSeconds(90));
                    resumeSeconds.add(resumed);
                    log("PostgreSQL back; a new command's result after " + String.format("%.1f", resumed) + " s");
                }
                default -> {
                    log("latency spike: 1500 ms for 3 s");
                    sim.context().setFault(work.family(), new Fault(1500, 0, 0, 0, List.of(503), 0));
                    Thread.sleep(3000);
                    sim.context().setFault(work.family(), standing);
                    injectedLatencySpikes++;
                }
            }
        }
        producer.join();
        // the standing faults stay on while the backlog drains: the kills leave most of the work for later
        log("workload produced; waiting for every result");
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        while (System.nanoTime() < deadline && java.util.Arrays.stream(ids).anyMatch(id -> !firstResult.containsKey(id))) {
            Thread.sleep(500);
        }
        Thread.sleep(3000); // let the outbox relay's last pass finish
        ObjectNode report = check(run, ids, pg, sim, kills, resumeSeconds, kafkaBounced, pgBounced, injectedLatencySpikes);
        stop.set(true);
        service.close();
        sim.close();
        kafka.close();
        pg.close();
        return report;
    }

    private ObjectNode check(String run, String[] ids, EmbeddedPostgresServer pg, WhmcsSimulator sim, int kills,
            List<Double> resumeSeconds, boolean kafkaBounced, boolean pgBounced, int spikes) throws Exception {
        Map<String, String> status = new HashMap<>();
        Map<String, String> errorCode = new HashMap<>();
        long unpublished;
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl("whmcs_" + work.family()), "whmcs", "whmcs")) {
            try (PreparedStatement q = c.prepareStatement("SELECT command_id, status, error_code FROM command_log WHERE command_id LIKE ?")) {
                q.setString(1, "rel-" + run + "-%");
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        status.put(rs.getString(1), rs.getString(2));
                        errorCode.put(rs.getString(1), rs.getString(3));
                    }
                }
            }
            try (ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM outbox_event WHERE published_at IS NULL")) {
                rs.next();
                unpublished = rs.getLong(1);
            }
        }
        Set<String> terminal = Set.of("SUCCEEDED", "FAILED", "REJECTED", "UNKNOWN");
        int lost = 0;
        List<String> lostIds = new ArrayList<>();
        for (String id : ids) {
            if (!terminal.contains(status.get(id)) || !firstResult.containsKey(id)) {
                lost++;
                if (lostIds.size() < 10) {
                    lostIds.add(id + "=" + status.get(id) + (firstResult.containsKey(id) ? "" : " (no result event)"));
                }
            }
        }
        Map<String, Integer> reportsPerId = new HashMap<>();
        for (io.whmcsbridge.simulator.SideEffect e : sim.context().sideEffects()) {
            String mark = e.kind().equals(work.effectKind()) ? work.marker().apply(e.params()) : null;
            if (mark != null && mark.startsWith("rel-" + run)) {
                reportsPerId.merge(mark, 1, Integer::sum);
            }
        }
        long duplicates = reportsPerId.values().stream().filter(n -> n > 1).count();
        // per key, the calls that reached the API must start in command order
        Map<String, List<RecordedCall>> byKey = new HashMap<>();
        Set<String> reached = new java.util.HashSet<>();
        for (RecordedCall call : sim.context().calls()) {
            String info = work.marker().apply(call.params());
            if (info != null && info.startsWith("rel-" + run)) {
                reached.add(info);
                byKey.computeIfAbsent(keyOf(info), k -> new ArrayList<>()).add(call);
            }
        }
        int orderViolations = 0;
        for (List<RecordedCall> calls : byKey.values()) {
            calls.sort((a, b) -> Long.compare(a.startedNanos(), b.startedNanos()));
            for (int i = 1; i < calls.size(); i++) {
                if (seqOf(calls.get(i)) < seqOf(calls.get(i - 1))) {
                    orderViolations++;
                }
            }
        }
        long unknown = status.values().stream().filter("UNKNOWN"::equals).count();
        long hangsAndDrops = sim.context().calls().stream()
                .filter(c -> Set.of("HANG", "DROP", "HANG_AFTER_EFFECT", "DROP_AFTER_EFFECT").contains(c.outcome())).count();
        long bound = (long) (kills + hangsAndDrops + (kafkaBounced ? 1 : 0) + (pgBounced ? 1 : 0)) * CAP;
        long notUncertain = status.entrySet().stream().filter(e -> e.getValue().equals("UNKNOWN"))
                .filter(e -> !reached.contains(e.getKey()) && !"INTERRUPTED".equals(errorCode.get(e.getKey()))).count();
        double maxResume = resumeSeconds.stream().mapToDouble(Double::doubleValue).max().orElse(0);

        ObjectNode r = Json.MAPPER.createObjectNode();
        r.put("service", work.family() + "-service").put("action", work.type());
        r.put("date", Instant.now().toString()).put("commands", ids.length).put("keys", plan.keys()).put("capInFlight", CAP);
        r.put("kills", kills).put("kafkaRestarts", kafkaBounced ? 1 : 0).put("postgresRestarts", pgBounced ? 1 : 0)
                .put("latencySpikes", spikes).put("injectedHangsAndDrops", hangsAndDrops)
                .put("injected5xx", sim.context().calls().stream().filter(c -> c.outcome().startsWith("HTTP_5")).count());
        r.put("lost", lost).put("duplicateSideEffects", duplicates).put("orderViolations", orderViolations)
                .put("unknown", unknown).put("unknownBound", bound).put("unknownNotUncertain", notUncertain)
                .put("maxResumeSeconds", Math.round(maxResume * 10) / 10.0).put("outboxUnpublished", unpublished);
        status.values().stream().collect(java.util.stream.Collectors.groupingBy(s -> s, java.util.stream.Collectors.counting()))
                .forEach((s, n) -> r.with("statuses").put(s, n));
        r.putPOJO("lostExamples", lostIds);
        r.putPOJO("timeline", timeline);
        boolean passed = lost == 0 && duplicates == 0 && orderViolations == 0 && unknown <= bound && notUncertain == 0
                && maxResume <= 60 && unpublished == 0;
        r.put("passed", passed);
        System.out.println();
        System.out.printf("| commands | kills | Kafka/PG restarts | hangs+drops | 5xx | lost | duplicates | order violations | UNKNOWN (bound) | max resume s | outbox left | passed |%n");
        System.out.printf("|---|---|---|---|---|---|---|---|---|---|---|---|%n");
        System.out.printf("| %d | %d | %d/%d | %d | %d | %d | %d | %d | %d (%d) | %.1f | %d | %s |%n", ids.length, kills,
                kafkaBounced ? 1 : 0, pgBounced ? 1 : 0, hangsAndDrops, r.path("injected5xx").asLong(), lost, duplicates,
                orderViolations, unknown, bound, maxResume, unpublished, passed);
        System.out.println("statuses: " + r.path("statuses") + (lostIds.isEmpty() ? "" : " lost: " + lostIds));
        return r;
    }

    private void produce(EmbeddedKafkaBroker kafka, String run, String[] ids) {
        try (KafkaProducer<String, byte[]> producer = producer(kafka.bootstrapServers())) {
            long start = System.nanoTime();
            for (int i = 0; i < ids.length; i++) {
                long due = start + (long) (i * 1e9 / plan.rate());
                while (System.nanoTime() < due) {
                    Thread.sleep(Math.max(1, (due - System.nanoTime()) / 1_000_000));
                }
                int key = i % plan.keys();
                String id = "rel-" + run + "-k" + key + "-" + (i / plan.keys());
                ids[i] = id;
                producer.send(new ProducerRecord<>(work.commands(), "k" + key, command(id, key)));
            }
            producer.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void consume(String bootstrap) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("enable.auto.commit", "false");
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(work.results()).stream().map(i -> new TopicPartition(work.results(), i.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            while (!stop.get()) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    try {
                        JsonNode e = Json.MAPPER.readTree(r.value());
                        firstResult.putIfAbsent(e.path("subject").asText(), System.nanoTime());
                        lastResultNanos.set(System.nanoTime());
                    } catch (Exception ignored) {
                        // not a result
                    }
                }
            }
        } catch (Exception e) {
            if (!stop.get()) {
                log("result consumer stopped: " + e);
            }
        }
    }

    private int probes;

    /**
     * Seconds from {@code since} (a restart) to the result of a command sent right then, on a key of its own: how
     * long the restarted part keeps new work waiting. (Waiting for any result instead would wait in vain when the
     * workload happened to be finished and fully committed before the restart.)
     */
    private double awaitProbe(EmbeddedKafkaBroker kafka, String run, long since, Duration max) throws InterruptedException {
        String id = "rel-" + run + "-probe" + (++probes) + "-0";
        try (KafkaProducer<String, byte[]> producer = producer(kafka.bootstrapServers())) {
            producer.send(new ProducerRecord<>(work.commands(), "probe" + probes, command(id, 0)));
        }
        long deadline = since + max.toNanos();
        while (System.nanoTime() < deadline) {
            Long at = firstResult.get(id);
            if (at != null) {
                return (at - since) / 1e9;
            }
            Thread.sleep(50);
        }
        return max.toSeconds();
    }

    private static String keyOf(String id) {
        String rest = id.substring(0, id.lastIndexOf('-'));
        return rest.substring(rest.lastIndexOf('-') + 1);
    }

    private int seqOf(RecordedCall c) {
        String info = work.marker().apply(c.params());
        return Integer.parseInt(info.substring(info.lastIndexOf('-') + 1));
    }

    private static void sleepUntil(long nanos) throws InterruptedException {
        while (System.nanoTime() < nanos) {
            Thread.sleep(Math.max(1, (nanos - System.nanoTime()) / 1_000_000));
        }
    }

    /** The workload's command {@code id} on key number {@code key}, as a structured CloudEvent. */
    private byte[] command(String id, int key) {
        return ("{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"reliability\",\"type\":\""
                + work.type() + "\",\"data\":{\"params\":" + work.params().apply(id, key) + "}}").getBytes(StandardCharsets.UTF_8);
    }

    /** A producer that waits for every replica and keeps retrying through a broker restart. */
    static KafkaProducer<String, byte[]> producer(String bootstrap) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("acks", "all");
        p.put("delivery.timeout.ms", "120000");
        p.put("retries", Integer.toString(Integer.MAX_VALUE));
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    /** The repository root above the working directory where abuse-service has been packaged (for the ITs). */
    static Path packagedRoot() {
        Path root = Path.of("").toAbsolutePath();
        while (root != null && !Files.exists(root.resolve("abuse-service/target/quarkus-app/quarkus-run.jar"))) {
            root = root.getParent();
        }
        if (root == null) {
            throw new IllegalStateException("abuse-service is not packaged: run ./mvnw verify from the root");
        }
        return root;
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
