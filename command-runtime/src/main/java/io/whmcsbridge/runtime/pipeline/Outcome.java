package io.whmcsbridge.runtime.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import io.whmcsbridge.model.CommandStatus;
import io.whmcsbridge.model.ErrorInfo;

/** The terminal outcome of one command, before it becomes a result event. */
public record Outcome(CommandStatus status, JsonNode response, ErrorInfo error, int attempts) {

    public static Outcome succeeded(JsonNode response, int attempts) {
        return new Outcome(CommandStatus.SUCCEEDED, response, null, attempts);
    }

    public static Outcome failed(ErrorInfo error, int attempts) {
        return new Outcome(CommandStatus.FAILED, null, error, attempts);
    }

    public static Outcome rejected(String code, String message) {
        return new Outcome(CommandStatus.REJECTED, null, new ErrorInfo(code, message, false, null), 0);
    }

    public static Outcome unknown(ErrorInfo error, int attempts) {
        return new Outcome(CommandStatus.UNKNOWN, null, error, attempts);
    }
}
