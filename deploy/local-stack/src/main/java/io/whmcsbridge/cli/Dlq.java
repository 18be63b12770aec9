package io.whmcsbridge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** Lists a service's dead letters with their reasons, through its admin API. */
@Command(name = "dlq", description = {"List a service's dead letters, newest first, with their reasons and the counts "
        + "by reason (GET /admin/dlq).", "Exit status: 0 listed, 1 the service cannot be reached or refused."})
final class Dlq implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    AdminApi api;

    @Option(names = "--reason", description = "only this reason (not-sent, answered-not-stored, outcome-not-stored, "
            + "republish-failed, processing-failed, unreadable, other)")
    String reason;

    @Option(names = "--limit", description = "records shown (default: the service's whmcs.dlq.page-size, 50)")
    Integer limit;

    @Override
    public Integer call() throws Exception {
        List<String> query = new ArrayList<>();
        if (reason != null) {
            query.add("reason=" + URLEncoder.encode(reason, StandardCharsets.UTF_8));
        }
        if (limit != null) {
            query.add("limit=" + limit);
        }
        JsonNode listing = api.get("/admin/dlq" + (query.isEmpty() ? "" : "?" + String.join("&", query)));
        PrintWriter out = spec.commandLine().getOut();
        if (api.json) {
            out.println(listing.toPrettyString());
            return 0;
        }
        out.printf("%s: %d dead letters read (%s)%n", listing.path("topic").asText(), listing.path("scanned").asInt(),
                listing.path("wholeTopic").asBoolean() ? "the whole topic" : "the newest; older ones not read");
        List<String> counts = new ArrayList<>();
        listing.path("byReason").fields().forEachRemaining(e -> counts.add(e.getKey() + " " + e.getValue().asInt()));
        out.println("by reason: " + (counts.isEmpty() ? "none" : String.join(", ", counts)));
        JsonNode records = listing.path("records");
        if (records.size() < listing.path("matched").asInt()) {
            out.printf("showing the newest %d of %d%s%n", records.size(), listing.path("matched").asInt(),
                    reason == null ? "" : " with reason " + reason);
        }
        for (JsonNode r : records) {
            out.printf("%s  %s  %s  %s  re-drive: %s%s%n", r.path("id").asText(), r.path("timestamp").asText(),
                    r.path("reason").asText(), r.path("commandId").isNull() ? "(not a command, "
                            + r.path("valueBytes").asInt() + " bytes)" : r.path("commandId").asText() + " "
                            + r.path("type").asText(), r.path("onRedrive").asText(), redriven(r.path("redriven")));
            out.println("    " + r.path("reasonText").asText());
            if (!r.path("outcome").isNull() && !r.path("outcome").isMissingNode()) {
                out.println("    the API had answered: " + r.path("outcome").asText());
            }
        }
        return 0;
    }

    private static String redriven(JsonNode h) {
        return h.isNull() || h.isMissingNode() ? "" : " (re-driven " + h.path("times").asInt() + "x, last "
                + h.path("last").asText() + " by " + h.path("by").asText() + ")";
    }
}
