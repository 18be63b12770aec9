package io.whmcsbridge.runtime.ingress;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.whmcsbridge.model.CloudEvent;
import io.whmcsbridge.model.CommandData;
import io.whmcsbridge.model.ErrorCodes;
import io.whmcsbridge.model.Json;
import io.whmcsbridge.model.TraceContext;
import io.whmcsbridge.runtime.admission.CommandRules;
import io.whmcsbridge.runtime.catalogue.ActionSpec;
import io.whmcsbridge.runtime.catalogue.ParamValidator;
import io.whmcsbridge.runtime.config.BridgeConfig;
import io.whmcsbridge.runtime.redaction.Redactor;
import io.whmcsbridge.runtime.store.Acceptances;
import io.whmcsbridge.runtime.tracing.TraceParents;
import io.whmcsbridge.runtime.tracing.Tracing;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Accepts commands that arrive over HTTP (REST, webhooks): checks them as the pipeline would, so the caller learns
 * at once what is wrong, then records them and queues them for the commands topic through the outbox. From there
 * they go the way of every Kafka command.
 */
@ApplicationScoped
public class CommandIngress {
    /** Safe in a URL path and a Kafka header, long enough for UUIDs and alert fingerprints. */
    static final Pattern COMMAND_ID = Pattern.compile("[A-Za-z0-9._:-]{1,200}");
    static final int MAX_KEY = 500;

    /** The answer to an accepted command. */
    public record Receipt(String commandId, boolean duplicate) {
    }

    @Inject
    BridgeConfig config;
    @Inject
    CommandRules rules;
    @Inject
    Acceptances acceptances;
    @Inject
    Redactor redactor;
    @Inject
    Tracing tracing;

    /**
     * @param caller who sent it (recorded as the command's source {@code http:<name>}); it must be allowed to send
     *               the command's type (403 otherwise), whichever way the command came in
     * @throws IngressProblem when the command cannot be accepted; nothing is recorded then
     */
    public Receipt accept(CommandRequest request, Caller caller) {
        return accept(request, caller, null, null);
    }

    /**
     * {@link #accept(CommandRequest, Caller)} for a caller that sent W3C trace context headers: the command's span
     * is their child, and the command carries its context on to the pipeline. Headers that are not W3C trace
     * context are ignored (a new trace), never a reason to refuse the command.
     */
    public Receipt accept(CommandRequest request, Caller caller, String traceparent, String tracestate) {
        Span span = tracing.ingress(request.type(), traceparent, tracestate);
        try {
            Receipt receipt = accept(request, caller, span, traceparent, tracestate);
            span.setAttribute(Tracing.EVENT_ID, receipt.commandId());
            span.setAttribute(Tracing.INGRESS_RESULT, receipt.duplicate() ? "duplicate" : "accepted");
            return receipt;
        } catch (IngressProblem e) {
            span.setAttribute(Tracing.INGRESS_RESULT, String.valueOf(e.status()));
            throw e;
        } finally {
            span.end();
        }
    }

    private Receipt accept(CommandRequest request, Caller caller, Span span, String traceparent, String tracestate) {
        if (request.type() == null || request.type().isBlank()) {
            throw new IngressProblem(400, ErrorCodes.VALIDATION, "type is required, e.g. \"whmcs." + config.family() + ".<action>\"");
        }
        caller.requireSend(request.type());
        ActionSpec spec = rules.action(request.type()).orElseThrow(() -> new IngressProblem(400,
                ErrorCodes.UNKNOWN_ACTION, rules.unknownType(request.type())));
        if (request.params() == null) {
            throw new IngressProblem(400, ErrorCodes.VALIDATION, "params is required: an object of the API's parameters");
        }
        String instance = request.instance() == null ? CommandData.DEFAULT_INSTANCE : request.instance();
        if (rules.instance(instance).isEmpty()) {
            throw new IngressProblem(422, ErrorCodes.UNKNOWN_INSTANCE, rules.unknownInstance(instance));
        }
        if (request.id() != null && !COMMAND_ID.matcher(request.id()).matches()) {
            throw new IngressProblem(400, ErrorCodes.VALIDATION,
                    "id must be 1 to 200 characters of A-Z a-z 0-9 . _ : - (a UUID fits)");
        }
        if (request.key() != null && (request.key().isEmpty() || request.key().length() > MAX_KEY)) {
            throw new IngressProblem(400, ErrorCodes.VALIDATION, "key must be 1 to " + MAX_KEY + " characters");
        }
        ParamValidator.Result checked = rules.params(spec, request.params());
        if (!checked.valid()) {
            throw new IngressProblem(422, ErrorCodes.VALIDATION, "invalid parameters for " + spec.type(),
                    checked.violations());
        }

        String id = request.id() == null ? UUID.randomUUID().toString() : request.id();
        String key = request.key() == null ? id : request.key();
        ObjectNode data = Json.MAPPER.createObjectNode();
        data.set("params", request.params());
        data.put("instance", instance);
        CloudEvent command = new CloudEvent(CloudEvent.SPEC_VERSION, id, caller.source(), spec.type(), null,
                Instant.now(), CloudEvent.JSON, data, traceExtensions(span, traceparent, tracestate));
        String hash = Sha256.hex(canonical(request.type(), instance, key, request.params()));
        Span db = tracing.database(Context.root().with(span), "accept");
        Acceptances.Acceptance accepted;
        try {
            accepted = acceptances.accept(command, key, spec.action(), instance, redactor.redact(request.params(), spec).toString(), hash);
        } finally {
            db.end();
        }
        return switch (accepted) {
            case ACCEPTED -> new Receipt(id, false);
            case ALREADY_ACCEPTED -> new Receipt(id, true);
            case CONFLICT -> throw new IngressProblem(409, "ID_CONFLICT", "command id '" + id
                    + "' was used before for a different command; use a new id");
        };
    }

    /**
     * The command's trace context: the ingress span's, or without an SDK the caller's headers as they came (when they
     * are W3C trace context; anything else is left out).
     */
    private static Map<String, String> traceExtensions(Span span, String traceparent, String tracestate) {
        String received = traceparent == null ? null : TraceContext.normaliseTraceparent(traceparent);
        String continued = TraceParents.continuing(received, span);
        if (continued == null) {
            return Map.of();
        }
        Map<String, String> ext = new HashMap<>();
        ext.put("traceparent", continued);
        if (received != null && tracestate != null && TraceContext.tracestateProblem(tracestate) == null) {
            ext.put("tracestate", tracestate);
        }
        return ext;
    }

    /** Type, instance, key and params with object keys sorted, so field order does not change the hash. */
    private static String canonical(String type, String instance, String key, JsonNode params) {
        Map<String, Object> all = new TreeMap<>();
        all.put("type", type);
        all.put("instance", instance);
        all.put("key", key);
        all.put("params", sorted(params));
        try {
            return Json.MAPPER.writeValueAsString(all);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Object sorted(JsonNode node) {
        if (node.isObject()) {
            Map<String, Object> m = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                m.put(e.getKey(), sorted(e.getValue()));
            }
            return m;
        }
        if (node.isArray()) {
            return java.util.stream.StreamSupport.stream(node.spliterator(), false).map(CommandIngress::sorted).toList();
        }
        return node;
    }
}
