package io.whmcsbridge.runtime.ingress;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.whmcsbridge.model.EventTypes;
import io.whmcsbridge.model.Json;
import io.whmcsbridge.runtime.catalogue.ActionCatalogue;
import io.whmcsbridge.runtime.catalogue.ActionSpec;
import io.whmcsbridge.runtime.catalogue.Param;
import io.whmcsbridge.runtime.config.BridgeConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The service's topics and event schemas as an AsyncAPI 2.6 document, built from the same catalogue that validates
 * commands, so the document cannot drift from what the service accepts. Open, like the OpenAPI document.
 */
@Path("/asyncapi")
@ApplicationScoped
@Tag(name = "documents")
public class EventsDocument {

    @Inject
    BridgeConfig config;
    @Inject
    ActionCatalogue catalogue;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "AsyncAPI 2.6 document of this service's Kafka topics and events")
    public ObjectNode document() {
        String family = config.family();
        ObjectNode doc = Json.MAPPER.createObjectNode();
        doc.put("asyncapi", "2.6.0");
        doc.putObject("info").put("title", family + "-service events").put("version", "1")
                .put("description", "CloudEvents 1.0 (JSON). Commands: structured (application/cloudevents+json) or "
                        + "binary (ce_* headers) mode; the record key is the ordering key. Results: structured mode, "
                        + "keyed like the command, subject = command id.");
        doc.put("defaultContentType", "application/cloudevents+json");
        ObjectNode channels = doc.putObject("channels");
        ObjectNode messages = Json.MAPPER.createObjectNode();
        ArrayNode commandRefs = Json.MAPPER.createArrayNode();
        ArrayNode resultRefs = Json.MAPPER.createArrayNode();
        for (ActionSpec spec : catalogue.actions()) {
            String name = spec.type();
            messages.set(name, commandMessage(spec));
            messages.set(EventTypes.resultType(name), resultMessage(spec));
            commandRefs.addObject().put("$ref", "#/components/messages/" + name);
            resultRefs.addObject().put("$ref", "#/components/messages/" + EventTypes.resultType(name));
        }
        channels.putObject(EventTypes.commandsTopic(family)).put("description", "Commands in")
                .putObject("publish").put("operationId", "sendCommand").putObject("message").set("oneOf", commandRefs);
        channels.putObject(EventTypes.resultsTopic(family)).put("description", "One result per command")
                .putObject("subscribe").put("operationId", "receiveResult").putObject("message").set("oneOf", resultRefs);
        channels.putObject(EventTypes.dlqTopic(family))
                .put("description", "Records that could not be read as a command at all, with a dead-letter-reason header")
                .putObject("subscribe").put("operationId", "receiveDeadLetter").putObject("message")
                .put("name", "deadLetter").putObject("payload").put("description", "the record as it arrived");
        doc.putObject("components").set("messages", messages);
        return doc;
    }

    private ObjectNode commandMessage(ActionSpec spec) {
        ObjectNode m = Json.MAPPER.createObjectNode();
        m.put("name", spec.type());
        m.put("summary", spec.description());
        m.put("x-idempotent", spec.idempotent());
        if (spec.readBack() != null) {
            m.put("x-read-back", spec.readBack().describe());
        }
        ObjectNode payload = cloudEvent(m, spec.type());
        ObjectNode params = Json.MAPPER.createObjectNode().put("type", "object");
        if (!spec.openParams()) {
            params.put("additionalProperties", false);
        }
        ObjectNode props = params.putObject("properties");
        ArrayNode required = Json.MAPPER.createArrayNode();
        for (Param p : spec.params()) {
            props.set(p.name(), schema(p));
            if (p.mandatory()) {
                required.add(p.name());
            }
        }
        if (!required.isEmpty()) {
            params.set("required", required);
        }
        ObjectNode data = ((ObjectNode) payload.get("properties")).putObject("data").put("type", "object");
        data.putArray("required").add("params");
        ObjectNode dataProps = data.putObject("properties");
        dataProps.set("params", params);
        dataProps.putObject("instance").put("type", "string").put("default", "default");
        return m;
    }

    private ObjectNode resultMessage(ActionSpec spec) {
        ObjectNode m = Json.MAPPER.createObjectNode();
        String type = EventTypes.resultType(spec.type());
        m.put("name", type);
        m.put("summary", "Result of " + spec.type());
        ObjectNode payload = cloudEvent(m, type);
        ObjectNode data = ((ObjectNode) payload.get("properties")).putObject("data").put("type", "object");
        ObjectNode p = data.putObject("properties");
        p.putObject("commandId").put("type", "string");
        p.putObject("action").put("type", "string");
        p.putObject("status").put("type", "string").putArray("enum").add("SUCCEEDED").add("FAILED").add("REJECTED").add("UNKNOWN");
        p.putObject("response").put("description", "the API's success payload as JSON, secrets removed");
        ObjectNode error = p.putObject("error").put("type", "object").putObject("properties");
        error.putObject("code").put("type", "string");
        error.putObject("message").put("type", "string");
        error.putObject("retryable").put("type", "boolean");
        error.putObject("upstream").put("description", "the API's raw error body, secrets removed");
        p.putObject("attempts").put("type", "integer");
        p.putObject("durationMs").put("type", "integer");
        p.putObject("completedAt").put("type", "string").put("format", "date-time");
        if (spec.byMarker().isPresent()) {
            ObjectNode r = p.putObject("reconciliation").put("type", "object").put("description", "present only when "
                    + "the call's answer was lost and its effect was read back (" + spec.byMarker().get().how() + ")");
            ObjectNode rp = r.putObject("properties");
            rp.putObject("state").put("type", "string").put("description", "APPLIED: the read found the effect "
                    + "(status SUCCEEDED); SENT_AGAIN: no effect after the settle time, sent once more under the same "
                    + "command id (status: that call's outcome); UNDECIDED: status UNKNOWN, reason says why")
                    .putArray("enum").add("APPLIED").add("SENT_AGAIN").add("UNDECIDED");
            rp.putObject("how").put("type", "string").put("description", "the read-back");
            rp.putObject("marker").put("type", "string").put("description", "what identifies the effect at the API");
            rp.putObject("found").put("description", "the record the read found (also the response when APPLIED)");
            rp.putObject("reason").put("type", "string");
            rp.putObject("reads").put("type", "integer").put("description", "read-backs made");
        }
        return m;
    }

    private static ObjectNode cloudEvent(ObjectNode message, String type) {
        ObjectNode payload = message.putObject("payload").put("type", "object");
        payload.putArray("required").add("specversion").add("id").add("source").add("type");
        ObjectNode props = payload.putObject("properties");
        props.putObject("specversion").put("const", "1.0");
        props.putObject("id").put("type", "string");
        props.putObject("source").put("type", "string");
        props.putObject("type").put("const", type);
        props.putObject("subject").put("type", "string");
        props.putObject("time").put("type", "string").put("format", "date-time");
        return payload;
    }

    private static ObjectNode schema(Param p) {
        ObjectNode s = Json.MAPPER.createObjectNode();
        switch (p.kind()) {
            case STRING -> s.put("type", "string");
            case INTEGER -> s.putArray("type").add("integer").add("string");
            case BOOLEAN -> s.putArray("type").add("boolean").add("integer").add("string");
            case MONEY -> s.putArray("type").add("string").add("number");
            case DATE -> s.put("type", "string").put("format", "date");
            case EMAIL -> s.put("type", "string").put("format", "email");
            case ENUM -> {
                s.put("type", "string");
                ArrayNode values = s.putArray("enum");
                p.allowed().forEach(values::add);
            }
            case LIST -> s.put("type", "array");
            case OBJECT -> s.put("type", "object");
            case ANY -> {
            }
        }
        if (p.maxLength() != null) {
            s.put("maxLength", p.maxLength());
        }
        if (p.min() != null) {
            s.put("minimum", p.min());
        }
        if (p.max() != null) {
            s.put("maximum", p.max());
        }
        String constraints = p.constraints();
        String description = (p.description() == null ? "" : p.description())
                + (constraints == null || constraints.isEmpty() ? "" : " (" + constraints + ")");
        if (!description.isBlank()) {
            s.put("description", description.trim());
        }
        return s;
    }
}
