package io.whmcsbridge.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The PromQL the deployment ships: the Grafana dashboard's panel queries and the Prometheus alert rules, read from
 * their files, with what each one needs of the services' /q/metrics (metric names, labels it groups by or matches)
 * and what its legend or annotations print. Read by {@code MonitoringTest} (static, and with promtool) and
 * {@code LocalStackIT} (against a running service).
 */
record PromQueries(String where, String expr, String printed) {
    static final Path DASHBOARD = Path.of("deploy/grafana/whmcs-event-bridge.json");
    static final Path ALERTS = Path.of("deploy/prometheus/alerts.yml");
    private static final Pattern METRIC = Pattern.compile("\\b((?:whmcs|kafka)_[a-z_]+)\\b");
    private static final Pattern BY = Pattern.compile("\\b(?:by|without) \\(([^)]*)\\)");
    private static final Pattern REPLACED = Pattern.compile("label_replace\\(.*?,\\s*\"(\\w+)\"\\s*,\\s*\"[^\"]*\"\\s*,\\s*\"\\w+\"\\s*,", Pattern.DOTALL);
    private static final Pattern SELECTOR = Pattern.compile("\\b((?:whmcs|kafka)_[a-z_]+)\\{([^}]*)}");
    private static final Pattern MATCHER = Pattern.compile("(\\w+)\\s*(=~|!~|!=|=)\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
    /** Prometheus's own series of each scrape target: 1 when the scrape answered. */
    private static final Pattern SCRAPE_UP = Pattern.compile("\\bup\\{");
    private static final Pattern PRINTED_LABEL = Pattern.compile("\\{\\{\\s*(?:\\$labels\\.)?(\\w+)\\s*}}");

    /** A label matcher of a selector: {@code metric{label op "value"}} (value unescaped as PromQL reads it). */
    record LabelMatcher(String metric, String label, String op, String value) {
    }

    static List<PromQueries> dashboard(Path root) throws IOException {
        List<PromQueries> all = new ArrayList<>();
        JsonNode d = DeploymentManifestsTest.YAML.readTree(root.resolve(DASHBOARD).toFile());
        for (JsonNode panel : d.path("panels")) {
            for (JsonNode t : panel.path("targets")) {
                all.add(new PromQueries("panel '" + panel.path("title").asText() + "'", t.path("expr").asText(),
                        t.path("legendFormat").asText()));
            }
        }
        return all;
    }

    static List<PromQueries> alerts(Path root) throws IOException {
        List<PromQueries> all = new ArrayList<>();
        JsonNode rules = DeploymentManifestsTest.YAML.readTree(root.resolve(ALERTS).toFile());
        for (JsonNode group : rules.path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                all.add(new PromQueries("alert " + rule.path("alert").asText(), rule.path("expr").asText(),
                        rule.path("annotations").toString()));
            }
        }
        return all;
    }

    /** The expression with its string literals emptied (regexes and replacements name no metrics or labels). */
    private String code() {
        return expr.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"");
    }

    private static Set<String> found(Pattern p, String text) {
        Set<String> m = new LinkedHashSet<>();
        Matcher x = p.matcher(text);
        while (x.find()) {
            m.add(x.group(1));
        }
        return m;
    }

    /** The services' metrics the query reads (what /q/metrics must have). */
    Set<String> metrics() {
        return found(METRIC, code());
    }

    /** Every series the query reads: the services' metrics, and {@code up}, which Prometheus writes per target. */
    Set<String> series() {
        Set<String> all = metrics();
        if (SCRAPE_UP.matcher(code()).find()) {
            all.add("up");
        }
        return all;
    }

    /** Labels made by label_replace: not in /q/metrics, but printable. */
    Set<String> madeLabels() {
        return found(REPLACED, expr);
    }

    /** Labels the query groups by (in any aggregation) that the metrics must carry. */
    Set<String> groupedBy() {
        Set<String> labels = new LinkedHashSet<>();
        Matcher by = BY.matcher(code());
        while (by.find()) {
            for (String l : by.group(1).split(",\\s*")) {
                if (!l.isBlank()) {
                    labels.add(l.trim());
                }
            }
        }
        labels.remove("le");
        labels.removeAll(madeLabels());
        return labels;
    }

    List<LabelMatcher> matchers() {
        List<LabelMatcher> all = new ArrayList<>();
        Matcher s = SELECTOR.matcher(expr);
        while (s.find()) {
            Matcher m = MATCHER.matcher(s.group(2));
            while (m.find()) {
                all.add(new LabelMatcher(s.group(1), m.group(1), m.group(2), m.group(3).replace("\\\\", "\\")));
            }
        }
        return all;
    }

    /** Labels the legend or the alert's annotations print ({{family}}, {{ $labels.family }}). */
    Set<String> printedLabels() {
        return found(PRINTED_LABEL, printed);
    }
}
