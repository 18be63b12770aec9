package io.whmcsbridge.model;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.Map;

/**
 * A CloudEvents 1.0 event with JSON data, as it stands in structured mode. Extension attributes (such as
 * {@code traceparent}) are kept in {@code extensions} and written as top-level attributes.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({ "specversion", "id", "source", "type", "subject", "time", "datacontenttype", "data" })
public record CloudEvent(String specversion, String id, String source, String type, String subject, Instant time,
        String datacontenttype, JsonNode data, @JsonIgnore Map<String, String> extensions) {

    public static final String SPEC_VERSION = "1.0";
    public static final String STRUCTURED_CONTENT_TYPE = "application/cloudevents+json";
    public static final String JSON = "application/json";

    @JsonAnyGetter
    public Map<String, String> extensionAttributes() {
        return extensions == null ? Map.of() : extensions;
    }

    public String extension(String name) {
        return extensions == null ? null : extensions.get(name);
    }
}
