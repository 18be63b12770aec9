package io.whmcsbridge.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.whmcsbridge.model.Json;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** The benchmark's printed tables: per scenario, the CPU and database split, and the bridge beside the reference. */
final class ReportTables {
    /** Figures compared between the bridge and the reference: label and path in a scenario's row. */
    private static final String[][] COMPARED = {
            {"throughputPerSec", "throughputPerSec"}, {"serviceCpuMsPerCommand", "cpuMsPerCommand/service"},
            {"wholePathCpuMsPerCommand", "cpuMsPerCommand/machine"}, {"commitsPerCommand", "db/commitsPerCommand"},
            {"rowWritesPerCommand", "db/rowWritesPerCommand"}, {"walBytesPerCommand", "db/walBytesPerCommand"},
            {"overheadP50Ms", "overheadMs/p50"}, {"overheadP99Ms", "overheadMs/p99"}, {"rssMb", "serviceRssMb"}};

    private ReportTables() {
    }

    static String line(ObjectNode r) {
        return String.format(Locale.ROOT, "%-10s %-9s %6s/s  bound %5s  ratio %5s  p50 %7s  p99 %7s  overhead p50 %6s p99 %6s  cpu/cmd %6s ms  inflight %5s  order-violations %s",
                r.path("name").asText(), r.path("target").asText("baseline"), r.path("throughputPerSec").asText(),
                r.path("boundPerSec").asText("-"),
                r.path("ratioToBound").asText("-"), r.path("latencyMs").path("p50").asText("-"),
                r.path("latencyMs").path("p99").asText("-"), r.path("overheadMs").path("p50").asText("-"),
                r.path("overheadMs").path("p99").asText("-"), r.path("serviceCpuMsPerCommand").asText("-"),
                r.path("meanCallsInFlight").asText("-"), r.path("orderViolations").asText("-"),
                r.path("sameKeyGapMs").path("p50").asText("-"));
    }

    static void printTable(ObjectNode report) {
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
        System.out.println("| scenario | CPU ms/cmd: service | broker+simulator+load | PostgreSQL+other | machine | machine ceiling/s | commits/cmd | row writes/cmd | WAL bytes/cmd | to claim p50/p99 ms | claim to call | answer to record | record to result |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        for (JsonNode r : report.path("scenarios")) {
            if (!r.has("cpuMsPerCommand")) {
                continue;
            }
            JsonNode c = r.path("cpuMsPerCommand");
            JsonNode st = r.path("stagesMs");
            JsonNode db = r.path("db");
            System.out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n",
                    r.path("name").asText(), c.path("service").asText(), c.path("brokerSimulatorAndLoad").asText(),
                    c.path("postgresAndOther").asText(), c.path("machine").asText(),
                    c.path("machineCeilingPerSec").asText(), db.path("commitsPerCommand").asText("-"),
                    db.path("rowWritesPerCommand").asText("-"), db.path("walBytesPerCommand").asText("-"),
                    p50p99(st.path("toClaim")), p50p99(st.path("claimToCall")),
                    p50p99(st.path("answerToRecord")), p50p99(st.path("recordToResult")));
        }
    }

    private static String p50p99(JsonNode n) {
        return n.path("p50").asText("-") + "/" + n.path("p99").asText("-");
    }

    /**
     * Prints each twinned scenario for the bridge, the reference and their ratio (bridge / reference), and returns
     * the ratios for the JSON report. Whole path is the machine's busy CPU per command (service, this JVM, PostgreSQL
     * and the kernel).
     */
    static ArrayNode sideBySide(ObjectNode report) {
        ArrayNode ratios = Json.MAPPER.createArrayNode();
        JsonNode ref = report.path("reference");
        System.out.printf(Locale.ROOT, "%nThe bridge beside the reference pipeline (ratio = bridge / reference): bridge "
                        + "ready %s ms, peak RSS %s MB; reference ready %s ms, peak RSS %s MB%n",
                report.path("serviceReadyMs").asText(), report.path("servicePeakRssMb").asText(),
                ref.path("readyMs").asText(), ref.path("peakRssMb").asText());
        System.out.println("| scenario | side | completed | throughput/s | CPU ms/cmd: service | harness JVM | rest of machine | whole path | commits/cmd | row writes/cmd | WAL bytes/cmd | overhead p50/p99 ms | order violations | RSS MB |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        for (JsonNode r : ref.path("scenarios")) {
            JsonNode b = null;
            for (JsonNode candidate : report.path("scenarios")) {
                if (candidate.path("name").asText().equals(r.path("name").asText())) {
                    b = candidate;
                }
            }
            if (b == null) {
                continue;
            }
            sideRow(b, "bridge");
            sideRow(r, "reference");
            ObjectNode ratio = ratios.addObject().put("scenario", r.path("name").asText());
            for (String[] f : COMPARED) {
                double den = at(r, f[1]).asDouble();
                ratio.put(f[0], den > 0 ? Benchmark.round(at(b, f[1]).asDouble() / den, 2) : -1);
            }
            System.out.printf(Locale.ROOT, "| %s | bridge/reference | | %s | %s | | | %s | %s | %s | %s | %s/%s | | %s |%n",
                    r.path("name").asText(), ratio.path("throughputPerSec").asText(),
                    ratio.path("serviceCpuMsPerCommand").asText(), ratio.path("wholePathCpuMsPerCommand").asText(),
                    ratio.path("commitsPerCommand").asText(), ratio.path("rowWritesPerCommand").asText(),
                    ratio.path("walBytesPerCommand").asText(), ratio.path("overheadP50Ms").asText(),
                    ratio.path("overheadP99Ms").asText(), ratio.path("rssMb").asText());
        }
        return ratios;
    }

    private static void sideRow(JsonNode r, String side) {
        JsonNode c = r.path("cpuMsPerCommand");
        JsonNode db = r.path("db");
        System.out.printf(Locale.ROOT, "| %s | %s | %s/%s | %s | %s | %s | %s | %s | %s | %s | %s | %s/%s | %s | %s |%n",
                r.path("name").asText(), side, r.path("completed").asText(), r.path("commands").asText(),
                r.path("throughputPerSec").asText(), c.path("service").asText(), c.path("brokerSimulatorAndLoad").asText(),
                c.path("postgresAndOther").asText(), c.path("machine").asText(), db.path("commitsPerCommand").asText(),
                db.path("rowWritesPerCommand").asText(), db.path("walBytesPerCommand").asText(),
                r.path("overheadMs").path("p50").asText(), r.path("overheadMs").path("p99").asText(),
                r.path("orderViolations").asText(), r.path("serviceRssMb").asText());
    }

    private static JsonNode at(JsonNode row, String path) {
        return row.at("/" + path);
    }

    static ObjectNode machine() {
        ObjectNode m = Json.MAPPER.createObjectNode();
        m.put("cpus", Runtime.getRuntime().availableProcessors());
        try {
            Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name")).findFirst()
                    .ifPresent(l -> m.put("cpu", l.substring(l.indexOf(':') + 1).trim()));
            Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal")).findFirst()
                    .ifPresent(l -> m.put("memoryGb", Benchmark.round(Long.parseLong(l.replaceAll("\\D", "")) / 1024.0 / 1024.0, 1)));
        } catch (Exception ignored) {
            // not Linux
        }
        m.put("java", System.getProperty("java.version"));
        return m;
    }
}
