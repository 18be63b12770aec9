package io.whmcsbridge.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;

/**
 * {@code data} of a result event, as docs/CONTRACT.md ("Events") defines it, plus {@code reconciliation}: present only
 * when the outcome was read back after a lost answer (see {@link Reconciliation}).
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ResultData(String commandId, String action, CommandStatus status, JsonNode response, ErrorInfo error,
        int attempts, long durationMs, Instant completedAt,
        @JsonInclude(JsonInclude.Include.NON_NULL) Reconciliation reconciliation) {

    public ResultData(String commandId, String action, CommandStatus status, JsonNode response, ErrorInfo error,
            int attempts, long durationMs, Instant completedAt) {
        this(commandId, action, status, response, error, attempts, durationMs, completedAt, null);
    }
}
