package io.whmcsbridge.runtime.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import io.whmcsbridge.model.CommandStatus;
import io.whmcsbridge.model.ErrorInfo;
import io.whmcsbridge.model.Json;
import io.whmcsbridge.model.Reconciliation;
import io.whmcsbridge.model.SafeText;

/**
 * The terminal outcome of one command, before it becomes a result event; {@code reconciliation} only when it was
 * read back after a lost answer.
 */
public record Outcome(CommandStatus status, JsonNode response, ErrorInfo error, int attempts,
        Reconciliation reconciliation) {

    public Outcome(CommandStatus status, JsonNode response, ErrorInfo error, int attempts) {
        this(status, response, error, attempts, null);
    }

    /** The same outcome, as read back after a lost answer. */
    Outcome reconciled(Reconciliation how, int totalAttempts) {
        return new Outcome(status, response, error, totalAttempts, how);
    }

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

    /**
     * The same outcome with its response replaced by {@code {"omitted": why, "bytes": n}} (when it had one, or
     * always with {@code mark}) and its error's texts cut to {@code maxText} characters ({@code upstream} dropped when
     * {@code maxText} is 0). Status, error code and attempts stay.
     */
    Outcome shrunk(String why, long bytes, int maxText, boolean mark) {
        JsonNode marker = !mark && (response == null || response.isNull()) ? response : omitted(why, bytes);
        ErrorInfo e = error == null ? null : new ErrorInfo(SafeText.escape(error.code(), 120),
                cut(error.message(), Math.max(maxText, 500)), error.retryable(),
                maxText == 0 ? null : cut(error.upstream(), maxText));
        Reconciliation r = reconciliation == null || reconciliation.found() == null ? reconciliation
                : new Reconciliation(reconciliation.state(), reconciliation.how(), reconciliation.marker(), null,
                        reconciliation.reason(), reconciliation.reads());
        return new Outcome(status, marker, e, attempts, r);
    }

    static JsonNode omitted(String why, long bytes) {
        var marker = Json.MAPPER.createObjectNode().put("omitted", why);
        if (bytes >= 0) {
            marker.put("bytes", bytes);
        }
        return marker;
    }

    private static String cut(String text, int max) {
        if (text == null || text.length() <= max) {
            return text == null ? null : SafeText.escape(text, max);
        }
        return SafeText.escape(text, max) + "... (" + text.length() + " characters)";
    }
}
