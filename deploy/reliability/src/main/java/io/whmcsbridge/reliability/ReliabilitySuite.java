package io.whmcsbridge.reliability;

import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.whmcsbridge.infra.EmbeddedKafkaBroker;
import io.whmcsbridge.infra.EmbeddedPostgresServer;
import io.whmcsbridge.infra.ServiceProcess;
import io.whmcsbridge.model.Json;
import io.whmcsbridge.simulator.WhmcsSimulator;
import io.whmcsbridge.simulator.core.Fault;
import io.whmcsbridge.simulator.core.RecordedCall;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
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

/**
 * Kills, restarts and faults while a numbered workload runs through abuse-service (its own process) over the
 * embedded broker and database and the simulator; then checks every command id: nothing lost, no report filed
 * twice, per-key order kept, UNKNOWN bounded and really uncertain, the consumer back within 60 s of each restart,
 * the outbox drained. Exits non-zero when an invariant breaks.
 *
 * <pre>./mvnw -q -pl deploy/reliability exec:java -Dexec.args="--short [--service reseller]"</pre>
 * <p>Longer than 250 lines because it is one run: the workload, the faults in their order and the checks of every
 * command id.
 */
public final class ReliabilitySuite {
    static final int CAP = 16;

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
    private Results results;
    private final Timeline timeline = new Timeline();

    public ReliabilitySuite(Plan plan, Path root) {
        this(plan, root, "abuse");
    }

    public ReliabilitySuite(Plan plan, Path root, String family) {
        this.plan = plan;
        this.root = root;
        this.work = Workload.of(family);
    }

    /**
     * {@code [--short] [--service abuse|projects|billing|reseller]}; {@code --fleet ...} runs {@link FleetRun};
     * {@code --reconcile [--service-root <repository>]} runs {@link ReconcileRun}.
     */
    public static void main(String[] args) throws Exception {
        List<String> a = List.of(args);
        boolean quick = a.contains("--short");
        int at = a.indexOf("--service");
        String service = at >= 0 && at + 1 < args.length ? args[at + 1].replace("-service", "") : null;
        Path root = Path.of(System.getProperty("maven.multiModuleProjectDirectory", ".")).toAbsolutePath().normalize();
        ObjectNode report;
        if (a.contains("--reconcile")) {
            // --service-root: the repository whose billing-service build runs (another checkout measures an older build)
            int sr = a.indexOf("--service-root");
            Path serviceRoot = sr >= 0 && sr + 1 < args.length ? Path.of(args[sr + 1]).toAbsolutePath() : root;
            report = new ReconcileRun(ReconcileRun.Plan.standard(), serviceRoot).run();
            System.out.println("JSON: " + write(root, "reconcile", report));
        } else if (a.contains("--fleet")) { // writes its JSON itself
            FleetRun fleet = new FleetRun(quick ? FleetRun.Plan.quick() : FleetRun.Plan.full(), root,
                    service == null ? "billing" : service);
            report = a.contains("--hand-over") ? fleet.handOver() : fleet.run();
        } else {
            report = new ReliabilitySuite(quick ? Plan.quick() : Plan.full(), root, service == null ? "abuse" : service).run();
            System.out.println("JSON: " + write(root, "reliability", report));
        }
        System.exit(report.path("passed").asBoolean() ? 0 : 1);
    }

    /** Writes a run's report to {@code target/reliability/<name>-<time>.json}. */
    static Path write(Path root, String name, ObjectNode report) throws java.io.IOException {
        Path out = root.resolve("target/reliability/" + name + "-" + Instant.now().toString().replace(':', '-') + ".json");
        Files.createDirectories(out.getParent());
        Files.writeString(out, Json.MAPPER.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(report));
        return out;
    }

    private void log(String what) {
        timeline.log(what);
    }

    public ObjectNode run() throws Exception {
        Random random = new Random(plan.seed());
        String run = UUID.randomUUID().toString().substring(0, 6);
        Rig rig = new Rig(work, root, 4);
        EmbeddedKafkaBroker kafka = rig.kafka;
        EmbeddedPostgresServer pg = rig.pg;
        WhmcsSimulator sim = rig.sim;
        // standing faults: 5xx, dropped connections, read timeouts (2 s read-timeout), some latency
        Fault standing = new Fault(15, 0.01, 0.01, 0.02, List.of(500, 503), 0);
        sim.context().setFault(work.family(), standing);
        rig.env.put("WHMCS_INSTANCES_DEFAULT_MAX_IN_FLIGHT", Integer.toString(CAP));
        rig.env.put("WHMCS_INSTANCES_DEFAULT_READ_TIMEOUT", "2s");
        rig.env.put("WHMCS_OUTBOX_POLL_INTERVAL", "1s");
        rig.env.put("WHMCS_PROCESSING_STORE_RETRY_DELAY", "500ms");
        int port = freePort();
        ServiceProcess service = rig.start(port, "1", Map.of());
        log("service ready in " + service.readyMillis() + " ms");
        results = new Results(kafka.bootstrapServers(), work.results(), this::log);

        String[] ids = new String[plan.commands()];
        Thread producer = new Thread(() -> produce(kafka.bootstrapServers(), work, "rel-" + run + "-", plan.keys(),
                plan.rate(), ids, i -> work.write()), "producer");
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
            sleepUntil(timeline.at(at.get(i) + 2));
            switch (events.get(i)) {
                case "kill" -> {
                    service.kill();
                    kills++;
                    log("SIGKILL the service (" + kills + ")");
                    long restart = System.nanoTime();
                    service = rig.start(port, Integer.toString(kills + 1), Map.of());
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
        results.await(List.of(ids), Duration.ofSeconds(180));
        Thread.sleep(3000); // let the outbox relay's last pass finish
        ObjectNode report = check(run, ids, rig, kills, resumeSeconds, kafkaBounced, pgBounced, injectedLatencySpikes);
        results.close();
        service.close();
        rig.close();
        return report;
    }

    private ObjectNode check(String run, String[] ids, Rig rig, int kills, List<Double> resumeSeconds,
            boolean kafkaBounced, boolean pgBounced, int spikes) throws Exception {
        String prefix = "rel-" + run + "-";
        WhmcsSimulator sim = rig.sim;
        Map<String, Rig.Row> rows = rig.rows(prefix);
        Map<String, String> status = new HashMap<>();
        rows.forEach((id, row) -> status.put(id, row.status()));
        long unpublished = rig.unpublishedOutbox();
        List<String> lostIds = Checks.lost(List.of(ids), rows, results);
        int lost = lostIds.size();
        long duplicates = Checks.effects(work, work.write().effectKind(), sim.context().sideEffects(), prefix).values()
                .stream().filter(e -> e.size() > 1).count();
        // per key, the calls that reached the API must start in command order, each after the previous one ended
        Map<String, List<RecordedCall>> reached = Checks.callsById(work, sim.context().calls(), prefix);
        Checks.Order order = Checks.order(reached);
        int orderViolations = order.outOfOrder() + order.overlaps();
        long unknown = status.values().stream().filter("UNKNOWN"::equals).count();
        long hangsAndDrops = sim.context().calls().stream()
                .filter(c -> Set.of("HANG", "DROP", "HANG_AFTER_EFFECT", "DROP_AFTER_EFFECT").contains(c.outcome())).count();
        long bound = (long) (kills + hangsAndDrops + (kafkaBounced ? 1 : 0) + (pgBounced ? 1 : 0)) * CAP;
        long notUncertain = status.entrySet().stream().filter(e -> e.getValue().equals("UNKNOWN"))
                .filter(e -> !reached.containsKey(e.getKey()) && !"INTERRUPTED".equals(rows.get(e.getKey()).errorCode())).count();
        double maxResume = resumeSeconds.stream().mapToDouble(Double::doubleValue).max().orElse(0);

        ObjectNode r = Json.MAPPER.createObjectNode();
        r.put("service", work.family() + "-service").put("action", work.write().type());
        r.put("date", Instant.now().toString()).put("commands", ids.length).put("keys", plan.keys()).put("capInFlight", CAP);
        r.put("kills", kills).put("kafkaRestarts", kafkaBounced ? 1 : 0).put("postgresRestarts", pgBounced ? 1 : 0)
                .put("latencySpikes", spikes).put("injectedHangsAndDrops", hangsAndDrops)
                .put("injected5xx", sim.context().calls().stream().filter(c -> c.outcome().startsWith("HTTP_5")).count());
        r.put("lost", lost).put("duplicateSideEffects", duplicates).put("orderViolations", orderViolations).put("overlaps", order.overlaps())
                .put("unknown", unknown).put("unknownBound", bound).put("unknownNotUncertain", notUncertain)
                .put("maxResumeSeconds", Math.round(maxResume * 10) / 10.0).put("outboxUnpublished", unpublished);
        status.values().stream().collect(java.util.stream.Collectors.groupingBy(s -> s, java.util.stream.Collectors.counting()))
                .forEach((s, n) -> r.with("statuses").put(s, n));
        r.putPOJO("lostExamples", lostIds.subList(0, Math.min(10, lost)));
        r.putPOJO("orderExamples", order.examples());
        r.putPOJO("timeline", timeline.lines());
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

    /**
     * Sends {@code ids.length} numbered commands at {@code rate} per second and fills in their ids: command
     * {@code i} is on key {@code i % keys}, the {@code (i / keys)}th of its key, with the id
     * {@code <prefix>k<key>-<seq>}, and of the action {@code kind.apply(i)}.
     */
    static void produce(String bootstrap, Workload work, String prefix, int keys, double rate, String[] ids,
            java.util.function.IntFunction<Workload.Action> kind) {
        try (KafkaProducer<String, byte[]> producer = producer(bootstrap)) {
            long start = System.nanoTime();
            for (int i = 0; i < ids.length; i++) {
                sleepUntil(start + (long) (i * 1e9 / rate));
                int key = i % keys;
                String id = prefix + "k" + key + "-" + (i / keys);
                ids[i] = id;
                producer.send(new ProducerRecord<>(work.commands(), "k" + key, Workload.command(kind.apply(i), id, key)));
            }
            producer.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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
            producer.send(new ProducerRecord<>(work.commands(), "probe" + probes, Workload.command(work.write(), id, 0)));
        }
        long deadline = since + max.toNanos();
        while (System.nanoTime() < deadline) {
            Long at = results.firstNanos(id);
            if (at != null) {
                return (at - since) / 1e9;
            }
            Thread.sleep(50);
        }
        return max.toSeconds();
    }

    static void sleepUntil(long nanos) throws InterruptedException {
        while (System.nanoTime() < nanos) {
            Thread.sleep(Math.max(1, (nanos - System.nanoTime()) / 1_000_000));
        }
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
        return packagedRoot("abuse-service");
    }

    /** The repository root above the working directory where {@code service} has been packaged (for the ITs). */
    static Path packagedRoot(String service) {
        Path root = Path.of("").toAbsolutePath();
        while (root != null && !Files.exists(root.resolve(service + "/target/quarkus-app/quarkus-run.jar"))) {
            root = root.getParent();
        }
        if (root == null) {
            throw new IllegalStateException(service + " is not packaged: run ./mvnw verify from the root (or ./mvnw -q "
                    + "package -DskipTests -pl " + service + " -am)");
        }
        return root;
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
