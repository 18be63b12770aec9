package io.whmcsbridge.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads CloudEvents 1.0 in structured mode ({@code application/cloudevents+json} body) and in Kafka binary mode
 * ({@code ce_*} headers, the body is {@code data}); writes structured mode. Anything that is not a CloudEvent 1.0
 * with JSON data raises {@link UnreadableCommandException} with a reason fit for a DLQ header, and so does a record
 * beyond {@link EnvelopeLimits} (sizes, depth, numbers, attribute lengths and characters, extension names, W3C trace
 * context): whatever this returns can be stored, logged and validated without surprises.
 * <p>Longer than 250 lines because it is one format: both CloudEvents modes with the envelope limits every reader must
 * apply the same way.
 */
public final class CloudEventCodec {
    public static final String HEADER_PREFIX = "ce_";
    public static final String CONTENT_TYPE_HEADER = "content-type";
    private static final Set<String> CORE = Set.of("specversion", "id", "source", "type", "subject", "time",
            "datacontenttype", "data", "dataschema", "data_base64");
    private static final Pattern EXTENSION_NAME = Pattern.compile("[a-z0-9]{1," + EnvelopeLimits.MAX_EXTENSION_NAME + "}");
    private static final JsonNodeFactory TEXT = JsonNodeFactory.instance;

    private CloudEventCodec() {
    }

    /** @param headers Kafka record headers as UTF-8 strings (last value wins) */
    public static CloudEvent read(byte[] value, Map<String, String> headers) throws UnreadableCommandException {
        if (value != null && value.length > EnvelopeLimits.MAX_RECORD_BYTES) {
            throw new UnreadableCommandException("not readable: the record has " + value.length + " bytes, at most "
                    + EnvelopeLimits.MAX_RECORD_BYTES + " are read");
        }
        if (headers.containsKey(HEADER_PREFIX + "specversion")) {
            return readBinary(value, headers);
        }
        return readStructured(parseJson(value, Json.BOUNDED), true);
    }

    /**
     * @param inbound a record from outside: held to {@link EnvelopeLimits} and CloudEvents' naming rules. False for
     *                events this service wrote itself (stored results), which may be larger.
     */
    private static CloudEvent readStructured(JsonNode root, boolean inbound) throws UnreadableCommandException {
        if (!root.isObject()) {
            throw new UnreadableCommandException("not a CloudEvent: the record is JSON but not an object");
        }
        if (root.has("data_base64")) {
            throw new UnreadableCommandException("not readable: data_base64 is not accepted, data must be JSON");
        }
        if (inbound) {
            checkNumbers(root, "");
        }
        Map<String, String> ext = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            if (CORE.contains(e.getKey())) {
                continue;
            }
            if (inbound) {
                extension(ext, e.getKey(), e.getValue());
            } else if (e.getValue().isValueNode()) {
                ext.put(e.getKey(), e.getValue().asText());
            }
        }
        return validate(text(root, "specversion"), text(root, "id"), text(root, "source"), text(root, "type"),
                text(root, "subject"), text(root, "time"), text(root, "datacontenttype"), text(root, "dataschema"),
                root.get("data"), ext, inbound);
    }

    private static CloudEvent readBinary(byte[] value, Map<String, String> headers)
            throws UnreadableCommandException {
        JsonNode data = value == null || value.length == 0 ? null : parseJson(value, Json.BOUNDED);
        if (data != null) {
            checkNumbers(data, "data");
        }
        Map<String, String> ext = new LinkedHashMap<>();
        for (Map.Entry<String, String> h : headers.entrySet()) {
            String k = h.getKey();
            if (k.startsWith(HEADER_PREFIX) && !CORE.contains(k.substring(HEADER_PREFIX.length()))) {
                extension(ext, k.substring(HEADER_PREFIX.length()), TEXT.textNode(h.getValue()));
            }
        }
        String contentType = headers.get(CONTENT_TYPE_HEADER);
        if (contentType != null && !contentType.toLowerCase().contains("json")) {
            throw new UnreadableCommandException("not readable: data content type " + SafeText.quote(contentType, 60)
                    + " is not JSON");
        }
        return validate(headers.get("ce_specversion"), headers.get("ce_id"), headers.get("ce_source"),
                headers.get("ce_type"), headers.get("ce_subject"), headers.get("ce_time"), contentType,
                headers.get("ce_dataschema"), data, ext, true);
    }

    /**
     * One extension attribute of a record from outside: a CloudEvents name (a-z, 0-9, at most
     * {@value EnvelopeLimits#MAX_EXTENSION_NAME} characters), a scalar value of bounded length without control
     * characters; {@code traceparent} and {@code tracestate} in their W3C formats.
     */
    private static void extension(Map<String, String> ext, String name, JsonNode value)
            throws UnreadableCommandException {
        if (!EXTENSION_NAME.matcher(name).matches()) {
            throw new UnreadableCommandException("not a CloudEvent: attribute name " + SafeText.quote(name, 40)
                    + " is not a CloudEvents name (a-z and 0-9, at most " + EnvelopeLimits.MAX_EXTENSION_NAME
                    + " characters)");
        }
        if (value == null || value.isNull()) {
            return;
        }
        if (!value.isValueNode()) {
            throw new UnreadableCommandException("not a CloudEvent: extension attribute " + name
                    + " must be a string, number or boolean, got " + value.getNodeType().name().toLowerCase());
        }
        if (ext.size() >= EnvelopeLimits.MAX_EXTENSIONS) {
            throw new UnreadableCommandException("not readable: more than " + EnvelopeLimits.MAX_EXTENSIONS
                    + " extension attributes");
        }
        String text = value.asText();
        switch (name) {
            case "traceparent" -> {
                String problem = TraceContext.traceparentProblem(text);
                if (problem != null) {
                    throw new UnreadableCommandException("not readable: traceparent " + SafeText.quote(text, 60) + " " + problem);
                }
                text = TraceContext.normaliseTraceparent(text);
            }
            case "tracestate" -> {
                String problem = TraceContext.tracestateProblem(text);
                if (problem != null) {
                    throw new UnreadableCommandException("not readable: tracestate " + problem);
                }
            }
            default -> {
                bounded(name, text, EnvelopeLimits.MAX_EXTENSION_VALUE);
            }
        }
        ext.put(name, text);
    }

    /**
     * Every number of a record from outside, before anything computes with it: its scale (the exponent) within
     * {@value EnvelopeLimits#MAX_NUMBER_SCALE} either way. The parser has bounded the digits and the depth.
     */
    private static void checkNumbers(JsonNode node, String path) throws UnreadableCommandException {
        if (node.isContainerNode()) {
            if (node.isObject()) {
                for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
                    Map.Entry<String, JsonNode> e = it.next();
                    if (e.getValue().isContainerNode() || e.getValue().isBigDecimal()) {
                        checkNumbers(e.getValue(), path.isEmpty() ? e.getKey() : path + "." + e.getKey());
                    }
                }
            } else {
                int i = 0;
                for (JsonNode item : node) {
                    if (item.isContainerNode() || item.isBigDecimal()) {
                        checkNumbers(item, path + "[" + i + "]");
                    }
                    i++;
                }
            }
        } else if (node.isBigDecimal()) {
            int scale = node.decimalValue().scale();
            if (scale > EnvelopeLimits.MAX_NUMBER_SCALE || scale < -EnvelopeLimits.MAX_NUMBER_SCALE) {
                throw new UnreadableCommandException("not readable: " + SafeText.quote(path, 100) + " is a number with "
                        + "an exponent of " + (-(long) scale) + ", beyond plus or minus " + EnvelopeLimits.MAX_NUMBER_SCALE);
            }
        }
    }

    private static CloudEvent validate(String specversion, String id, String source, String type, String subject,
            String time, String contentType, String dataschema, JsonNode data, Map<String, String> ext,
            boolean inbound) throws UnreadableCommandException {
        if (specversion == null) {
            throw new UnreadableCommandException("not a CloudEvent: specversion is missing");
        }
        if (!CloudEvent.SPEC_VERSION.equals(specversion)) {
            throw new UnreadableCommandException("not a CloudEvent 1.0: specversion is " + SafeText.quote(specversion, 20));
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
        if (inbound) {
            bounded("id", id, EnvelopeLimits.MAX_ID);
            bounded("type", type, EnvelopeLimits.MAX_TYPE);
            bounded("source", source, EnvelopeLimits.MAX_SOURCE);
            bounded("subject", subject, EnvelopeLimits.MAX_SOURCE);
            bounded("time", time, EnvelopeLimits.MAX_TIME);
            bounded("datacontenttype", contentType, EnvelopeLimits.MAX_CONTENT_TYPE);
            bounded("dataschema", dataschema, EnvelopeLimits.MAX_CONTENT_TYPE);
        }
        Instant instant = null;
        if (time != null) {
            try {
                instant = Instant.parse(time);
            } catch (DateTimeParseException e) {
                throw new UnreadableCommandException("not a CloudEvent: time " + SafeText.quote(time, 64) + " is not RFC 3339");
            }
        }
        return new CloudEvent(specversion, id, source, type, subject, instant, contentType, data, ext);
    }

    /** An attribute of at most {@code max} characters without control characters (null passes). */
    private static void bounded(String name, String value, int max) throws UnreadableCommandException {
        if (value == null) {
            return;
        }
        if (value.length() > max) {
            throw new UnreadableCommandException("not readable: " + name + " is longer than " + max + " characters");
        }
        int at = SafeText.unsafeAt(value, false);
        if (at >= 0) {
            throw new UnreadableCommandException("not readable: " + name + " contains a control character (at "
                    + at + "): " + SafeText.quote(value, 60));
        }
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

    /** Reads an event this service wrote itself (a stored result): not held to the limits of records from outside. */
    public static CloudEvent readStructuredUnchecked(String json) {
        try {
            return readStructured(parseJson(json.getBytes(StandardCharsets.UTF_8), Json.MAPPER), false);
        } catch (UnreadableCommandException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private static JsonNode parseJson(byte[] value, ObjectMapper mapper) throws UnreadableCommandException {
        if (value == null || value.length == 0) {
            throw new UnreadableCommandException("not JSON: the record has no value");
        }
        try {
            JsonNode node = mapper.readTree(value);
            if (node == null || node.isMissingNode()) {
                throw new UnreadableCommandException("not JSON: the record value is empty");
            }
            return node;
        } catch (StreamConstraintsException e) {
            throw new UnreadableCommandException("not readable: " + truncate(firstLine(e), 300), e);
        } catch (IOException e) {
            throw new UnreadableCommandException("not JSON: " + truncate(firstLine(e), 300), e);
        }
    }

    private static String firstLine(Exception e) {
        String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
        return SafeText.escape(msg, 300);
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
