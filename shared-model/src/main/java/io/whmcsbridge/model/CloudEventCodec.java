package io.whmcsbridge.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Reads CloudEvents 1.0 in structured mode ({@code application/cloudevents+json} body) and in Kafka binary mode
 * ({@code ce_*} headers, the body is {@code data}); writes structured mode. Anything that is not a CloudEvent 1.0
 * with JSON data raises {@link UnreadableCommandException} with a reason fit for a DLQ header.
 */
public final class CloudEventCodec {
    public static final String HEADER_PREFIX = "ce_";
    public static final String CONTENT_TYPE_HEADER = "content-type";
    private static final Set<String> CORE = Set.of("specversion", "id", "source", "type", "subject", "time",
            "datacontenttype", "data", "dataschema", "data_base64");

    private CloudEventCodec() {
    }

    /** @param headers Kafka record headers as UTF-8 strings (last value wins) */
    public static CloudEvent read(byte[] value, Map<String, String> headers) throws UnreadableCommandException {
        if (headers.containsKey(HEADER_PREFIX + "specversion")) {
            return readBinary(value, headers);
        }
        return readStructured(value);
    }

    private static CloudEvent readStructured(byte[] value) throws UnreadableCommandException {
        JsonNode root = parseJson(value);
        if (!root.isObject()) {
            throw new UnreadableCommandException("not a CloudEvent: the record is JSON but not an object");
        }
        if (root.has("data_base64")) {
            throw new UnreadableCommandException("not readable: data_base64 is not accepted, data must be JSON");
        }
        Map<String, String> ext = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!CORE.contains(e.getKey()) && e.getValue().isValueNode()) {
                ext.put(e.getKey(), e.getValue().asText());
            }
        }
        return validate(text(root, "specversion"), text(root, "id"), text(root, "source"), text(root, "type"),
                text(root, "subject"), text(root, "time"), text(root, "datacontenttype"), root.get("data"), ext);
    }

    private static CloudEvent readBinary(byte[] value, Map<String, String> headers)
            throws UnreadableCommandException {
        JsonNode data = value == null || value.length == 0 ? null : parseJson(value);
        Map<String, String> ext = new LinkedHashMap<>();
        headers.forEach((k, v) -> {
            if (k.startsWith(HEADER_PREFIX) && !CORE.contains(k.substring(HEADER_PREFIX.length()))) {
                ext.put(k.substring(HEADER_PREFIX.length()), v);
            }
        });
        String contentType = headers.get(CONTENT_TYPE_HEADER);
        if (contentType != null && !contentType.toLowerCase().contains("json")) {
            throw new UnreadableCommandException("not readable: data content type " + contentType + " is not JSON");
        }
        return validate(headers.get("ce_specversion"), headers.get("ce_id"), headers.get("ce_source"),
                headers.get("ce_type"), headers.get("ce_subject"), headers.get("ce_time"), contentType, data, ext);
    }

    private static CloudEvent validate(String specversion, String id, String source, String type, String subject,
            String time, String contentType, JsonNode data, Map<String, String> ext)
            throws UnreadableCommandException {
        if (specversion == null) {
            throw new UnreadableCommandException("not a CloudEvent: specversion is missing");
        }
        if (!CloudEvent.SPEC_VERSION.equals(specversion)) {
            throw new UnreadableCommandException("not a CloudEvent 1.0: specversion is '" + specversion + "'");
        }
        if (blank(id)) {
            throw new UnreadableCommandException("not a CloudEvent: id is missing or empty");
        }
        if (blank(source)) {
            throw new UnreadableCommandException("not a CloudEvent: source is missing or empty");
        }
        if (blank(type)) {
            throw new UnreadableCommandException("not a CloudEvent: type is missing or empty");
        }
        if (id.length() > 200) {
            throw new UnreadableCommandException("not readable: id is longer than 200 characters");
        }
        if (type.length() > 200) {
            throw new UnreadableCommandException("not readable: type is longer than 200 characters");
        }
        if (source.length() > 500) {
            throw new UnreadableCommandException("not readable: source is longer than 500 characters");
        }
        Instant instant = null;
        if (time != null) {
            try {
                instant = Instant.parse(time);
            } catch (DateTimeParseException e) {
                throw new UnreadableCommandException("not a CloudEvent: time '" + time + "' is not RFC 3339");
            }
        }
        return new CloudEvent(specversion, id, source, type, subject, instant, contentType, data, ext);
    }

    /** Reads {@code data} as command data; null when it does not have that shape (the command is then invalid). */
    public static CommandData commandData(CloudEvent event) {
        JsonNode data = event.data();
        if (data == null || !data.isObject()) {
            return null;
        }
        JsonNode params = data.get("params");
        JsonNode instance = data.get("instance");
        if (params != null && !params.isObject()) {
            return null;
        }
        if (instance != null && !instance.isTextual() && !instance.isNull()) {
            return null;
        }
        return new CommandData(params == null ? Json.MAPPER.createObjectNode() : (ObjectNode) params,
                instance == null || instance.isNull() ? null : instance.asText());
    }

    public static byte[] writeStructured(CloudEvent event) {
        try {
            return Json.MAPPER.writeValueAsBytes(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write event " + event.id(), e);
        }
    }

    public static CloudEvent readStructuredUnchecked(String json) {
        try {
            return readStructured(json.getBytes(StandardCharsets.UTF_8));
        } catch (UnreadableCommandException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private static JsonNode parseJson(byte[] value) throws UnreadableCommandException {
        if (value == null || value.length == 0) {
            throw new UnreadableCommandException("not JSON: the record has no value");
        }
        try {
            JsonNode node = Json.MAPPER.readTree(value);
            if (node == null || node.isMissingNode()) {
                throw new UnreadableCommandException("not JSON: the record value is empty");
            }
            return node;
        } catch (IOException e) {
            String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
            throw new UnreadableCommandException("not JSON: " + truncate(msg, 300), e);
        }
    }

    private static String text(JsonNode root, String field) {
        JsonNode n = root.get(field);
        return n == null || n.isNull() ? null : n.asText();
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "...";
    }
}
