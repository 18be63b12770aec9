package io.whmcsbridge.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.whmcsbridge.infra.ServiceProcess;
import io.whmcsbridge.model.Json;
import io.whmcsbridge.simulator.core.Fault;
import io.whmcsbridge.simulator.core.RecordedCall;
import io.whmcsbridge.simulator.core.SideEffect;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/**
 * The fleet mode of the reliability suite: up to three replicas of one service (each its own process, one consumer
 * group) over the embedded broker (12 partitions, so partitions visibly move), PostgreSQL and the simulator. A
 * numbered workload over many keys mixes the service's slow non-idempotent action with an idempotent one while the
 * fleet scales 1 → 3 → 2 (SIGTERM) → 1 (SIGKILL) (the long run: → 2 → 1 (SIGTERM) too), each event with calls in
 * flight. Then every command id is checked: none lost, no side effect twice, per key the calls reach the API in
 * command order and never two at once, UNKNOWN only for the calls that were in flight in the SIGKILLed replica, every
 * SUCCEEDED result carries the API's answer, no command with two different outcomes published.
 *
 * <p>{@link #handOver()} is the case issue 15 reported, on its own: 24 slow payments in flight on one replica, a
 * second replica joins; every payment must end SUCCEEDED with the API's answer, each reaching the API once.
 *
 * <pre>./mvnw -q -pl deploy/reliability exec:java -Dexec.args="--fleet [--short] [--service billing] [--hand-over]"</pre>
 * <p>Longer than 250 lines because it is one run: the fleet's scaling steps and the checks of every command id.
 */
public final class FleetRun {

    /**
     * How much to do.
     *
     * @param rate        commands per second, produced from the start until a few seconds after the last event
     * @param keys        ordering keys the commands spread over
     * @param readShare   the share of commands that are the service's idempotent action (where it has one)
     * @param latencyMs   the API's answer time, drawn anew every 5 s between the two bounds while commands are produced
     * @param gapSeconds  seconds between scale events (after the previous one has completed)
     * @param rejoin      after the SIGKILL, scale 1 → 2 → 1 (SIGTERM) once more
     */
    public record Plan(double rate, int keys, double readShare, long[] latencyMs, double gapSeconds, boolean rejoin,
            long seed) {
        public static Plan quick() {
            return new Plan(6, 40, 0.3, new long[] {1500, 1500}, 10, false, 15);
        }

        public static Plan full() {
            return new Plan(10, 150, 0.3, new long[] {1000, 3000}, 20, true, 17);
        }
    }

    /** One replica: a service process with its own HTTP port and replica name, in the fleet's consumer group. */
    private record Member(String name, int port, ServiceProcess process) {
    }

    private final Plan plan;
    private final Path root;
    private final Workload work;
    private final Timeline timeline = new Timeline();
    private final String prefix = "fleet-" + UUID.randomUUID().toString().substring(0, 6) + "-";
    private final List<Member> live = new CopyOnWriteArrayList<>();
    private final ObjectNode report = Json.MAPPER.createObjectNode();
    private int started;
    private Rig rig;
    private Results results;

    public FleetRun(Plan plan, Path root, String family) {
        this.plan = plan;
        this.root = root;
        this.work = Workload.of(family);
    }

    private void log(String what) {
        timeline.log(what);
    }

    private void setUp(Map<String, String> env) throws Exception {
        rig = new Rig(work, root, 12);
        rig.env.put("WHMCS_OUTBOX_POLL_INTERVAL", "1s");
        rig.env.put("QUARKUS_LOG_CONSOLE_JSON_ENABLED", "false"); // readable replica logs
        rig.env.putAll(env);
        join();
        results = new Results(rig.kafka.bootstrapServers(), work.results(), this::log);
    }

    private void tearDown() {
        results.close();
        for (Member m : live) {
            try {
                m.process().close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        rig.close();
    }

    /** Starts one more replica and waits until it is ready. */
    private Member join() throws Exception {
        String name;
        synchronized (this) {
            name = "fleet-r" + (++started);
        }
        int port = ReliabilitySuite.freePort();
        ServiceProcess p = rig.start(port, name, Map.of("WHMCS_REPLICA_NAME", name));
        Member m = new Member(name, port, p);
        live.add(m);
        log(name + " ready in " + p.readyMillis() + " ms on :" + port + " (" + live.size() + " replicas)");
        return m;
    }

    /** Starts {@code n} replicas side by side (a scale-up: they join the group at about the same time). */
    private void joinAll(int n) throws Exception {
        List<Thread> threads = new ArrayList<>();
        List<Exception> failed = new CopyOnWriteArrayList<>();
        for (int i = 0; i < n; i++) {
            Thread t = new Thread(() -> {
                try {
                    join();
                } catch (Exception e) {
                    failed.add(e);
                }
            }, "join-" + i);
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join();
        }
        if (!failed.isEmpty()) {
            throw failed.get(0);
        }
    }

    /** Waits (at most {@code max}) until some non-idempotent call is in flight; returns how many are. */
    private int awaitInFlight(int atLeast, Duration max) throws Exception {
        long deadline = System.nanoTime() + max.toNanos();
        Set<String> now = rig.inFlight(prefix, null);
        while (now.size() < atLeast && System.nanoTime() < deadline) {
            Thread.sleep(100);
            now = rig.inFlight(prefix, null);
        }
        return now.size();
    }

    // ---------------------------------------------------------------------------------------------------------------

    /** The fleet run: scale events under a mixed, slow workload; then every command id checked. */
    public ObjectNode run() throws Exception {
        Random random = new Random(plan.seed());
        setUp(Map.of());
        log(work.family() + "-service: " + (work.read().isPresent() ? work.write().type() + " and " + work.read().get().type()
                : work.write().type()) + " at " + plan.rate() + "/s over " + plan.keys() + " keys, API answering in "
                + plan.latencyMs()[0] + "-" + plan.latencyMs()[1] + " ms");
        List<String> ids = new CopyOnWriteArrayList<>();
        Set<String> reads = java.util.concurrent.ConcurrentHashMap.newKeySet();
        producing = true;
        Thread producer = new Thread(() -> produce(ids, reads, new Random(plan.seed() + 1)), "producer");
        Thread latency = new Thread(() -> vary(random), "latency");
        latency.setDaemon(true);
        latency.start();
        producer.start();

        ArrayNode events = report.putArray("events");
        Set<String> killedInFlight = new LinkedHashSet<>();
        Thread.sleep((long) (plan.gapSeconds() * 1000));
        event(events, "1 -> 3: two replicas join", () -> joinAll(2));
        Thread.sleep((long) (plan.gapSeconds() * 1000));
        snapshotMetrics("3-replicas");
        Member leaving = live.get(live.size() - 1);
        event(events, "3 -> 2: SIGTERM " + leaving.name(), () -> leave(leaving));
        Thread.sleep((long) (plan.gapSeconds() * 1000));
        Member crashing = live.get(0);
        event(events, "2 -> 1: SIGKILL " + crashing.name(), () -> killedInFlight.addAll(crash(crashing)));
        if (plan.rejoin()) {
            Thread.sleep((long) (plan.gapSeconds() * 1000));
            event(events, "1 -> 2: a replica joins", this::join);
            Thread.sleep((long) (plan.gapSeconds() * 1000));
            Member last = live.get(0);
            event(events, "2 -> 1: SIGTERM " + last.name(), () -> leave(last));
        }
        Thread.sleep(5000);
        producing = false;
        producer.join();
        latency.interrupt();
        latency.join();
        rig.sim.context().setFault(work.family(), Fault.latency(50)); // the backlog drains quickly
        log(ids.size() + " commands produced (" + reads.size() + " idempotent); waiting for every result");
        if (!results.await(ids, Duration.ofSeconds(180))) {
            log("not every command has a result after 180 s");
        }
        Thread.sleep(3000); // the outbox relay's last pass
        ObjectNode r = check("fleet", ids, reads, killedInFlight);
        tearDown();
        return r;
    }

    private volatile boolean producing;

    private void produce(List<String> ids, Set<String> reads, Random random) {
        try (KafkaProducer<String, byte[]> producer = ReliabilitySuite.producer(rig.kafka.bootstrapServers())) {
            long start = System.nanoTime();
            for (int i = 0; producing; i++) {
                ReliabilitySuite.sleepUntil(start + (long) (i * 1e9 / plan.rate()));
                int key = i % plan.keys();
                String id = prefix + "k" + key + "-" + (i / plan.keys());
                Workload.Action action = work.read().isPresent() && random.nextDouble() < plan.readShare()
                        ? work.read().get() : work.write();
                if (action.idempotent()) {
                    reads.add(id);
                }
                ids.add(id);
                producer.send(new ProducerRecord<>(work.commands(), "k" + key, Workload.command(action, id, key)));
            }
            producer.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The API's answer time, drawn anew every 5 s while commands are produced. */
    private void vary(Random random) {
        long[] bounds = plan.latencyMs();
        while (producing) {
            long ms = bounds[0] + (bounds[1] > bounds[0] ? (long) (random.nextDouble() * (bounds[1] - bounds[0])) : 0);
            rig.sim.context().setFault(work.family(), Fault.latency(ms));
            try {
                Thread.sleep(5000);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private interface Step {
        void run() throws Exception;
    }

    /** One scale event, once a non-idempotent call is in flight: what it was, when, and how many calls were out. */
    private void event(ArrayNode events, String what, Step step) throws Exception {
        int inFlight = awaitInFlight(1, Duration.ofSeconds(15));
        double at = timeline.seconds();
        Instant started = Instant.now();
        log(what + " (" + inFlight + " non-idempotent calls in flight)");
        step.run();
        events.addObject().put("event", what).put("at", started.toString())
                .put("atSeconds", Math.round(at * 10) / 10.0).put("inFlight", inFlight)
                .put("tookSeconds", Math.round((timeline.seconds() - at) * 10) / 10.0).put("replicasAfter", live.size());
    }

    private void leave(Member m) throws InterruptedException {
        live.remove(m);
        long t = System.nanoTime();
        m.process().close();
        log(m.name() + " exited " + String.format("%.1f", (System.nanoTime() - t) / 1e9) + " s after SIGTERM");
    }

    /**
     * SIGKILLs a replica and returns the commands whose non-idempotent call may have been cut: those IN_FLIGHT right
     * before and right after the kill (held by that replica where the command log records lease holders).
     */
    private Set<String> crash(Member m) throws Exception {
        Set<String> cut = new LinkedHashSet<>(rig.inFlight(prefix, m.name() + "-"));
        live.remove(m);
        m.process().kill();
        cut.addAll(rig.inFlight(prefix, m.name() + "-"));
        log(m.name() + " killed; " + cut.size() + " commands in flight in it may end UNKNOWN");
        return cut;
    }

    // ---------------------------------------------------------------------------------------------------------------

    /**
     * Issue 15's case on its own: 24 add-funds invoices (the service's non-idempotent action) on 24 keys in flight on
     * one replica, the API answering in 15 s; a second replica joins. Every one must end SUCCEEDED with the API's
     * answer, each reaching the API once.
     */
    public ObjectNode handOver() throws Exception {
        int n = 24;
        long latency = 15_000;
        setUp(Map.of("WHMCS_INSTANCES_DEFAULT_MAX_IN_FLIGHT", "32", "WHMCS_PROCESSING_SHUTDOWN_GRACE", "30s"));
        rig.sim.context().setFault(work.family(), Fault.latency(latency));
        String[] ids = new String[n];
        ReliabilitySuite.produce(rig.kafka.bootstrapServers(), work, prefix, n, 200, ids, i -> work.write());
        int inFlight = awaitInFlight(n, Duration.ofSeconds(60));
        log(inFlight + " " + work.write().type() + " in flight on fleet-r1, the API answering in " + latency + " ms");
        ArrayNode events = report.putArray("events");
        event(events, "1 -> 2: a replica joins", this::join);
        if (!results.await(List.of(ids), Duration.ofSeconds(120))) {
            log("not every command has a result after 120 s");
        }
        Thread.sleep(3000);
        ObjectNode r = check("hand-over", List.of(ids), Set.of(), Set.of());
        tearDown();
        return r;
    }

    // ---------------------------------------------------------------------------------------------------------------

    /**
     * Every replica's whmcs_outbox_backlog and per-partition consumer lag at one moment, as Prometheus would scrape
     * them (the whole /q/metrics under target/reliability): what the dashboard's queries aggregate over replicas.
     */
    private void snapshotMetrics(String label) {
        HttpClient http = HttpClient.newHttpClient();
        ObjectNode snap = report.with("metrics").putObject(label);
        for (Member m : live) {
            try {
                String text = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + m.port() + "/q/metrics"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
                Path file = root.resolve("target/reliability/" + work.family() + "-metrics-" + label + "-" + m.name() + ".txt");
                Files.createDirectories(file.getParent());
                Files.writeString(file, text);
                ArrayNode lines = snap.putArray(m.name());
                text.lines().filter(l -> l.startsWith("whmcs_outbox_backlog{")
                        || l.startsWith("kafka_consumer_fetch_manager_records_lag{")).forEach(lines::add);
            } catch (Exception e) {
                snap.put(m.name(), "not read: " + e);
            }
        }
    }

    /**
     * Checks every command id, prints the table and writes the report.
     *
     * @param reads   the ids of idempotent commands (may reach the API more than once)
     * @param mayBeUnknown the ids whose call was in flight in a SIGKILLed replica: the only ones that may end UNKNOWN
     */
    private ObjectNode check(String name, Collection<String> ids, Set<String> reads, Set<String> mayBeUnknown) throws Exception {
        Map<String, Rig.Row> rows = rig.rows(prefix);
        List<String> lost = Checks.lost(ids, rows, results);
        List<SideEffect> effects = rig.sim.context().sideEffects();
        Map<String, List<SideEffect>> writes = Checks.effects(work, work.write().effectKind(), effects, prefix);
        long duplicates = writes.values().stream().filter(e -> e.size() > 1).count();
        Map<String, List<RecordedCall>> calls = Checks.callsById(work, rig.sim.context().calls(), prefix);
        Checks.Order order = Checks.order(calls);

        List<String> unknownNotAllowed = new ArrayList<>();
        List<String> withoutAnswer = new ArrayList<>();
        List<String> conflicting = new ArrayList<>();
        long unknownInKilled = 0;
        for (String id : ids) {
            Rig.Row row = rows.get(id);
            String status = row == null ? null : row.status();
            if ("UNKNOWN".equals(status)) {
                if (mayBeUnknown.contains(id) && "INTERRUPTED".equals(row.errorCode())) {
                    unknownInKilled++;
                } else {
                    unknownNotAllowed.add(id + " (" + row.errorCode() + (calls.containsKey(id) ? ", its call reached the API"
                            + (writes.containsKey(id) ? " and took effect" : "") : "") + ")");
                }
            }
            if ("SUCCEEDED".equals(status)) {
                String missing = answerMissing(id, reads.contains(id), writes.get(id));
                if (missing != null) {
                    withoutAnswer.add(id + ": " + missing);
                }
            }
            if (results.statuses(id).size() > 1) {
                conflicting.add(id + " " + results.statuses(id));
            }
        }
        attribute(rows, ids, mayBeUnknown);
        long unpublished = rig.unpublishedOutbox();
        Map<String, Long> statuses = ids.stream().map(id -> rows.get(id) == null ? "none" : rows.get(id).status())
                .collect(Collectors.groupingBy(s -> s, java.util.TreeMap::new, Collectors.counting()));
        boolean passed = lost.isEmpty() && duplicates == 0 && order.outOfOrder() == 0 && order.overlaps() == 0
                && unknownNotAllowed.isEmpty() && withoutAnswer.isEmpty() && conflicting.isEmpty() && unpublished == 0;

        ObjectNode r = report;
        r.put("run", name).put("service", work.family() + "-service").put("date", Instant.now().toString());
        r.put("write", work.write().type()).put("read", work.read().map(Workload.Action::type).orElse(null));
        r.put("commands", ids.size()).put("idempotent", reads.size()).put("keys", name.equals("fleet") ? plan.keys() : ids.size())
                .put("partitions", 12).put("replicasStarted", started);
        r.put("lost", lost.size()).put("duplicateSideEffects", duplicates).put("orderViolations", order.outOfOrder())
                .put("overlaps", order.overlaps()).put("unknown", statuses.getOrDefault("UNKNOWN", 0L))
                .put("unknownInKilledReplica", unknownInKilled).put("killedInFlight", mayBeUnknown.size())
                .put("unknownNotAllowed", unknownNotAllowed.size()).put("succeededWithoutAnswer", withoutAnswer.size())
                .put("conflictingResults", conflicting.size()).put("outboxUnpublished", unpublished)
                .put("writesReachingApi", ids.stream().filter(id -> !reads.contains(id) && calls.containsKey(id)).count())
                .put("readsReachingApi", ids.stream().filter(id -> reads.contains(id) && calls.containsKey(id)).count());
        statuses.forEach((s, n) -> r.with("statuses").put(s, n));
        r.set("lostExamples", Json.MAPPER.valueToTree(head(lost)));
        r.set("orderExamples", Json.MAPPER.valueToTree(order.examples()));
        r.set("unknownNotAllowedExamples", Json.MAPPER.valueToTree(head(unknownNotAllowed)));
        r.set("withoutAnswerExamples", Json.MAPPER.valueToTree(head(withoutAnswer)));
        r.set("conflictingExamples", Json.MAPPER.valueToTree(head(conflicting)));
        r.set("timeline", Json.MAPPER.valueToTree(timeline.lines()));
        r.put("passed", passed);

        System.out.println();
        System.out.println("| run | commands (idempotent) | events (calls in flight, UNKNOWN after it) | lost | duplicates | order violations | overlaps "
                + "| UNKNOWN: in killed replica / other | SUCCEEDED without answer | conflicting results | outbox left | passed |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|");
        String events = java.util.stream.StreamSupport.stream(r.path("events").spliterator(), false)
                .map(e -> e.path("event").asText().replaceAll(":.*", "") + " (" + e.path("inFlight").asInt() + " in flight, "
                        + e.path("unknownAfter").asInt() + " UNKNOWN)")
                .collect(Collectors.joining(", "));
        System.out.printf("| %s %s | %d (%d) | %s | %d | %d | %d | %d | %d / %d | %d | %d | %d | %s |%n", work.family(), name,
                ids.size(), reads.size(), events, lost.size(), duplicates, order.outOfOrder(), order.overlaps(),
                unknownInKilled, unknownNotAllowed.size(), withoutAnswer.size(), conflicting.size(), unpublished, passed);
        System.out.println("statuses: " + r.path("statuses") + "; reached the API: " + r.path("writesReachingApi")
                + " of " + (ids.size() - reads.size()) + " non-idempotent, " + r.path("readsReachingApi") + " of " + reads.size()
                + " idempotent commands");
        for (String field : List.of("lostExamples", "orderExamples", "unknownNotAllowedExamples", "withoutAnswerExamples",
                "conflictingExamples")) {
            if (!r.path(field).isEmpty()) {
                System.out.println(field + ": " + r.path(field));
            }
        }
        System.out.println("JSON: " + ReliabilitySuite.write(root, work.family() + "-" + name, r));
        return r;
    }

    /**
     * Puts on each event how many commands ended UNKNOWN after it and before the next one, other than those the
     * SIGKILL cut: which scale event made them.
     */
    private void attribute(Map<String, Rig.Row> rows, Collection<String> ids, Set<String> mayBeUnknown) {
        List<JsonNode> events = new ArrayList<>();
        report.path("events").forEach(events::add);
        for (int i = 0; i < events.size(); i++) {
            Instant from = Instant.parse(events.get(i).path("at").asText());
            Instant to = i + 1 < events.size() ? Instant.parse(events.get(i + 1).path("at").asText()) : Instant.MAX;
            long n = ids.stream().map(rows::get).filter(r -> r != null && "UNKNOWN".equals(r.status()) && r.completedAt() != null
                    && !r.completedAt().isBefore(from) && r.completedAt().isBefore(to)).count();
            long cut = ids.stream().filter(mayBeUnknown::contains).map(rows::get)
                    .filter(r -> r != null && "UNKNOWN".equals(r.status()) && r.completedAt() != null
                            && !r.completedAt().isBefore(from) && r.completedAt().isBefore(to)).count();
            ((ObjectNode) events.get(i)).put("unknownAfter", n - cut);
        }
    }

    /** Why a SUCCEEDED result does not carry the API's answer, or null when it does. */
    private String answerMissing(String id, boolean read, List<SideEffect> effects) {
        JsonNode data = results.succeeded(id);
        if (data == null) {
            return "no SUCCEEDED result event";
        }
        JsonNode response = data.path("response");
        if (response.isMissingNode() || response.isNull() || response.isEmpty() && !response.isValueNode()
                || response.isValueNode() && response.asText().isEmpty()) {
            return "empty response " + data.path("response");
        }
        if (read) {
            return null;
        }
        if (effects == null || effects.isEmpty()) {
            return "the API has no record of it";
        }
        if (work.write().answerNamesEffect() && !Workload.names(response, effects.get(0).id())) {
            return "response " + response + " does not name the simulator's " + effects.get(0).kind() + " " + effects.get(0).id();
        }
        return null;
    }

    private static List<String> head(List<String> list) {
        return list.subList(0, Math.min(10, list.size()));
    }
}
