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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Drives abuse-service, run as its own process, through the real path (embedded Kafka broker and PostgreSQL, the
 * simulator with a fixed added latency) and measures each command from its production to its result's arrival.
 * Every figure comes with its ratio to the N/L bound and to a hand-written loop measured in the same run.
 *
 * <pre>./mvnw -q -pl deploy/benchmark -am install -DskipTests && ./mvnw -q -pl deploy/benchmark exec:java
 *   -Dexec.args="--scale 1 --scenarios latency50,latency0,halfrate,hotkeys,baseline"</pre>
 * <p>Longer than 250 lines because it is one benchmark: the scenarios, the hand-written baseline loop and the report,
 * measured in the same run.
 */
public final class Benchmark {
    static final String FAMILY = "abuse";
    static final String COMMANDS = "whmcs.abuse.commands";
    static final String RESULTS = "whmcs.abuse.results";

    /** One load: commands over keys, as fast as possible (rate 0) or at a rate, with a simulator latency. */
    record Scenario(String name, long latencyMs, int keys, int commands, double rate) {
    }

    private final Options o;
    private final Map<String, Long> arrivals = new ConcurrentHashMap<>();
    private final Map<String, String> statuses = new ConcurrentHashMap<>();
    private final AtomicBoolean stop = new AtomicBoolean();
    private EmbeddedKafkaBroker kafka;
    private EmbeddedPostgresServer pg;
    private WhmcsSimulator sim;
    private ServiceProcess service;
    private KafkaProducer<String, byte[]> producer;
    /** For paced runs: no linger, so a command leaves when the harness says it was produced. */
    private KafkaProducer<String, byte[]> pacedProducer;
    /** Epoch nanoseconds minus System.nanoTime(), to set the harness's clock beside the database's timestamps. */
    private final long epochOffsetNanos;

    record Options(Path root, int partitions, int cap, double scale, List<String> scenarios, List<String> jvmOptions,
            boolean durable, Path out) {
    }

    public static void main(String[] args) throws Exception {
        Options o = parse(args);
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
        report.set("machine", machine());
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
            Thread results = new Thread(this::consumeResults, "results");
            results.setDaemon(true);
            results.start();
            Thread.sleep(2000); // the result consumer is assigned and at the end of the topic

            run(new Scenario("warmup", 50, 1000, scaled(3000), 0), false);
            Double maxAt50 = null;
            Double baseline = null;
            List<ObjectNode> measured = new ArrayList<>();
            for (String name : o.scenarios()) {
                ObjectNode row = switch (name) {
                    case "latency50" -> run(new Scenario(name, 50, 1000, scaled(30_000), 0), true);
                    case "latency0" -> run(new Scenario(name, 0, 1000, scaled(30_000), 0), true);
                    case "halfrate" -> {
                        double rate = (maxAt50 == null ? 1000 : maxAt50) / 2;
                        yield run(new Scenario(name, 50, 1000, (int) Math.max(500, rate * 20 * o.scale()), rate), true);
                    }
                    case "hotkeys" -> run(new Scenario(name, 50, 10, scaled(4_000), 0), true);
                    case "baseline" -> HandWrittenLoop.measure(kafka.bootstrapServers(), pg, sim, 50,
                            Duration.ofMillis((long) (15_000 * Math.max(0.4, o.scale()))));
                    default -> throw new IllegalArgumentException("unknown scenario " + name);
                };
                if (name.equals("latency50")) {
                    maxAt50 = row.path("throughputPerSec").asDouble();
                }
                if (name.equals("baseline")) {
                    baseline = row.path("throughputPerSec").asDouble();
                }
                measured.add(row);
                System.out.println(line(row));
            }
            for (ObjectNode row : measured) {
                if (baseline != null && baseline > 0 && row.has("throughputPerSec") && !row.path("name").asText().equals("baseline")) {
                    row.put("ratioToBaseline", round(row.path("throughputPerSec").asDouble() / baseline, 1));
                }
                rows.add(row);
            }
            report.put("servicePeakRssMb", round(service.memoryMb("VmHWM"), 1));
            printTable(report);
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

    private int scaled(int n) {
        return (int) Math.max(200, n * o.scale());
    }

    private void startInfrastructure() throws Exception {
        long t = System.nanoTime();
        kafka = EmbeddedKafkaBroker.builder().port(0).partitions(o.partitions()).build().start();
        kafka.createTopics(o.partitions(), COMMANDS, RESULTS, COMMANDS + ".dlq",
                HandWrittenLoop.COMMANDS, HandWrittenLoop.RESULTS);
        pg = new EmbeddedPostgresServer(0, null, o.durable()).start();
        pg.createRole("whmcs", "whmcs");
        pg.createDatabase("whmcs_abuse", "whmcs");
        pg.createDatabase(HandWrittenLoop.DATABASE, "whmcs");
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

    /** Produces the scenario's commands, waits for every result, and measures. */
    ObjectNode run(Scenario s, boolean print) throws Exception {
        sim.context().setFault(FAMILY, Fault.latency(s.latencyMs()));
        sim.context().clearRecords();
        String prefix = s.name() + "-" + UUID.randomUUID().toString().substring(0, 6);
        String[] ids = new String[s.commands()];
        long[] sent = new long[s.commands()];
        double cpu0 = service.cpuSeconds();
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
            byte[] value = ("{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"benchmark\",\"type\":\"whmcs.abuse.create\","
                    + "\"datacontenttype\":\"application/json\",\"data\":{\"params\":{\"service_id\":" + (key + 1)
                    + ",\"category\":\"Spam\",\"additional_info\":\"" + id + "\"}}}").getBytes(StandardCharsets.UTF_8);
            sent[i] = System.nanoTime();
            out.send(new ProducerRecord<>(COMMANDS, "k" + key, value));
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
        double cpu1 = service.cpuSeconds();
        CpuTimes machine1 = CpuTimes.read();
        Map<String, RecordedCall> calls = callsOf(prefix);
        ObjectNode row = measure(s, prefix, ids, sent, t0, cpu1 - cpu0, done, calls);
        row.set("cpuMsPerCommand", machine1.minus(machine0).perCommand(cpu1 - cpu0, done));
        row.set("stagesMs", stages(prefix, ids, sent, calls));
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

    private ObjectNode measure(Scenario s, String prefix, String[] ids, long[] sent, long t0, double cpuSeconds, int done,
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
        row.put("name", s.name()).put("simLatencyMs", s.latencyMs()).put("keys", s.keys()).put("commands", ids.length)
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
        row.put("serviceRssMb", round(service.memoryMb("VmRSS"), 1));
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
            List<TopicPartition> parts = c.partitionsFor(RESULTS).stream()
                    .map(i -> new TopicPartition(RESULTS, i.partition())).toList();
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

    private static String line(ObjectNode r) {
        return String.format(Locale.ROOT, "%-10s %6s/s  bound %5s  ratio %5s  p50 %7s  p99 %7s  overhead p50 %6s p99 %6s  cpu/cmd %6s ms  inflight %5s  order-violations %s",
                r.path("name").asText(), r.path("throughputPerSec").asText(), r.path("boundPerSec").asText("-"),
                r.path("ratioToBound").asText("-"), r.path("latencyMs").path("p50").asText("-"),
                r.path("latencyMs").path("p99").asText("-"), r.path("overheadMs").path("p50").asText("-"),
                r.path("overheadMs").path("p99").asText("-"), r.path("serviceCpuMsPerCommand").asText("-"),
                r.path("meanCallsInFlight").asText("-"), r.path("orderViolations").asText("-"),
                r.path("sameKeyGapMs").path("p50").asText("-"));
    }

    private static void printTable(ObjectNode report) {
        System.out.println();
        System.out.printf("%s  %s%n", report.path("date").asText(), report.path("machine"));
        System.out.printf("PostgreSQL: %s%n", report.path("postgresDurability").asText());
        System.out.printf("partitions %d, cap %d in flight, service ready in %d ms, peak RSS %.1f MB%n",
                report.path("partitions").asInt(), report.path("capInFlight").asInt(),
                report.path("serviceReadyMs").asLong(), report.path("servicePeakRssMb").asDouble());
        System.out.println("| scenario | latency | keys | commands | throughput/s | bound/s | ratio to bound | ratio to baseline | e2e p50/p95/p99/max ms | overhead p50/p99 ms | CPU ms/cmd | in flight | order violations |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        for (JsonNode r : report.path("scenarios")) {
            JsonNode l = r.path("latencyMs");
            System.out.printf(Locale.ROOT, "| %s | %s ms | %s | %s | %s | %s | %s | %s | %s/%s/%s/%s | %s/%s | %s | %s | %s |%n",
                    r.path("name").asText(), r.path("simLatencyMs").asText(r.path("latencyMsSetting").asText("")),
                    r.path("keys").asText(""), r.path("completed").asText(""), r.path("throughputPerSec").asText(),
                    r.path("boundPerSec").asText("-"), r.path("ratioToBound").asText("-"),
                    r.path("ratioToBaseline").asText("-"), l.path("p50").asText(), l.path("p95").asText(),
                    l.path("p99").asText(), l.path("max").asText(), r.path("overheadMs").path("p50").asText("-"),
                    r.path("overheadMs").path("p99").asText("-"), r.path("serviceCpuMsPerCommand").asText("-"),
                    r.path("meanCallsInFlight").asText("-"), r.path("orderViolations").asText("-"));
        }
        System.out.println();
        System.out.println("| scenario | CPU ms/cmd: service | broker+simulator+load | PostgreSQL+other | machine | machine ceiling/s | to claim p50/p99 ms | claim to call | answer to record | record to result |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|");
        for (JsonNode r : report.path("scenarios")) {
            if (!r.has("cpuMsPerCommand")) {
                continue;
            }
            JsonNode c = r.path("cpuMsPerCommand");
            JsonNode st = r.path("stagesMs");
            System.out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n", r.path("name").asText(),
                    c.path("service").asText(), c.path("brokerSimulatorAndLoad").asText(),
                    c.path("postgresAndOther").asText(), c.path("machine").asText(),
                    c.path("machineCeilingPerSec").asText(), p50p99(st.path("toClaim")), p50p99(st.path("claimToCall")),
                    p50p99(st.path("answerToRecord")), p50p99(st.path("recordToResult")));
        }
    }

    private static String p50p99(JsonNode n) {
        return n.path("p50").asText("-") + "/" + n.path("p99").asText("-");
    }

    private static ObjectNode machine() {
        ObjectNode m = Json.MAPPER.createObjectNode();
        m.put("cpus", Runtime.getRuntime().availableProcessors());
        try {
            Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name")).findFirst()
                    .ifPresent(l -> m.put("cpu", l.substring(l.indexOf(':') + 1).trim()));
            Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal")).findFirst()
                    .ifPresent(l -> m.put("memoryGb", round(Long.parseLong(l.replaceAll("\\D", "")) / 1024.0 / 1024.0, 1)));
        } catch (Exception ignored) {
            // not Linux
        }
        m.put("java", System.getProperty("java.version"));
        return m;
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static Options parse(String[] args) {
        Path root = Path.of(System.getProperty("maven.multiModuleProjectDirectory", ".")).toAbsolutePath().normalize();
        int partitions = 12;
        int cap = 64;
        double scale = 1.0;
        List<String> scenarios = List.of("latency50", "latency0", "halfrate", "hotkeys", "baseline");
        // The service's production JVM settings for small containers (see docs/PERFORMANCE.md): C1 only, which
        // spends far less CPU compiling on 2 cores; a small heap, code cache and thread stacks.
        List<String> jvm = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx128m", "-Xss512k",
                "-XX:ReservedCodeCacheSize=64m", "-XX:MaxMetaspaceSize=160m");
        Path out = null;
        boolean durable = true;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--root" -> root = Path.of(args[++i]).toAbsolutePath().normalize();
                case "--partitions" -> partitions = Integer.parseInt(args[++i]);
                case "--cap" -> cap = Integer.parseInt(args[++i]);
                case "--scale" -> scale = Double.parseDouble(args[++i]);
                case "--scenarios" -> scenarios = List.of(args[++i].split(","));
                case "--service-jvm" -> jvm = List.of(args[++i].trim().split("\\s+"));
                case "--out" -> out = Path.of(args[++i]);
                case "--pg-durability" -> durable = switch (args[++i]) {
                    case "on" -> true;
                    case "off" -> false;
                    default -> throw new IllegalArgumentException("--pg-durability takes on or off");
                };
                default -> {
                    System.err.println("usage: Benchmark [--scale 1.0] [--partitions 12] [--cap 64] "
                            + "[--scenarios latency50,latency0,halfrate,hotkeys,baseline] [--service-jvm \"-Xmx192m\"] "
                            + "[--pg-durability on|off] [--out file.json] [--root repo]");
                    System.exit(2);
                }
            }
        }
        if (!Files.exists(root.resolve("abuse-service"))) {
            root = root.getParent() != null && Files.exists(root.getParent().getParent().resolve("abuse-service"))
                    ? root.getParent().getParent() : root;
        }
        if (out == null) {
            out = root.resolve("target/benchmark/benchmark-" + Instant.now().toString().replace(':', '-') + ".json");
        }
        return new Options(root, partitions, cap, scale, scenarios, jvm, durable, out);
    }
}
