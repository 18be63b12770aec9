package io.whmcsbridge.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;

/** {@code data} of a result event, as docs/CONTRACT.md ("Events") defines it. */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ResultData(String commandId, String action, CommandStatus status, JsonNode response, ErrorInfo error,
        int attempts, long durationMs, Instant completedAt) {
}
