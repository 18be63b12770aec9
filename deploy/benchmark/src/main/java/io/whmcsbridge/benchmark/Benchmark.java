package io.whmcsbridge.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.whmcsbridge.infra.EmbeddedKafkaBroker;
import io.whmcsbridge.infra.EmbeddedPostgresServer;
import io.whmcsbridge.infra.ServiceProcess;
import io.whmcsbridge.model.Json;
import io.whmcsbridge.simulator.ServiceWiring;
import io.whmcsbridge.simulator.WhmcsSimulator;
import io.whmcsbridge.simulator.abuse.AbuseManagerSim;
import io.whmcsbridge.simulator.core.Fault;
import io.whmcsbridge.simulator.core.RecordedCall;
import io.whmcsbridge.simulator.core.SimulatorSettings;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.DoubleSupplier;
import java.util.function.ToDoubleFunction;

/**
 * Drives abuse-service, run as its own process, through the real path (embedded Kafka broker and PostgreSQL, the
 * simulator with a fixed added latency) and measures each command from its production to its result's arrival.
 * Every figure comes with its ratio to the N/L bound and to a hand-written loop measured in the same run; with
 * {@code --reference on}, latency50, latency0 and halfrate are also run against the {@link ReferencePipeline}, the
 * practical limit, in the same run.
 *
 * <pre>./mvnw -q -pl deploy/benchmark -am install -DskipTests && ./mvnw -q -pl deploy/benchmark exec:java
 *   -Dexec.args="--scale 1 --scenarios latency50,latency0,halfrate,hotkeys,baseline --reference on"</pre>
 * <p>Longer than 250 lines because it is one measurement: starting the infrastructure and both pipelines, driving a
 * scenario against a target and measuring it from the harness's, the simulator's and the database's records (the
 * options, the printed tables, the baseline loop and the reference pipeline are their own classes).
 */
public final class Benchmark {
    static final String FAMILY = "abuse";
    static final String COMMANDS = "whmcs.abuse.commands";
    static final String RESULTS = "whmcs.abuse.results";
    static final String REF_COMMANDS = "bench.reference.commands";
    static final String REF_RESULTS = "bench.reference.results";
    static final String REF_DATABASE = "bench_reference";
    /** The scenarios also run against the reference pipeline when --reference is on. */
    static final List<String> TWINNED = List.of("latency50", "latency0", "halfrate");

    /** One load: commands over keys, as fast as possible (rate 0) or at a rate, with a simulator latency. */
    record Scenario(String name, long latencyMs, int keys, int commands, double rate) {
    }

    /** What a scenario drives: the bridge or the reference pipeline, each with its own topics and database. */
    record Target(String name, String commands, String database, DoubleSupplier cpuSeconds,
            ToDoubleFunction<String> memoryMb) {
    }

    private final Options o;
    private final Map<String, Long> arrivals = new ConcurrentHashMap<>();
    private final Map<String, String> statuses = new ConcurrentHashMap<>();
    private final AtomicBoolean stop = new AtomicBoolean();
    /** Targets whose database counters were fully flushed at the end of a measured window. */
    private final Set<String> flushed = new HashSet<>();
    private EmbeddedKafkaBroker kafka;
    private EmbeddedPostgresServer pg;
    private WhmcsSimulator sim;
    private ServiceProcess service;
    private ReferenceProcess reference;
    private Target bridge;
    private Target referenceTarget;
    private KafkaProducer<String, byte[]> producer;
    /** For paced runs: no linger, so a command leaves when the harness says it was produced. */
    private KafkaProducer<String, byte[]> pacedProducer;
    /** Epoch nanoseconds minus System.nanoTime(), to set the harness's clock beside the database's timestamps. */
    private final long epochOffsetNanos;

    public static void main(String[] args) throws Exception {
        Options o = Options.parse(args);
        ObjectNode report = new Benchmark(o).run();
        Files.createDirectories(o.out().getParent());
        Files.writeString(o.out(), Json.MAPPER.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(report));
        System.out.println("\nJSON: " + o.out());
        System.exit(0);
    }

    Benchmark(Options o) {
        this.o = o;
        Instant now = Instant.now();
        this.epochOffsetNanos = now.getEpochSecond() * 1_000_000_000L + now.getNano() - System.nanoTime();
    }

    ObjectNode run() throws Exception {
        ObjectNode report = Json.MAPPER.createObjectNode();
        report.put("date", Instant.now().toString());
        report.set("machine", ReportTables.machine());
        report.put("partitions", o.partitions()).put("capInFlight", o.cap()).put("scale", o.scale());
        report.put("postgresDurability", o.durable() ? "fsync, synchronous_commit and full_page_writes on (a default "
                + "installation)" : "fsync, synchronous_commit and full_page_writes off");
        ArrayNode rows = report.putArray("scenarios");
        try {
            startInfrastructure();
            long t = System.nanoTime();
            service = ServiceProcess.start(o.root().resolve("abuse-service/target/quarkus-app"), o.jvmOptions(),
                    serviceEnv(), freePort(), o.root().resolve("target/benchmark/abuse-service.log"));
            report.put("serviceReadyMs", service.readyMillis());
            report.put("serviceJvmOptions", String.join(" ", o.jvmOptions()));
            System.out.printf("abuse-service ready in %d ms (pid %d)%n", service.readyMillis(), service.pid());
            bridge = new Target("bridge", COMMANDS, "whmcs_abuse", service::cpuSeconds, service::memoryMb);
            ObjectNode ref = report.putObject("reference");
            ArrayNode refRows = ref.putArray("scenarios");
            if (o.reference()) {
                reference = ReferenceProcess.start(o.jvmOptions(), referenceArgs(), Map.of("MALLOC_ARENA_MAX", "2"),
                        o.root().resolve("target/benchmark/reference-pipeline.log"));
                referenceTarget = new Target("reference", REF_COMMANDS, REF_DATABASE, reference::cpuSeconds,
                        reference::memoryMb);
                ref.put("readyMs", reference.readyMillis());
                System.out.printf("reference pipeline ready in %d ms (pid %d)%n", reference.readyMillis(), reference.pid());
            }
            Thread results = new Thread(this::consumeResults, "results");
            results.setDaemon(true);
            results.start();
            Thread.sleep(2000); // the result consumer is assigned and at the end of the topic

            Scenario warmup = new Scenario("warmup", 50, 1000, scaled(3000), 0);
            run(warmup, bridge);
            if (o.reference()) {
                run(warmup, referenceTarget);
            }
            Double maxAt50 = null;
            Double refMaxAt50 = null;
            Double baseline = null;
            List<ObjectNode> measured = new ArrayList<>();
            for (String name : o.scenarios()) {
                Scenario s = scenario(name, maxAt50);
                ObjectNode row = s != null ? run(s, bridge) : HandWrittenLoop.measure(kafka.bootstrapServers(), pg,
                        sim, 50, Duration.ofMillis((long) (15_000 * Math.max(0.4, o.scale()))));
                if (name.equals("latency50")) {
                    maxAt50 = row.path("throughputPerSec").asDouble();
                }
                System.out.println(ReportTables.line(row));
                if (o.reference() && TWINNED.contains(name)) {
                    // the same load; half rate is half of the reference's own maximum at 50 ms
                    ObjectNode twin = run(name.equals("halfrate") ? scenario(name, refMaxAt50) : s, referenceTarget);
                    if (name.equals("latency50")) {
                        refMaxAt50 = twin.path("throughputPerSec").asDouble();
                    }
                    refRows.add(twin);
                    System.out.println(ReportTables.line(twin));
                }
                if (name.equals("baseline")) {
                    baseline = row.path("throughputPerSec").asDouble();
                }
                measured.add(row);
            }
            for (ObjectNode row : measured) {
                if (baseline != null && baseline > 0 && row.has("throughputPerSec") && !row.path("name").asText().equals("baseline")) {
                    row.put("ratioToBaseline", round(row.path("throughputPerSec").asDouble() / baseline, 1));
                }
                rows.add(row);
            }
            report.put("servicePeakRssMb", round(service.memoryMb("VmHWM"), 1));
            if (reference != null) {
                ref.put("peakRssMb", round(reference.memoryMb("VmHWM"), 1));
            }
            ReportTables.printTable(report);
            if (reference != null) {
                report.set("bridgeToReference", ReportTables.sideBySide(report));
            }
            return report;
        } finally {
            stop.set(true);
            if (producer != null) {
                producer.close(Duration.ofSeconds(5));
                pacedProducer.close(Duration.ofSeconds(5));
            }
            if (service != null) {
                service.close();
            }
            if (reference != null) {
                reference.close();
            }
            if (sim != null) {
                sim.close();
            }
            if (kafka != null) {
                kafka.close();
            }
            if (pg != null) {
                pg.close();
            }
        }
    }

    /** The load of a named scenario; null for baseline, which is not driven through a target. */
    private Scenario scenario(String name, Double maxAt50) {
        return switch (name) {
            case "latency50" -> new Scenario(name, 50, 1000, scaled(30_000), 0);
            case "latency0" -> new Scenario(name, 0, 1000, scaled(30_000), 0);
            case "halfrate" -> {
                double rate = (maxAt50 == null ? 1000 : maxAt50) / 2;
                yield new Scenario(name, 50, 1000, (int) Math.max(500, rate * 20 * o.scale()), rate);
            }
            case "hotkeys" -> new Scenario(name, 50, 10, scaled(4_000), 0);
            case "baseline" -> null;
            default -> throw new IllegalArgumentException("unknown scenario " + name);
        };
    }

    private List<String> referenceArgs() {
        return List.of("bootstrap=" + kafka.bootstrapServers(), "commands=" + REF_COMMANDS, "results=" + REF_RESULTS,
                "group=reference", "jdbc=" + pg.jdbcUrl(REF_DATABASE), "user=whmcs", "password=whmcs",
                "api=http://127.0.0.1:" + sim.port() + AbuseManagerSim.PATH, "api-id=" + AbuseManagerSim.DEFAULT_API_ID,
                "cap=" + o.cap());
    }

    private int scaled(int n) {
        return (int) Math.max(200, n * o.scale());
    }

    private void startInfrastructure() throws Exception {
        long t = System.nanoTime();
        kafka = EmbeddedKafkaBroker.builder().port(0).partitions(o.partitions()).build().start();
        kafka.createTopics(o.partitions(), COMMANDS, RESULTS, COMMANDS + ".dlq",
                HandWrittenLoop.COMMANDS, HandWrittenLoop.RESULTS, REF_COMMANDS, REF_RESULTS);
        pg = new EmbeddedPostgresServer(0, null, o.durable()).start();
        pg.createRole("whmcs", "whmcs");
        pg.createDatabase("whmcs_abuse", "whmcs");
        pg.createDatabase(HandWrittenLoop.DATABASE, "whmcs");
        pg.createDatabase(REF_DATABASE, "whmcs");
        sim = WhmcsSimulator.start("127.0.0.1", 0, new SimulatorSettings());
        Properties p = new Properties();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        p.put("linger.ms", "5");
        p.put("acks", "all");
        producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
        p.put("linger.ms", "0");
        pacedProducer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
        System.out.printf("kafka %s, postgres %d, simulator %d: started in %d ms%n", kafka.bootstrapServers(),
                pg.port(), sim.port(), (System.nanoTime() - t) / 1_000_000);
    }

    private Map<String, String> serviceEnv() {
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        // -Dbench.jdbc-options=options=-c%20synchronous_commit%3Doff tries other server settings
        String jdbcOptions = System.getProperty("bench.jdbc-options", "");
        env.put("WHMCS_DB_URL", pg.jdbcUrl("whmcs_abuse") + (jdbcOptions.isEmpty() ? "" : "?" + jdbcOptions));
        env.put("WHMCS_DB_USER", "whmcs");
        env.put("WHMCS_DB_PASSWORD", "whmcs");
        env.putAll(ServiceWiring.apiEnv(FAMILY, "http://127.0.0.1:" + sim.port()));
        env.put("WHMCS_INSTANCES_DEFAULT_MAX_IN_FLIGHT", Integer.toString(o.cap()));
        env.put("WHMCS_PROCESSING_WORKER_THREADS", Integer.toString(Math.max(64, o.cap())));
        env.put("QUARKUS_LOG_CONSOLE_JSON", "false");
        env.put("MALLOC_ARENA_MAX", "2"); // glibc's per-thread arenas otherwise add ~100 MB of RSS
        return env;
    }

    /** Produces the scenario's commands to the target, waits for every result, and measures. */
    ObjectNode run(Scenario s, Target t) throws Exception {
        sim.context().setFault(FAMILY, Fault.latency(s.latencyMs()));
        sim.context().clearRecords();
        String prefix = (t == bridge ? "" : "ref-") + s.name() + "-" + UUID.randomUUID().toString().substring(0, 6);
        String[] ids = new String[s.commands()];
        long[] sent = new long[s.commands()];
        boolean measured = !s.name().equals("warmup");
        // the target was idle since its last measured window, which ended with a full flush; else wait for one
        DbStats db0 = measured ? DbStats.read(pg, t.database(), flushed.add(t.name()) ? DbStats.FLUSH_MILLIS : 0) : null;
        double cpu0 = t.cpuSeconds().getAsDouble();
        CpuTimes machine0 = CpuTimes.read();
        KafkaProducer<String, byte[]> out = s.rate() > 0 ? pacedProducer : producer;
        long t0 = System.nanoTime();
        for (int i = 0; i < s.commands(); i++) {
            if (s.rate() > 0) {
                long due = t0 + (long) (i * 1e9 / s.rate());
                while (System.nanoTime() < due) {
                    LockSupport.parkNanos(due - System.nanoTime());
                }
            }
            int key = i % s.keys();
            int seq = i / s.keys();
            String id = prefix + "-k" + key + "-" + seq;
            ids[i] = id;
            byte[] value = AbuseCommands.command(id, key);
            sent[i] = System.nanoTime();
            out.send(new ProducerRecord<>(t.commands(), "k" + key, value));
        }
        out.flush();
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos()
                + (long) (s.commands() / 20.0 * 1e9 * Math.max(1, s.latencyMs() / 50.0) / Math.max(1, s.keys() / 10.0));
        int done = 0;
        while (System.nanoTime() < deadline) {
            done = 0;
            for (String id : ids) {
                if (arrivals.containsKey(id)) {
                    done++;
                }
            }
            if (done == ids.length) {
                break;
            }
            Thread.sleep(200);
        }
        double cpu1 = t.cpuSeconds().getAsDouble();
        CpuTimes machine1 = CpuTimes.read();
        DbStats db1 = measured ? DbStats.read(pg, t.database(), DbStats.FLUSH_MILLIS) : null;
        Map<String, RecordedCall> calls = callsOf(prefix);
        ObjectNode row = measure(s, t, prefix, ids, sent, t0, cpu1 - cpu0, done, calls);
        row.set("cpuMsPerCommand", machine1.minus(machine0).perCommand(cpu1 - cpu0, done));
        if (measured) {
            row.set("db", db1.perCommand(db0, done));
        }
        if (t == bridge) { // the reference keeps no timestamps of its stages
            row.set("stagesMs", stages(prefix, ids, sent, calls));
        }
        return row;
    }

    /**
     * Where a command's time goes, from the service's own timestamps in the command log (its clock is this
     * machine's): Kafka to the service's IN_FLIGHT claim, the claim to the call reaching the API, the API's answer to
     * the outcome being recorded, and the outcome to the result's arrival (commit, relay, Kafka, this consumer).
     */
    /** The simulator's record of this scenario's calls, by command id (the simulator keeps it in additional_info). */
    private Map<String, RecordedCall> callsOf(String prefix) {
        Map<String, RecordedCall> calls = new HashMap<>();
        for (RecordedCall c : sim.context().calls()) {
            String info = c.params().get("additional_info");
            if (info != null && info.startsWith(prefix)) {
                calls.put(info, c);
            }
        }
        return calls;
    }

    private ObjectNode stages(String prefix, String[] ids, long[] sent, Map<String, RecordedCall> calls) throws Exception {
        Map<String, double[]> logged = new HashMap<>();
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(pg.jdbcUrl("whmcs_abuse"), "whmcs", "whmcs");
                java.sql.PreparedStatement q = c.prepareStatement("SELECT command_id, "
                        + "extract(epoch FROM received_at) * 1000000, extract(epoch FROM completed_at) * 1000000 "
                        + "FROM command_log WHERE command_id LIKE ?")) {
            q.setString(1, prefix + "%");
            try (java.sql.ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    logged.put(rs.getString(1), new double[] {rs.getDouble(2), rs.getDouble(3)});
                }
            }
        }
        List<double[]> rows = new ArrayList<>();
        for (int i = 0; i < ids.length; i++) {
            Long arrived = arrivals.get(ids[i]);
            RecordedCall call = calls.get(ids[i]);
            double[] log = logged.get(ids[i]);
            if (arrived == null || call == null || log == null) {
                continue;
            }
            rows.add(new double[] {
                    log[0] - micros(sent[i]), micros(call.startedNanos()) - log[0],
                    log[1] - micros(call.finishedNanos()), micros(arrived) - log[1]});
        }
        String[] names = {"toClaim", "claimToCall", "answerToRecord", "recordToResult"};
        ObjectNode n = Json.MAPPER.createObjectNode();
        for (int k = 0; k < names.length; k++) {
            final int col = k;
            n.set(names[k], stats(rows.stream().mapToDouble(r -> r[col] / 1000.0).toArray()));
        }
        return n;
    }

    private double micros(long nanoTime) {
        return (nanoTime + epochOffsetNanos) / 1000.0;
    }

    private ObjectNode measure(Scenario s, Target t, String prefix, String[] ids, long[] sent, long t0, double cpuSeconds, int done,
            Map<String, RecordedCall> calls) {
        long[] arrived = new long[ids.length];
        double[] e2e = new double[done];
        double[] overhead = new double[done];
        int n = 0;
        int failed = 0;
        double simBusyNanos = 0;
        for (int i = 0; i < ids.length; i++) {
            Long a = arrivals.get(ids[i]);
            if (a == null) {
                continue;
            }
            arrived[n] = a;
            e2e[n] = (a - sent[i]) / 1e6;
            RecordedCall c = calls.get(ids[i]);
            double simMs = c == null ? 0 : (c.finishedNanos() - c.startedNanos()) / 1e6;
            simBusyNanos += c == null ? 0 : c.finishedNanos() - c.startedNanos();
            overhead[n] = e2e[n] - simMs;
            if (!"SUCCEEDED".equals(statuses.get(ids[i]))) {
                failed++;
            }
            n++;
        }
        long[] sortedArrivals = Arrays.copyOf(arrived, n);
        Arrays.sort(sortedArrivals);
        int warm = n / 10;
        double window = n > warm + 1 ? (sortedArrivals[n - 1] - sortedArrivals[warm]) / 1e9 : Double.NaN;
        double throughput = (n - warm - 1) / window;
        double wholeRun = n > 0 ? (sortedArrivals[n - 1] - t0) / 1e9 : Double.NaN;

        ObjectNode row = Json.MAPPER.createObjectNode();
        row.put("name", s.name()).put("target", t.name()).put("simLatencyMs", s.latencyMs()).put("keys", s.keys()).put("commands", ids.length)
                .put("completed", n).put("notSucceeded", failed)
                .put("offeredRatePerSec", s.rate() > 0 ? round(s.rate(), 0) : 0);
        row.put("throughputPerSec", round(throughput, 1));
        if (s.latencyMs() > 0) {
            double bound = Math.min(o.cap(), s.keys()) / (s.latencyMs() / 1000.0);
            row.put("boundPerSec", round(bound, 0));
            row.put("ratioToBound", round(throughput / bound, 3));
        }
        row.set("latencyMs", stats(e2e));
        row.set("overheadMs", stats(overhead));
        row.put("serviceCpuMsPerCommand", round(cpuSeconds * 1000 / Math.max(1, n), 3));
        row.put("meanCallsInFlight", round(simBusyNanos / 1e9 / wholeRun, 1));
        List<Double> gaps = new ArrayList<>();
        row.put("orderViolations", orderViolations(calls, prefix, gaps));
        // time from one call's answer to the next call of the same key: the pipeline's cost inside a key's chain
        row.set("sameKeyGapMs", stats(gaps.stream().mapToDouble(Double::doubleValue).toArray()));
        row.put("serviceRssMb", round(t.memoryMb().applyAsDouble("VmRSS"), 1));
        return row;
    }

    /** Per key, calls must start in command order, each after the previous one of its key finished. */
    static int orderViolations(Map<String, RecordedCall> calls, String prefix, List<Double> gaps) {
        Map<String, List<RecordedCall>> byKey = new HashMap<>();
        for (Map.Entry<String, RecordedCall> e : calls.entrySet()) {
            String rest = e.getKey().substring(prefix.length() + 1); // k<key>-<seq>
            byKey.computeIfAbsent(rest.substring(0, rest.lastIndexOf('-')), k -> new ArrayList<>()).add(e.getValue());
        }
        int violations = 0;
        for (List<RecordedCall> list : byKey.values()) {
            list.sort((a, b) -> Long.compare(a.startedNanos(), b.startedNanos()));
            for (int i = 1; i < list.size(); i++) {
                RecordedCall prev = list.get(i - 1);
                RecordedCall cur = list.get(i);
                if (seqOf(cur) < seqOf(prev) || cur.startedNanos() < prev.finishedNanos()) {
                    violations++;
                }
                gaps.add((cur.startedNanos() - prev.finishedNanos()) / 1e6);
            }
        }
        return violations;
    }

    private static int seqOf(RecordedCall c) {
        String info = c.params().get("additional_info");
        return Integer.parseInt(info.substring(info.lastIndexOf('-') + 1));
    }

    private void consumeResults() {
        Properties p = new Properties();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        p.put("enable.auto.commit", "false");
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            for (String topic : List.of(RESULTS, REF_RESULTS)) {
                c.partitionsFor(topic).forEach(i -> parts.add(new TopicPartition(topic, i.partition())));
            }
            c.assign(parts);
            c.seekToEnd(parts);
            parts.forEach(c::position);
            while (!stop.get()) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(100))) {
                    long now = System.nanoTime();
                    try {
                        JsonNode event = Json.MAPPER.readTree(r.value());
                        String id = event.path("subject").asText();
                        arrivals.putIfAbsent(id, now);
                        statuses.putIfAbsent(id, event.path("data").path("status").asText());
                    } catch (Exception ignored) {
                        // not a result event
                    }
                }
            }
        }
    }

    private static ObjectNode stats(double[] v) {
        Stats s = Stats.of(v);
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("p50", round(s.p50(), 1)).put("p95", round(s.p95(), 1)).put("p99", round(s.p99(), 1))
                .put("max", round(s.max(), 1)).put("mean", round(s.mean(), 1));
        return n;
    }

    static double round(double v, int digits) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return -1;
        }
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
