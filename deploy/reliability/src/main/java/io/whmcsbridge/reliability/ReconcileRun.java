package io.whmcsbridge.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.whmcsbridge.infra.ServiceProcess;
import io.whmcsbridge.model.Json;
import io.whmcsbridge.simulator.core.Fault;
import io.whmcsbridge.simulator.core.RecordedCall;
import io.whmcsbridge.simulator.core.SideEffect;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Issue 17's proof: payments whose answers are lost, read back. billing-service (its own process) takes
 * {@code AddInvoicePayment} commands while the simulator loses the answer of some requests in the three ways of the
 * issue: the connection dropped before the request reached the API, dropped after the API applied it, or never
 * answered after it applied it (the 2 s read timeout fires). Every command whose first call met one of them would
 * end UNKNOWN without a read-back, and so would the calls a SIGKILL halfway through cuts. Per command id: its
 * status, whether it was read back and what that found (the
 * result's {@code reconciliation}), the payments the simulator made for it (never two) and the calls sent.
 * {@code serviceRoot} is the repository whose billing-service build runs, so the same run measures an older build.
 */
final class ReconcileRun {
    static final Set<String> LOST_ANSWER = Set.of("DROP", "DROP_AFTER_EFFECT", "HANG_AFTER_EFFECT");

    /** How much to do. */
    record Plan(int commands, int keys, double rate, double dropBefore, double dropAfter, double hangAfter) {
        static Plan standard() {
            return new Plan(400, 40, 20, 0.04, 0.04, 0.04);
        }
    }

    private final Plan plan;
    private final Path serviceRoot;
    private final Timeline timeline = new Timeline();
    private Set<String> killedInFlight = Set.of();

    ReconcileRun(Plan plan, Path serviceRoot) {
        this.plan = plan;
        this.serviceRoot = serviceRoot;
    }

    ObjectNode run() throws Exception {
        Workload work = Workload.payments();
        String run = UUID.randomUUID().toString().substring(0, 6);
        String prefix = "rec-" + run + "-";
        try (Rig rig = new Rig(work, serviceRoot, 4)) {
            rig.sim.context().setFault("billing", new Fault(10, plan.dropBefore(), 0, 0, List.of(503), 0,
                    plan.dropAfter(), plan.hangAfter()));
            rig.env.put("WHMCS_INSTANCES_DEFAULT_READ_TIMEOUT", "2s");
            rig.env.put("WHMCS_INSTANCES_DEFAULT_RECONCILE_SETTLE_TIME", "6s");
            rig.env.put("WHMCS_PROCESSING_RECONCILE_POLL_INTERVAL", "500ms");
            rig.env.put("WHMCS_OUTBOX_POLL_INTERVAL", "1s");
            rig.env.put("WHMCS_PROCESSING_LEASE", "6s");
            Results results = new Results(rig.kafka.bootstrapServers(), work.results(), timeline::log);
            int port = ReliabilitySuite.freePort();
            ServiceProcess service = rig.start(port, "reconcile-1", Map.of());
            try {
                timeline.log("service ready in " + service.readyMillis() + " ms");
                String[] ids = new String[plan.commands()];
                Thread producer = new Thread(() -> ReliabilitySuite.produce(rig.kafka.bootstrapServers(), work, prefix,
                        plan.keys(), plan.rate(), ids, i -> work.write()), "producer");
                producer.start();
                // one SIGKILL halfway: the calls it cuts are the crash's lost answers, read back after the restart
                Thread.sleep((long) (plan.commands() / plan.rate() * 500));
                service.kill();
                killedInFlight = rig.inFlight(prefix, null);
                timeline.log("SIGKILL the service with " + killedInFlight.size() + " commands IN_FLIGHT");
                service = rig.start(port, "reconcile-2", Map.of());
                timeline.log("service back in " + service.readyMillis() + " ms");
                producer.join();
                timeline.log("workload produced; waiting for every result");
                results.await(List.of(ids), Duration.ofSeconds(180));
                Thread.sleep(2000);
                return check(rig, results, prefix, ids);
            } finally {
                service.close();
                results.close();
            }
        }
    }

    private ObjectNode check(Rig rig, Results results, String prefix, String[] ids) throws Exception {
        Workload work = Workload.payments();
        Map<String, Rig.Row> rows = rig.rows(prefix);
        Map<String, JsonNode> reconciliation = reconciliations(rig, prefix);
        Map<String, List<RecordedCall>> calls = Checks.callsById(work, rig.sim.context().calls(), prefix);
        Map<String, List<SideEffect>> effects = Checks.effects(work, "core-payment", rig.sim.context().sideEffects(), prefix);
        List<String> lost = Checks.lost(List.of(ids), rows, results);
        long duplicates = effects.values().stream().filter(e -> e.size() > 1).count();

        Map<String, Long> byFault = new TreeMap<>();
        Map<String, Long> outcomes = new TreeMap<>();
        int affected = 0;
        int resolved = 0;
        int sentAgainNotOnce = 0;
        int unknownWithoutReason = 0;
        int unknown = 0;
        for (String id : ids) {
            List<RecordedCall> sent = calls.getOrDefault(id, List.of()).stream()
                    .filter(c -> "core:AddInvoicePayment".equals(c.action())).toList();
            Rig.Row row = rows.get(id);
            String status = row == null ? "none" : row.status();
            if ("UNKNOWN".equals(status)) {
                unknown++;
            }
            boolean killed = killedInFlight.contains(id);
            if (!killed && (sent.isEmpty() || !LOST_ANSWER.contains(sent.get(0).outcome()))) {
                continue;
            }
            affected++;
            byFault.merge(killed ? "SIGKILL" : sent.get(0).outcome(), 1L, Long::sum);
            JsonNode r = reconciliation.get(id);
            String state = r == null ? "none" : r.path("state").asText();
            outcomes.merge(status + "/" + state, 1L, Long::sum);
            int payments = effects.getOrDefault(id, List.of()).size();
            boolean applied = "SUCCEEDED".equals(status) && "APPLIED".equals(state) && payments == 1;
            // a call cut by the kill may never have left: then the one send again is its only call. Its outcome is
            // the result: a payment, or (its answer lost again, no effect after the settle time) FAILED NOT_APPLIED
            boolean againOnce = "SENT_AGAIN".equals(state) && (sent.size() == 2 || killed && sent.size() == 1)
                    && payments <= 1;
            if ("SENT_AGAIN".equals(state) && sent.size() > 2) {
                sentAgainNotOnce++;
            }
            if (applied || againOnce) {
                resolved++;
            }
            if ("UNKNOWN".equals(status) && (r == null || r.path("reason").asText("").isBlank())) {
                unknownWithoutReason++;
            }
        }
        ObjectNode report = Json.MAPPER.createObjectNode();
        report.put("service", "billing-service").put("action", work.write().type()).put("build", serviceRoot.toString())
                .put("date", Instant.now().toString()).put("commands", ids.length).put("keys", plan.keys())
                .put("faultRates", "drop before " + plan.dropBefore() + ", drop after " + plan.dropAfter()
                        + ", no answer after " + plan.hangAfter());
        report.put("lost", lost.size()).put("duplicateSideEffects", duplicates).put("unknown", unknown)
                .put("affected", affected).put("resolved", resolved)
                .put("resolvedShare", affected == 0 ? 1.0 : Math.round(1000.0 * resolved / affected) / 1000.0)
                .put("sentAgainNotOnce", sentAgainNotOnce).put("unknownWithoutReason", unknownWithoutReason);
        byFault.forEach((k, v) -> report.with("affectedByFault").put(k, v));
        outcomes.forEach((k, v) -> report.with("affectedOutcomes").put(k, v));
        Map<String, Long> statuses = new TreeMap<>();
        rows.values().forEach(row -> statuses.merge(row.status(), 1L, Long::sum));
        statuses.forEach((k, v) -> report.with("statuses").put(k, v));
        report.putPOJO("lostExamples", lost.subList(0, Math.min(10, lost.size())));
        report.putPOJO("timeline", timeline.lines());
        boolean passed = lost.isEmpty() && duplicates == 0 && affected > 0 && resolved >= 0.95 * affected
                && sentAgainNotOnce == 0 && unknownWithoutReason == 0;
        report.put("passed", passed);
        System.out.println();
        System.out.println("| commands | answers lost (drop before / drop after / no answer after / SIGKILL) | "
                + "SUCCEEDED read back | sent once more | UNKNOWN (without a reason) | resolved | duplicates | lost |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        long applied = outcomes.getOrDefault("SUCCEEDED/APPLIED", 0L);
        long again = outcomes.entrySet().stream().filter(e -> e.getKey().endsWith("/SENT_AGAIN")).mapToLong(Map.Entry::getValue).sum();
        long affectedUnknown = outcomes.entrySet().stream().filter(e -> e.getKey().startsWith("UNKNOWN/")).mapToLong(Map.Entry::getValue).sum();
        System.out.printf("| %d | %d (%d / %d / %d / %d) | %d | %d | %d (%d) | %.1f %% | %d | %d |%n", ids.length, affected,
                byFault.getOrDefault("DROP", 0L), byFault.getOrDefault("DROP_AFTER_EFFECT", 0L),
                byFault.getOrDefault("HANG_AFTER_EFFECT", 0L), byFault.getOrDefault("SIGKILL", 0L), applied, again,
                affectedUnknown, unknownWithoutReason,
                affected == 0 ? 100.0 : 100.0 * resolved / affected, duplicates, lost.size());
        System.out.println("outcomes of the commands whose answer was lost: " + report.path("affectedOutcomes"));
        return report;
    }

    /** {@code data.reconciliation} of each command's stored result, where it has one. */
    private static Map<String, JsonNode> reconciliations(Rig rig, String prefix) throws Exception {
        Map<String, JsonNode> out = new HashMap<>();
        try (Connection c = rig.db(); PreparedStatement q = c.prepareStatement("SELECT command_id, "
                + "result -> 'data' -> 'reconciliation' FROM command_log WHERE command_id LIKE ? AND result IS NOT NULL")) {
            q.setString(1, prefix + "%");
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    if (rs.getString(2) != null) {
                        out.put(rs.getString(1), Json.MAPPER.readTree(rs.getString(2)));
                    }
                }
            }
        }
        return out;
    }
}
