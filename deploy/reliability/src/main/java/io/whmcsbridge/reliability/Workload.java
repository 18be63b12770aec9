package io.whmcsbridge.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import io.whmcsbridge.model.Json;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * What the suites send to one service: its money- or record-creating action, never idempotent ({@link #write}), and
 * where the service has one, an idempotent action ({@link #read}) that can carry a mark too. Every command carries
 * its own id in a text field, so every call and side effect the simulator records names its command.
 */
record Workload(String family, Action write, Optional<Action> read) {

    /**
     * One command type of the workload.
     *
     * @param params        the command's params for a command id on key number {@code key}
     * @param marker        the command id from the params of a call (or side effect) the simulator recorded, or null
     * @param effectKind    the simulator's side-effect kind of this action, or null when it has none
     * @param answerNamesEffect the API's answer names the side effect's id (e.g. the invoice or report number), so a
     *                      result can be matched with the simulator's record
     */
    record Action(String type, boolean idempotent, BiFunction<String, Integer, String> params,
            Function<Map<String, String>, String> marker, String effectKind, boolean answerNamesEffect) {
    }

    static Workload of(String family) {
        return switch (family) {
            // Abuse Manager Pro has no idempotent action: only reports
            case "abuse" -> new Workload(family, new Action("whmcs.abuse.create", false,
                    (id, key) -> "{\"service_id\":" + (key + 1) + ",\"category\":\"Spam\",\"additional_info\":\"" + id + "\"}",
                    p -> p.get("additional_info"), "report", true), Optional.empty());
            case "reseller" -> new Workload(family, new Action("whmcs.reseller.addCharge", false,
                    (id, key) -> "{\"client\":561115,\"charge\":\"0.01\",\"description\":\"" + id + "\"}",
                    p -> p.get("description"), "charge", false),
                    // sets the client's threshold and notification address: the same state however often it is sent
                    Optional.of(new Action("whmcs.reseller.setClientThreshold", true,
                            (id, key) -> "{\"client\":561115,\"threshold\":" + (key % 250 + 1) + ",\"email\":\"" + id + "@example.com\"}",
                            p -> p.get("email") == null ? null : p.get("email").replace("@example.com", ""), null, false)));
            case "billing" -> new Workload(family, new Action("whmcs.billing.create_addfunds", false,
                    (id, key) -> "{\"amount\":\"20.00\",\"description\":\"" + id + "\"}",
                    p -> p.get("description"), "addfunds-invoice", true),
                    // a read; customer_name is passed to the API as is
                    Optional.of(new Action("whmcs.billing.get_billing_data", true,
                            (id, key) -> "{\"id\":" + (501 + key % 3) + ",\"customer_name\":\"" + id + "\"}",
                            p -> p.get("customer_name"), null, false)));
            case "projects" -> new Workload(family, new Action("whmcs.projects.createProject", false,
                    (id, key) -> "{\"title\":\"" + id + "\",\"status\":\"Active\"}", Workload::projectsTitle,
                    "create-project", true),
                    // a list filtered by title (passed through in the JSON params)
                    Optional.of(new Action("whmcs.projects.findProjects", true,
                            (id, key) -> "{\"title\":\"" + id + "\"}", Workload::projectsTitle, null, false)));
            default -> throw new IllegalArgumentException("unknown service " + family);
        };
    }

    /**
     * billing-service's payments of the WHMCS core API, whose effect can be read back: {@code AddInvoicePayment} with
     * the command id as its {@code transid} (what the bridge sets when a command has none; given here so a bridge
     * that requires it takes the same commands), one cent on one of the seed's invoices.
     */
    static Workload payments() {
        return new Workload("billing", new Action("whmcs.core.AddInvoicePayment", false,
                (id, key) -> "{\"invoiceid\":" + (1001 + key % 4) + ",\"transid\":\"" + id
                        + "\",\"gateway\":\"banktransfer\",\"date\":\"2026-12-02\",\"amount\":\"0.01\"}",
                p -> p.get("transid"), "core-payment", false), Optional.empty());
    }

    private static String projectsTitle(Map<String, String> p) {
        try {
            return p.get("params") == null ? null : Json.MAPPER.readTree(p.get("params")).path("title").asText(null);
        } catch (Exception e) {
            return null;
        }
    }

    String commands() {
        return "whmcs." + family + ".commands";
    }

    String results() {
        return "whmcs." + family + ".results";
    }

    List<Action> actions() {
        return read.map(r -> List.of(write, r)).orElse(List.of(write));
    }

    /** The command id a recorded call or side effect carries, whichever of the workload's actions it was. */
    String markOf(Map<String, String> params) {
        return actions().stream().map(a -> a.marker().apply(params)).filter(Objects::nonNull).findFirst().orElse(null);
    }

    /** The command {@code id} of {@code action} on key number {@code key}, as a structured CloudEvent. */
    static byte[] command(Action action, String id, int key) {
        return ("{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"reliability\",\"type\":\""
                + action.type() + "\",\"data\":{\"params\":" + action.params().apply(id, key) + "}}").getBytes(StandardCharsets.UTF_8);
    }

    /** Whether some value in the API's answer is {@code effectId} (e.g. the invoice number the simulator created). */
    static boolean names(JsonNode answer, String effectId) {
        if (answer == null) {
            return false;
        }
        if (answer.isValueNode()) {
            return answer.asText().equals(effectId);
        }
        for (JsonNode child : answer) {
            if (names(child, effectId)) {
                return true;
            }
        }
        return false;
    }
}
