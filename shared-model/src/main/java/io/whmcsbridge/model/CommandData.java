package io.whmcsbridge.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** {@code data} of a command event: the API's own parameter names, and the configured API endpoint to use. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CommandData(ObjectNode params, String instance) {
    public static final String DEFAULT_INSTANCE = "default";

    public String instanceOrDefault() {
        return instance == null || instance.isBlank() ? DEFAULT_INSTANCE : instance;
    }
}
