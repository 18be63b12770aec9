package io.whmcsbridge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.whmcsbridge.model.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** Re-drives chosen dead letters through a service's admin API. */
@Command(name = "redrive", description = {"Publish chosen dead letters to the commands topic again (same key, same "
        + "command id), after the emitter or the configuration was fixed (POST /admin/dlq/redrive).",
        "A command the API had answered gets that answer stored instead of a second call; a record that is not a "
        + "command is skipped. Every re-drive is recorded.",
        "Exit status: 0 done, 2 some records failed, 1 the service cannot be reached or refused."})
final class Redrive implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    AdminApi api;

    @Option(names = "--reason", description = "the dead letters of this reason that were not re-driven before")
    String reason;

    @Option(names = "--id", description = "a dead letter by partition:offset (as dlq lists it) or command id; again if "
            + "it was re-driven before (repeatable)")
    List<String> ids = new ArrayList<>();

    @Option(names = "--dry-run", description = "say what would be done, do nothing")
    boolean dryRun;

    @Override
    public Integer call() throws Exception {
        String family = api.family();
        if (reason == null && ids.isEmpty()) {
            throw new IllegalArgumentException("choose the dead letters: --reason <reason> or --id <partition:offset "
                    + "or command id> (./deploy/bridge dlq " + family + " lists them)");
        }
        ObjectNode body = Json.MAPPER.createObjectNode();
        if (reason != null) {
            body.put("reason", reason);
        }
        ids.forEach(body.putArray("ids")::add);
        body.put("dryRun", dryRun);
        JsonNode report = api.post("/admin/dlq/redrive", body);
        PrintWriter out = spec.commandLine().getOut();
        if (api.json) {
            out.println(report.toPrettyString());
        } else {
            for (JsonNode s : report.path("records")) {
                out.printf("%s  %s  %s  %s: %s%n", s.path("id").asText(), s.path("reason").asText(),
                        s.path("commandId").isNull() ? "(not a command)" : s.path("commandId").asText(),
                        s.path("action").asText(), s.path("detail").asText());
            }
            out.printf("%s%d of %d chosen dead letters re-driven, %d skipped, %d failed (%d read%s)%n",
                    dryRun ? "dry run, nothing done: " : "", report.path("redriven").asInt(), report.path("matched").asInt(),
                    report.path("skipped").asInt(), report.path("failed").asInt(), report.path("scanned").asInt(),
                    report.path("wholeTopic").asBoolean() ? ", the whole topic" : ", the newest; older ones not read");
        }
        return report.path("failed").asInt() > 0 ? 2 : 0;
    }
}
