package io.whmcsbridge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.whmcsbridge.model.Json;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The local stack as a user runs it, on free ports: embedded Kafka and PostgreSQL, the simulator, the packaged
 * abuse-service as its own process (projects-service "not built"); the CLI's send gets the SUCCEEDED result of an
 * abuse report and status finds it in the command log; stop leaves no process behind.
 */
class LocalStackIT {
    @BeforeAll
    static void quietBroker() {
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void oneAbuseReportFromSendToSucceededAndNothingLeftAfterStop(@TempDir Path tmp) throws Exception {
        Path repo = DeploymentManifestsTest.root();
        assumeTrue(Files.exists(repo.resolve("abuse-service/target/quarkus-app/quarkus-run.jar")),
                "abuse-service is not packaged (./mvnw package -DskipTests -pl abuse-service -am)");
        // a repository root where abuse-service is built and projects-service is not
        Path root = Files.createDirectories(tmp.resolve("repo"));
        Files.createSymbolicLink(root.resolve("abuse-service"), repo.resolve("abuse-service"));
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(tee(printed, System.out), true, StandardCharsets.UTF_8);
        LocalStack.Settings settings = new LocalStack.Settings(root, freePort(), freePort(), freePort(), Path.of("infra"),
                List.of("abuse", "projects"), Map.of("abuse", freePort(), "projects", freePort()));
        long servicePid;
        try (LocalStack stack = new LocalStack(settings, out).start()) {
            String startLog = printed.toString(StandardCharsets.UTF_8);
            assertTrue(startLog.contains("projects  skipped: not built (./mvnw -q package -DskipTests -pl projects-service -am"),
                    startLog);
            assertTrue(startLog.contains("abuse     ready in "), startLog);
            assertEquals(1, stack.services().size());
            servicePid = stack.services().get(0).process().pid();
            // the counters the alerts take increase() of exist at 0 before their first event, or that event would not count
            String atStart = get(stack.services().get(0).port(), "/q/metrics").body();
            for (String series : List.of("whmcs_commands_dlq_total{family=\"abuse\"} 0.0",
                    "whmcs_commands_total{action=\"create\",family=\"abuse\",status=\"UNKNOWN\"} 0.0",
                    "whmcs_outbox_set_aside_total{family=\"abuse\"} 0.0")) {
                assertTrue(atStart.lines().anyMatch(series::equals), series + " at start:\n" + atStart);
            }

            // ./deploy/bridge send abuse create service_id=1 category=Spam additional_info="first report"
            String id = UUID.randomUUID().toString();
            StringWriter result = new StringWriter();
            StringWriter err = new StringWriter();
            assertEquals(0, cli(result, err).execute("send", "abuse", "create", "service_id=1", "category=Spam",
                    "additional_info=first report", "--id", id, "--bootstrap-servers", stack.bootstrapServers()), err.toString());
            JsonNode data = Json.MAPPER.readTree(result.toString());
            assertEquals("SUCCEEDED", data.path("status").asText(), result.toString());
            assertEquals(id, data.path("commandId").asText());
            assertEquals("create", data.path("action").asText());
            assertTrue(data.path("response").path("report_id").isIntegralNumber(), result.toString());
            // the relay marks a row published a moment after Kafka acknowledged it
            long marked = System.nanoTime() + java.time.Duration.ofSeconds(5).toNanos();
            while (get(stack.services().get(0).port(), "/q/metrics").body().lines()
                    .noneMatch(l -> l.matches("whmcs_outbox_published_total\\{family=\"abuse\"} [1-9][0-9]*\\.0"))) {
                assertTrue(System.nanoTime() < marked, "the result's outbox row counts as published");
                Thread.sleep(100);
            }

            // ./deploy/bridge status <id> --jdbc-url ...
            StringWriter status = new StringWriter();
            assertEquals(0, cli(status, err).execute("status", id, "--jdbc-url", stack.jdbcUrl("abuse")), err.toString());
            assertTrue(status.toString().startsWith(id + " whmcs.abuse.create status=SUCCEEDED error=null attempts=1"),
                    status.toString());

            // the REST ingress with the stack's key (deploy/README): it reads every command, also one sent to Kafka,
            // and may use /admin
            int ingress = stack.services().get(0).port();
            var view = get(ingress, "/commands/" + id, LocalStack.LOCAL_KEY);
            assertEquals(200, view.statusCode(), view.body());
            assertTrue(view.body().contains("\"status\":\"SUCCEEDED\""), view.body());
            assertEquals(200, get(ingress, "/admin/instances", LocalStack.LOCAL_KEY).statusCode());
            assertEquals(401, get(ingress, "/admin/instances", "not-the-key").statusCode());

            // a record that is no command at all goes to the DLQ (and the dashboard's DLQ counter appears)
            try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<String, String>(Map.of(
                    "bootstrap.servers", stack.bootstrapServers()), new org.apache.kafka.common.serialization.StringSerializer(),
                    new org.apache.kafka.common.serialization.StringSerializer())) {
                producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>("whmcs.abuse.commands", "k", "not json")).get();
            }
            int port = stack.services().get(0).port();
            long deadline = System.nanoTime() + java.time.Duration.ofSeconds(20).toNanos();
            while (!get(port, "/q/metrics").body().contains("whmcs_commands_dlq_total{") && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            deploymentChecksHoldAgainstTheRunningService(port, settings.simulatorPort());

            // ./deploy/bridge dlq abuse lists it with its reason; a re-drive skips it (not a command)
            StringWriter dlq = new StringWriter();
            assertEquals(0, cli(dlq, err).execute("dlq", "abuse", "--url", "http://127.0.0.1:" + port), err.toString());
            assertTrue(dlq.toString().contains("whmcs.abuse.commands.dlq: "), dlq.toString());
            assertTrue(dlq.toString().contains("unreadable  (not a command, 8 bytes)  re-drive: SKIP"), dlq.toString());
            StringWriter redrive = new StringWriter();
            assertEquals(0, cli(redrive, err).execute("redrive", "abuse", "--reason", "unreadable", "--dry-run", "--url",
                    "http://127.0.0.1:" + port), err.toString());
            assertTrue(redrive.toString().contains("(not a command)  SKIPPED: not a command"), redrive.toString());
            assertTrue(redrive.toString().contains("dry run, nothing done: 0 of "), redrive.toString());
            StringWriter refused = new StringWriter();
            assertEquals(1, cli(new StringWriter(), refused).execute("dlq", "abuse", "--url", "http://127.0.0.1:" + port,
                    "--api-key", "not-the-key"));
            assertTrue(refused.toString().startsWith("abuse-service answered 401: "), refused.toString());
        }
        String stopLog = printed.toString(StandardCharsets.UTF_8);
        assertTrue(stopLog.contains("stopping 1 service(s)") && stopLog.contains("stopped in "), stopLog);
        assertFalse(ProcessHandle.of(servicePid).map(ProcessHandle::isAlive).orElse(false), "the service has exited");
        List<String> left = ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains(root.toString())).orElse(false))
                .map(p -> p.pid() + " " + p.info().commandLine().orElse(""))
                .toList();
        assertEquals(List.of(), left, "no service and no PostgreSQL of this stack is left running");
        Files.delete(root.resolve("abuse-service")); // the link, not the module
    }

    /**
     * What docker-compose.yml and deploy/k8s assume of a service, tried on the real one: compose's health check
     * command (run with bash, as in the image), the Kubernetes probe paths, and every metric and label the Grafana
     * dashboard and the Prometheus alert rules query (after one command, so that the counters exist).
     */
    void deploymentChecksHoldAgainstTheRunningService(int port, int simulatorPort) throws Exception {
        Path repo = DeploymentManifestsTest.root();
        JsonNode compose = DeploymentManifestsTest.YAML.readTree(repo.resolve("docker-compose.yml").toFile()).path("services");
        String health = compose.path("abuse-service").path("healthcheck").path("test").get(3).asText();
        assertEquals(0, bash(health.replace("/127.0.0.1/8081", "/127.0.0.1/" + port)), "compose health check: " + health);
        assertTrue(bash(health.replace("/127.0.0.1/8081", "/127.0.0.1/" + freePort())) != 0, "fails where nothing listens");
        String simHealth = compose.path("simulator").path("healthcheck").path("test").get(3).asText();
        assertEquals(0, bash(simHealth.replace("/127.0.0.1/8089", "/127.0.0.1/" + simulatorPort)), simHealth);

        String k8s = Files.readString(repo.resolve("deploy/k8s/base/abuse-service.yaml"));
        java.util.regex.Matcher probe = java.util.regex.Pattern.compile("path: (/q/health/\\w+)").matcher(k8s);
        int probes = 0;
        while (probe.find()) {
            assertEquals(200, get(port, probe.group(1)).statusCode(), probe.group(1));
            probes++;
        }
        assertEquals(3, probes);

        // per-partition consumer metrics appear when Micrometer's Kafka binder first refreshes its meters (60 s after
        // the consumer started); the lag panel and alert need them
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(90).toNanos();
        String metrics = get(port, "/q/metrics").body();
        while (!metrics.contains("kafka_consumer_fetch_manager_records_lag{") && System.nanoTime() < deadline) {
            Thread.sleep(1000);
            metrics = get(port, "/q/metrics").body();
        }
        List<PromQueries> queries = new java.util.ArrayList<>(PromQueries.dashboard(repo));
        queries.addAll(PromQueries.alerts(repo));
        assertTrue(queries.size() >= 10, "queries found: " + queries.size());
        for (PromQueries q : queries) {
            for (String metric : q.metrics()) {
                List<String> series = metrics.lines().filter(l -> l.startsWith(metric + "{")).toList();
                assertFalse(series.isEmpty(), q.where() + ": " + metric + " is in /q/metrics (" + q.expr() + ")");
                for (String label : q.groupedBy()) {
                    assertTrue(series.stream().anyMatch(l -> l.contains(label + "=\"")), q.where() + ": " + metric + " has the label " + label);
                }
            }
            // a regex matcher must match what the service really writes (e.g. the topic tag's underscores); an
            // equality matcher names an outcome (status="UNKNOWN") that need not have happened yet: its label must exist
            for (PromQueries.LabelMatcher m : q.matchers()) {
                java.util.regex.Pattern value = java.util.regex.Pattern.compile(
                        m.op().equals("=~") ? m.label() + "=\"(?:" + m.value() + ")\"" : m.label() + "=\"");
                assertTrue(metrics.lines().filter(l -> l.startsWith(m.metric() + "{")).anyMatch(l -> value.matcher(l).find()),
                        q.where() + ": a series " + m.metric() + "{" + m.label() + m.op() + "\"" + m.value() + "\"}");
            }
        }
    }

    static int bash(String script) throws Exception {
        Process p = new ProcessBuilder("bash", "-c", script).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor();
    }

    /**
     * HTTP/1.1, as Prometheus and the probes speak it: the JDK client's default h2c upgrade against the service once
     * failed mid-answer on /q/metrics ("Frame type(55) length(2260256) exceeds MAX_FRAME_SIZE").
     */
    static final java.net.http.HttpClient HTTP = java.net.http.HttpClient.newBuilder()
            .version(java.net.http.HttpClient.Version.HTTP_1_1).build();

    static java.net.http.HttpResponse<String> get(int port, String path) throws Exception {
        return HTTP.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + port + path)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    static java.net.http.HttpResponse<String> get(int port, String path, String key) throws Exception {
        return HTTP.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + port + path)).header("Authorization", "Bearer " + key).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    static CommandLine cli(StringWriter out, StringWriter err) {
        CommandLine cli = BridgeCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli;
    }

    static OutputStream tee(OutputStream a, OutputStream b) {
        return new OutputStream() {
            @Override
            public void write(int x) throws java.io.IOException {
                a.write(x);
                b.write(x);
            }

            @Override
            public void write(byte[] buf, int off, int len) throws java.io.IOException {
                a.write(buf, off, len);
                b.write(buf, off, len);
            }
        };
    }
}
