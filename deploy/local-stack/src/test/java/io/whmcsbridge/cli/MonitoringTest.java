package io.whmcsbridge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The Grafana dashboard and the Prometheus alert rules are true at any number of replicas: a value every replica
 * reports for the whole fleet (the outbox table's backlog, a fleet-wide circuit) is taken with max, never summed;
 * consumer lag is per consumer group and counts each partition once. Every alert says what to do (a runbook in
 * deploy/README.md) and shows on the dashboard; the overlays' PrometheusRule is alerts.yml. With promtool installed
 * (Debian: {@code apt-get install prometheus}) the rules' own tests run, and the dashboard's fleet panels are evaluated
 * over three replicas' series; without it those two tests are skipped with a message.
 */
class MonitoringTest {
    static final Set<String> FLEET_WIDE = Set.of("whmcs_outbox_backlog", "whmcs_circuit_open");
    final Path root = DeploymentManifestsTest.root();

    List<PromQueries> all() throws IOException {
        List<PromQueries> q = new ArrayList<>(PromQueries.dashboard(root));
        q.addAll(PromQueries.alerts(root));
        return q;
    }

    @Test
    void legendsAndAnnotationsPrintOnlyLabelsTheQueryKeeps() throws IOException {
        for (PromQueries q : all()) {
            Set<String> kept = new HashSet<>(q.groupedBy());
            kept.addAll(q.madeLabels());
            for (String label : q.printedLabels()) {
                assertTrue(kept.contains(label), q.where() + " prints {{" + label + "}}, which " + q.expr() + " does not keep");
            }
        }
    }

    @Test
    void fleetWideGaugesAreTakenWithMaxNeverSummedOverReplicas() throws IOException {
        int found = 0;
        for (PromQueries q : all()) {
            for (String metric : FLEET_WIDE) {
                long uses = Pattern.compile("\\b" + metric + "\\b").matcher(q.expr()).results().count();
                Matcher agg = Pattern.compile("(\\w+)(?:\\s+(?:by|without)\\s*\\([^)]*\\))?\\s*\\(\\s*" + metric + "\\b").matcher(q.expr());
                long withMax = agg.results().filter(m -> m.group(1).equals("max")).count();
                assertEquals(uses, withMax, q.where() + ": every replica reports " + metric + " for the whole fleet, so take "
                        + "the max over replicas, never the sum: " + q.expr());
                found += (int) uses;
            }
        }
        assertTrue(found >= 3, "the backlog and circuit panels and the circuit alert: " + found);
    }

    @Test
    void consumerLagIsPerConsumerGroupAndCountsEachPartitionOnce() throws IOException {
        Properties defaults = new Properties();
        defaults.load(new java.io.StringReader(Files.readString(root.resolve(DeploymentManifestsTest.RUNTIME_DEFAULTS))));
        String groupOf = defaults.getProperty("mp.messaging.incoming.commands.group.id"); // whmcs-${whmcs.family}-service
        String topicOf = defaults.getProperty("mp.messaging.incoming.commands.topic"); // whmcs.${whmcs.family}.commands
        int found = 0;
        for (PromQueries q : all()) {
            if (!q.expr().contains("records_lag")) {
                continue;
            }
            found++;
            assertTrue(q.expr().contains("max by (topic, partition) (kafka_consumer_fetch_manager_records_lag{"),
                    q.where() + ": per-partition lag, each partition once (a moved partition's old owner still reports it)");
            assertTrue(q.expr().contains("sum by (topic) (max by (topic, partition)"), q.where() + ": a group's lag is the sum over its partitions");
            PromQueries.LabelMatcher topic = q.matchers().stream().filter(m -> m.label().equals("topic")).findFirst().orElseThrow();
            Matcher replace = Pattern.compile("\"consumer_group\", \"([^\"]*)\", \"topic\", \"([^\"]*)\"").matcher(q.expr());
            assertTrue(replace.find(), q.where() + " names the consumer group: " + q.expr());
            for (String family : DeploymentManifestsTest.FAMILIES) {
                // the Kafka client writes the topic tag with dots as underscores
                String tag = topicOf.replace("${whmcs.family}", family).replace('.', '_');
                assertTrue(tag.matches(topic.value()), q.where() + " reads " + tag);
                assertFalse(tag.replace("commands", "results").matches(topic.value()), q.where() + " reads only commands topics");
                // label_replace anchors its regex; $1 means the same in a Java replacement
                String group = tag.replaceAll("^(?:" + replace.group(2) + ")$", replace.group(1));
                assertEquals(groupOf.replace("${whmcs.family}", family), group, q.where() + ": the consumer group of " + tag);
            }
        }
        assertEquals(3, found, "the dashboard's lag panel and the two lag alerts");
    }

    @Test
    void alertsUseMetricsTheServicesPublish() throws IOException {
        String metrics = Files.readString(root.resolve("command-runtime/src/main/java/io/whmcsbridge/runtime/ops/BridgeMetrics.java"));
        List<PromQueries> alerts = PromQueries.alerts(root);
        assertTrue(alerts.stream().anyMatch(a -> a.where().equals("alert WhmcsCircuitOpen")
                && a.expr().equals("max by (family, instance) (whmcs_circuit_open) == 1")), "WhmcsCircuitOpen");
        for (PromQueries a : alerts) {
            for (String m : a.metrics()) {
                assertTrue(m.startsWith("kafka_") || metrics.contains("\"" + m + "\""), a.where() + ": " + m + " is a metric the services publish");
            }
        }
    }

    @Test
    void everyAlertTellsOnCallWhatToDoInItsRunbook() throws IOException {
        String readme = Files.readString(root.resolve("deploy/README.md"));
        JsonNode rules = DeploymentManifestsTest.YAML.readTree(root.resolve(PromQueries.ALERTS).toFile());
        int alerts = 0;
        for (JsonNode rule : rules.path("groups").get(0).path("rules")) {
            String name = rule.path("alert").asText();
            JsonNode a = rule.path("annotations");
            assertFalse(a.path("summary").asText().isBlank() || a.path("description").asText().isBlank(), name + ": summary and description");
            // GitHub's anchor of the heading "#### WhmcsCircuitOpen" is #whmcscircuitopen
            assertEquals("deploy/README.md#" + name.toLowerCase(), a.path("runbook_url").asText(), name + " links its runbook");
            assertTrue(Pattern.compile("(?m)^#### " + name + "$").matcher(readme).find(), "deploy/README.md has the runbook of " + name);
            assertFalse(rule.path("labels").path("severity").asText().isEmpty(), name + ": a severity");
            alerts++;
        }
        assertEquals(9, alerts, "circuit, outbox backlog, results not published and set aside, UNKNOWN, DLQ, lag growing and high, service down");
    }

    @Test
    void everySeriesAnAlertWatchesIsOnTheDashboard() throws IOException {
        Set<String> panels = new HashSet<>();
        PromQueries.dashboard(root).forEach(q -> panels.addAll(q.series()));
        for (PromQueries alert : PromQueries.alerts(root)) {
            assertFalse(alert.series().isEmpty(), alert.where());
            for (String series : alert.series()) {
                assertTrue(panels.contains(series), alert.where() + " watches " + series + ", which no dashboard panel shows");
            }
        }
    }

    @Test
    void serviceDownNamesEveryServiceByTheJobTheServiceMonitorGivesIt() throws IOException {
        PromQueries down = PromQueries.alerts(root).stream().filter(a -> a.where().equals("alert WhmcsServiceDown")).findFirst().orElseThrow();
        Matcher jobs = Pattern.compile("\\bup\\{job=~\"([^\"]+)\"}").matcher(down.expr());
        assertTrue(jobs.find(), down.expr());
        String job = jobs.group(1);
        List<JsonNode> monitoring = Kustomize.render(root.resolve("deploy/k8s/monitoring"));
        JsonNode monitor = DeploymentManifestsTest.find(monitoring, "ServiceMonitor", "whmcs-event-bridge").path("spec");
        // without jobLabel the Prometheus Operator names the job after the Service
        assertFalse(monitor.has("jobLabel"), "the job is the Service's name");
        JsonNode endpoint = monitor.path("endpoints").get(0);
        assertTrue(endpoint.path("honorLabels").asBoolean(), "the circuit's instance label survives the scrape");
        assertEquals("/q/metrics", endpoint.path("path").asText());
        List<JsonNode> base = Kustomize.render(root.resolve("deploy/k8s/base"));
        for (String family : DeploymentManifestsTest.FAMILIES) {
            String service = family + "-service";
            assertTrue(service.matches(job), "WhmcsServiceDown watches the job " + service);
            JsonNode svc = DeploymentManifestsTest.find(base, "Service", service);
            for (var it = monitor.path("selector").path("matchLabels").fields(); it.hasNext(); ) {
                var label = it.next();
                assertEquals(label.getValue().asText(), svc.path("metadata").path("labels").path(label.getKey()).asText(), service + " is scraped");
            }
            assertEquals(endpoint.path("port").asText(), svc.path("spec").path("ports").get(0).path("name").asText(), service + ": the scraped port");
        }
        assertFalse("node-exporter".matches(job), "other jobs are not the bridge's");
    }

    @Test
    void theOverlaysPrometheusRuleIsGeneratedFromAlertsYml() throws Exception {
        Path script = root.resolve("deploy/k8s/monitoring/prometheusrule.sh");
        Process p = new ProcessBuilder("bash", script.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String generated = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "prometheusrule.sh");
        Path committed = root.resolve("deploy/k8s/monitoring/prometheusrule.yaml");
        assertEquals(generated, Files.readString(committed), "deploy/k8s/monitoring/prometheusrule.yaml is not what alerts.yml gives: "
                + "run deploy/k8s/monitoring/prometheusrule.sh > deploy/k8s/monitoring/prometheusrule.yaml");
        JsonNode rules = DeploymentManifestsTest.YAML.readTree(root.resolve(PromQueries.ALERTS).toFile()).path("groups");
        for (String overlay : List.of("hpa", "keda")) {
            JsonNode rule = DeploymentManifestsTest.find(Kustomize.render(root.resolve("deploy/k8s/overlays/" + overlay)),
                    "PrometheusRule", "whmcs-event-bridge");
            assertEquals(rules, rule.path("spec").path("groups"), overlay + ": the same rules as alerts.yml");
        }
    }

    @Test
    void alertRulesPassTheirPromtoolTests() throws Exception {
        assumePromtool();
        Path dir = root.resolve(PromQueries.ALERTS).getParent();
        assertPromtool(dir, "check", "rules", "alerts.yml");
        assertPromtool(dir, "test", "rules", "alerts.test.yml");
    }

    /**
     * Three billing replicas: each reports the outbox table's 1,500 rows and the fleet-wide circuit; the commands
     * topic's 12 partitions are split between two of them, and partition 3, just moved, is reported by both.
     */
    @Test
    void theDashboardsFleetPanelsCountEachThingOnceAtThreeReplicas(@TempDir Path tmp) throws Exception {
        assumePromtool();
        StringBuilder series = new StringBuilder();
        for (String pod : List.of("a", "b", "c")) {
            series.append(line("whmcs_outbox_backlog{family=\"billing\", pod=\"" + pod + "\"}", "1500x5"));
            series.append(line("whmcs_circuit_open{family=\"billing\", instance=\"default\", pod=\"" + pod + "\"}", "1x5"));
        }
        for (int p = 0; p < 12; p++) {
            for (String pod : p < 4 ? (p == 3 ? List.of("a", "b") : List.of("a")) : List.of("b")) {
                series.append(line("kafka_consumer_fetch_manager_records_lag{client_id=\"kafka-consumer-commands\", "
                        + "topic=\"whmcs_billing_commands\", partition=\"" + p + "\", pod=\"" + pod + "\"}", "250x5"));
            }
        }
        series.append(line("kafka_consumer_fetch_manager_records_lag{topic=\"whmcs_billing_results\", partition=\"0\", pod=\"a\"}", "999x5"));
        StringBuilder exprs = new StringBuilder();
        int panels = 0;
        for (PromQueries q : PromQueries.dashboard(root)) {
            String expected = q.metrics().contains("whmcs_outbox_backlog") ? "{family=\"billing\"}: 1500"
                    : q.metrics().contains("whmcs_circuit_open") ? "{family=\"billing\", instance=\"default\"}: 1"
                    : q.metrics().contains("kafka_consumer_fetch_manager_records_lag")
                            ? "{topic=\"whmcs_billing_commands\", consumer_group=\"whmcs-billing-service\"}: 3000" : null;
            if (expected != null) {
                String[] e = expected.split(": ");
                exprs.append("      - expr: '").append(q.expr().replace("'", "''")).append("'\n        eval_time: 2m\n")
                        .append("        exp_samples:\n          - labels: '").append(e[0].replace("'", "''"))
                        .append("'\n            value: ").append(e[1]).append('\n');
                panels++;
            }
        }
        assertEquals(3, panels, "the backlog, circuit and lag panels");
        Path test = tmp.resolve("dashboard.test.yml");
        Files.writeString(test, "rule_files: []\nevaluation_interval: 1m\ntests:\n  - interval: 1m\n    input_series:\n"
                + series + "    promql_expr_test:\n" + exprs, StandardCharsets.UTF_8);
        assertPromtool(tmp, "test", "rules", test.getFileName().toString());
    }

    private static String line(String series, String values) {
        return "      - series: '" + series + "'\n        values: '" + values + "'\n";
    }

    static boolean promtool() {
        try {
            return new ProcessBuilder("promtool", "--version").redirectErrorStream(true).start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static void assumePromtool() {
        assumeTrue(promtool(), "promtool is not installed (Debian: apt-get install prometheus): skipping the PromQL evaluation");
    }

    private static void assertPromtool(Path dir, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("promtool"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), String.join(" ", cmd) + " in " + dir + ":\n" + out);
    }
}
