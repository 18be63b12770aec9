package io.whmcsbridge.reliability;

import io.whmcsbridge.infra.EmbeddedKafkaBroker;
import io.whmcsbridge.infra.EmbeddedPostgresServer;
import io.whmcsbridge.infra.ServiceProcess;
import io.whmcsbridge.simulator.ServiceWiring;
import io.whmcsbridge.simulator.WhmcsSimulator;
import io.whmcsbridge.simulator.core.RecordedCall;
import io.whmcsbridge.simulator.core.SimulatorSettings;
import io.whmcsbridge.simulator.projects.WbTeamProSim;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 15: projects-service scaled out to three (then four) processes in one consumer group, against one database
 * and the simulated wbTeamPro API (which bans an address after 3 failed logins). The guard is the fleet's:
 * <ul>
 * <li>an instance with a wrong password costs one failed login for all replicas together, every command fails
 * (the refused login or CIRCUIT_OPEN), a fourth replica started while the circuit is open becomes ready and sends
 * nothing, and a reset on one replica gives exactly one probe for the whole fleet;</li>
 * <li>{@code rate-limit} is the fleet's total: three replicas working off a backlog stay within it over every 10 s
 * window, and do not waste their shares.</li>
 * </ul>
 */
class FleetGuardIT {
    static final String FAMILY = "projects";
    static final String COMMANDS = "whmcs.projects.commands";
    static final int PARTITIONS = 12;
    static final double RATE = 20;
    static final int BACKLOG = 400;
    static final String KEY = "fleet-it-operator-key";

    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    final String run = UUID.randomUUID().toString().substring(0, 6);
    EmbeddedPostgresServer pg;
    WhmcsSimulator sim;

    @Test
    void oneCircuitAndOneRateLimitForTheWholeFleet() throws Exception {
        Path root = ReliabilitySuite.packagedRoot();
        Path app = root.resolve("projects-service/target/quarkus-app");
        List<ServiceProcess> replicas = new ArrayList<>();
        try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.builder().port(0).partitions(PARTITIONS).build().start();
                EmbeddedPostgresServer db = new EmbeddedPostgresServer(0, null).start();
                WhmcsSimulator simulator = WhmcsSimulator.start("127.0.0.1", 0, new SimulatorSettings());
                KafkaProducer<String, byte[]> producer = ReliabilitySuite.producer(kafka.bootstrapServers())) {
            pg = db;
            sim = simulator;
            kafka.createTopics(PARTITIONS, COMMANDS, "whmcs.projects.results", COMMANDS + ".dlq");
            pg.createRole("whmcs", "whmcs");
            pg.createDatabase("whmcs_projects", "whmcs");
            String api = "http://127.0.0.1:" + sim.port();
            Map<String, String> env = new TreeMap<>(ServiceWiring.apiEnv(FAMILY, api));
            env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
            env.put("WHMCS_DB_URL", pg.jdbcUrl("whmcs_projects"));
            env.put("WHMCS_DB_USER", "whmcs");
            env.put("WHMCS_DB_PASSWORD", "whmcs");
            env.put("WHMCS_INSTANCES_DEFAULT_RATE_LIMIT", Double.toString(RATE));
            env.put("WHMCS_INGRESS_API_KEYS_OPERATOR", HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(KEY.getBytes(StandardCharsets.UTF_8))));
            env.put("WHMCS_INGRESS_API_KEYS_OPERATOR_ADMIN", "true"); // the circuits under /admin
            env.put("QUARKUS_LOG_CONSOLE_JSON_ENABLED", "false");
            env.put("MALLOC_ARENA_MAX", "2");
            // a second instance of the same API whose password is wrong
            List<String> jvm = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx128m",
                    "-Dwhmcs.instances.wrong.base-url=" + api,
                    "-Dwhmcs.instances.wrong.credentials.username=" + WbTeamProSim.DEFAULT_USERNAME,
                    "-Dwhmcs.instances.wrong.credentials.password=not-" + WbTeamProSim.DEFAULT_PASSWORD);

            List<CompletableFuture<ServiceProcess>> starting = new ArrayList<>();
            for (int n = 1; n <= 3; n++) {
                starting.add(start(app, jvm, env, root, n));
            }
            for (CompletableFuture<ServiceProcess> s : starting) {
                replicas.add(s.join());
            }
            for (ServiceProcess r : replicas) {
                awaitAdmin(r, "\"replicas\":3", Duration.ofSeconds(20));
            }
            // a rebalance while the backlog runs would hand queued commands to a second replica (at least once)
            awaitGroup(kafka.bootstrapServers(), 3);

            // (a) a wrong password: one failed login for the fleet, every command FAILED
            Map<String, String> wrong = send(producer, "wrong", "a", 60);
            Map<String, String> outcomes = outcomes("a", 60, Duration.ofSeconds(60));
            assertEquals(1, failedLogins(), "one failed login for three replicas: " + outcomes);
            assertEquals(1, count(outcomes, "FAILED/401"), outcomes.toString());
            assertEquals(59, count(outcomes, "FAILED/CIRCUIT_OPEN"), outcomes.toString());
            assertEquals(wrong.keySet(), outcomes.keySet());
            for (ServiceProcess r : replicas) {
                awaitCircuitGauge(r, 1);
            }

            // (b) rate-limit R is the fleet's: a backlog worked off by three replicas
            long bStart = System.nanoTime();
            send(producer, null, "b", BACKLOG);
            Map<String, String> backlog = outcomes("b", BACKLOG, Duration.ofSeconds(90));
            assertEquals(BACKLOG, count(backlog, "SUCCEEDED/"), "every command succeeded: " + backlog);
            List<Long> starts = sim.context().calls().stream()
                    .filter(c -> c.startedNanos() >= bStart && !c.authFailed()).map(RecordedCall::startedNanos).sorted().toList();
            assertTrue(starts.size() >= BACKLOG, "a call per command (a rebalance may repeat some): " + starts.size());
            int maxIn10s = 0;
            for (int i = 0, j = 0; i < starts.size(); i++) {
                while (j < starts.size() && starts.get(j) < starts.get(i) + 10_000_000_000L) {
                    j++;
                }
                maxIn10s = Math.max(maxIn10s, j - i);
            }
            double seconds = (starts.get(starts.size() - 1) - starts.get(0)) / 1e9;
            double rate = (starts.size() - 1) / seconds;
            System.out.printf("FleetGuardIT: %d calls in %.1f s = %.2f/s against a fleet-wide limit of %.0f/s; "
                    + "at most %d in any 10 s window (limit %d + 5%%)%n", starts.size(), seconds, rate, RATE, maxIn10s,
                    (int) (RATE * 10));
            assertTrue(maxIn10s <= RATE * 10 * 1.05, "at most R calls/s +5% over every 10 s window: " + maxIn10s);
            assertTrue(rate >= RATE * 0.7, "the shares are used: " + rate + "/s");

            // (c) a fourth replica started while the circuit is open: ready, reports it, sends nothing
            replicas.add(start(app, jvm, env, root, 4).join());
            ServiceProcess fourth = replicas.get(3);
            assertTrue(get(fourth, "/admin/instances").contains("\"instance\":\"wrong\",\"circuit\":\"OPEN\""));
            awaitCircuitGauge(fourth, 1);
            assertEquals(200, status(fourth, "/q/health/ready"), "an open circuit leaves the replica ready");
            assertEquals(503, status(fourth, "/q/health"), "but /q/health shows it");
            assertTrue(get(fourth, "/q/health").contains("OPEN (401)"));
            awaitGroup(kafka.bootstrapServers(), 4);
            int callsBefore = sim.context().calls().size();
            int wave = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
            while (failedCommands(fourth) == 0 && System.nanoTime() < deadline) {
                send(producer, "wrong", "c" + (++wave), PARTITIONS); // one per partition, until the fourth has had some
                outcomes("c" + wave, PARTITIONS, Duration.ofSeconds(30)).values()
                        .forEach(o -> assertEquals("FAILED/CIRCUIT_OPEN", o));
            }
            assertTrue(failedCommands(fourth) > 0, "the fourth replica took commands");
            assertEquals(callsBefore, sim.context().calls().size(), "and sent none of them");
            assertEquals(1, failedLogins());

            // (d) one reset, on one replica: one probe for the whole fleet (the password is still wrong)
            assertTrue(post(replicas.get(1), "/admin/instances/wrong/circuit/reset").contains("\"circuit\":\"UNVERIFIED\""));
            for (ServiceProcess r : replicas) {
                awaitCircuitGauge(r, 0); // every replica has seen the reset
            }
            send(producer, "wrong", "d", 48);
            Map<String, String> afterReset = outcomes("d", 48, Duration.ofSeconds(60));
            assertEquals(2, failedLogins(), "one probe after the reset, fleet-wide: " + afterReset);
            assertEquals(1, count(afterReset, "FAILED/401"), afterReset.toString());
            assertEquals(47, count(afterReset, "FAILED/CIRCUIT_OPEN"), afterReset.toString());

            // SIGTERM: each replica deletes its member row as it leaves
            for (ServiceProcess r : replicas) {
                r.close();
            }
            try (Connection c = DriverManager.getConnection(pg.jdbcUrl("whmcs_projects"), "whmcs", "whmcs");
                    ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM fleet_member")) {
                rs.next();
                assertEquals(0, rs.getInt(1), "no member row left");
            }
        } finally {
            for (ServiceProcess r : replicas) {
                r.close();
            }
        }
    }

    private CompletableFuture<ServiceProcess> start(Path app, List<String> jvm, Map<String, String> env, Path root, int n) {
        Map<String, String> own = new TreeMap<>(env);
        own.put("WHMCS_REPLICA_NAME", "fleet-it-" + n);
        return CompletableFuture.supplyAsync(() -> {
            try {
                return ServiceProcess.start(app, jvm, own, ReliabilitySuite.freePort(),
                        root.resolve("target/reliability/fleet-guard-" + n + ".log"));
            } catch (Exception e) {
                throw new IllegalStateException("replica " + n + " did not start", e);
            }
        });
    }

    /** {@code n} getProject commands on as many keys, spread evenly over the partitions; id to key. */
    private Map<String, String> send(KafkaProducer<String, byte[]> producer, String instance, String tag, int n) {
        Map<String, String> sent = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            String id = "fleet-" + run + "-" + tag + "-" + i;
            String value = "{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"fleet-it\",\"type\":"
                    + "\"whmcs.projects.getProject\",\"data\":{\"params\":{\"project_id\":219}"
                    + (instance == null ? "" : ",\"instance\":\"" + instance + "\"") + "}}";
            producer.send(new ProducerRecord<>(COMMANDS, i % PARTITIONS, tag + "-" + i, value.getBytes(StandardCharsets.UTF_8)));
            sent.put(id, tag + "-" + i);
        }
        producer.flush();
        return sent;
    }

    /** The commands {@code fleet-<run>-<tag>-*} once {@code n} are terminal: id to {@code STATUS/error_code}. */
    private Map<String, String> outcomes(String tag, int n, Duration max) throws Exception {
        long deadline = System.nanoTime() + max.toNanos();
        Map<String, String> m = new TreeMap<>();
        while (System.nanoTime() < deadline) {
            m.clear();
            try (Connection c = DriverManager.getConnection(pg.jdbcUrl("whmcs_projects"), "whmcs", "whmcs");
                    PreparedStatement q = c.prepareStatement("SELECT command_id, status, error_code FROM command_log "
                            + "WHERE command_id LIKE ? AND status IN ('SUCCEEDED', 'FAILED', 'REJECTED', 'UNKNOWN')")) {
                q.setString(1, "fleet-" + run + "-" + tag + "-%");
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        m.put(rs.getString(1), rs.getString(2) + "/" + (rs.getString(3) == null ? "" : rs.getString(3)));
                    }
                }
            }
            if (m.size() >= n) {
                return m;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("only " + m.size() + " of " + n + " commands " + tag + " finished: " + m);
    }

    private static long count(Map<String, String> outcomes, String prefix) {
        return outcomes.values().stream().filter(o -> o.startsWith(prefix)).count();
    }

    private int failedLogins() {
        int failed = sim.api(WbTeamProSim.class).failedLogins("127.0.0.1");
        assertEquals(failed, sim.context().calls().stream().filter(RecordedCall::authFailed).count(),
                "every refused call was a failed login (no ban)");
        return failed;
    }

    private double failedCommands(ServiceProcess r) throws Exception {
        return metric(r, "whmcs_commands_total\\{[^}]*status=\"FAILED\"[^}]*\\}");
    }

    private void awaitCircuitGauge(ServiceProcess r, int value) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        double v = Double.NaN;
        while (System.nanoTime() < deadline) {
            v = metric(r, "whmcs_circuit_open\\{[^}]*instance=\"wrong\"[^}]*\\}");
            if (v == value) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("whmcs_circuit_open{instance=wrong} of replica on " + r.httpPort() + " is " + v + ", not " + value);
    }

    /** Sum of the samples of a metric whose name and labels match {@code series}. */
    private double metric(ServiceProcess r, String series) throws Exception {
        Matcher m = Pattern.compile("(?m)^" + series + " ([0-9.eE+-]+)$").matcher(get(r, "/q/metrics"));
        double sum = 0;
        while (m.find()) {
            sum += Double.parseDouble(m.group(1));
        }
        return sum;
    }

    /** Until the consumer group is stable with {@code members} members, each with partitions. */
    private static void awaitGroup(String bootstrap, int members) throws Exception {
        String group = "whmcs-projects-service";
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            ConsumerGroupDescription d = null;
            while (System.nanoTime() < deadline) {
                d = admin.describeConsumerGroups(List.of(group)).describedGroups().get(group).get();
                if (d.groupState() == GroupState.STABLE && d.members().size() == members
                        && d.members().stream().noneMatch(m -> m.assignment().topicPartitions().isEmpty())) {
                    return;
                }
                Thread.sleep(250);
            }
            throw new AssertionError("consumer group not stable with " + members + " members: " + d);
        }
    }

    private void awaitAdmin(ServiceProcess r, String expected, Duration max) throws Exception {
        long deadline = System.nanoTime() + max.toNanos();
        String body = "";
        while (System.nanoTime() < deadline) {
            body = get(r, "/admin/instances");
            if (body.contains(expected)) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("replica on " + r.httpPort() + ": no " + expected + " in " + body);
    }

    private HttpResponse<String> request(ServiceProcess r, String path, boolean post) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + r.httpPort() + path))
                .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + KEY);
        return http.send(post ? b.POST(HttpRequest.BodyPublishers.noBody()).build() : b.GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private String get(ServiceProcess r, String path) throws Exception {
        return request(r, path, false).body();
    }

    private int status(ServiceProcess r, String path) throws Exception {
        return request(r, path, false).statusCode();
    }

    private String post(ServiceProcess r, String path) throws Exception {
        HttpResponse<String> response = request(r, path, true);
        assertEquals(200, response.statusCode(), response.body());
        return response.body();
    }
}
