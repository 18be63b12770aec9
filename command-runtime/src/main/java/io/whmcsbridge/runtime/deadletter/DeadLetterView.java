package io.whmcsbridge.runtime.deadletter;

import io.whmcsbridge.model.CloudEventCodec;
import io.whmcsbridge.model.CommandData;
import io.whmcsbridge.model.SafeText;
import io.whmcsbridge.runtime.catalogue.ActionCatalogue;
import io.whmcsbridge.runtime.catalogue.ActionSpec;
import io.whmcsbridge.runtime.config.BridgeConfig;
import io.whmcsbridge.runtime.redaction.Redactor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Instant;
import java.util.Optional;

/**
 * What an operator sees of a dead letter: never its raw value; its parameters, reason and key redacted as the command
 * log's are (the common secret names, the service's, the action's declared secrets, the configured credentials);
 * every text cut to {@code whmcs.dlq.max-shown-chars} after redaction, control characters escaped.
 */
@ApplicationScoped
public class DeadLetterView {
    /**
     * A dead letter as shown. {@code params} is the command's parameters, redacted as in the command log; a record
     * that is not a command shows only its size ({@code valueBytes}): its text has no structure that would tell a
     * secret from the rest (an unterminated {@code "password":"...} defeats every pattern).
     */
    public record Shown(String id, int partition, long offset, Instant timestamp, String key, String reason,
            String reasonText, String commandId, String type, String params, Integer valueBytes, String outcome,
            String origin, String onRedrive, Redriven redriven) {
    }

    /** How often a dead letter was re-driven, last when and by whom. */
    public record Redriven(int times, Instant last, String by) {
    }

    @Inject
    BridgeConfig config;
    @Inject
    Redactor redactor;
    @Inject
    ActionCatalogue catalogue;

    Shown shown(DeadLetterEntry e, RedriveLog.History h) {
        Optional<ActionSpec> spec = e.command() == null ? Optional.empty() : catalogue.byType(e.command().event().type());
        String params = null;
        if (e.command() != null) {
            CommandData data = CloudEventCodec.commandData(e.command().event());
            params = data == null ? null : text(redactor.redact(data.params(), spec.orElse(null)).toString());
        }
        return new Shown(e.id(), e.record().partition(), e.record().offset(), Instant.ofEpochMilli(e.record().timestamp()),
                e.record().key() == null ? null : text(redactor.redactText(e.record().key())), e.kind().code(),
                reason(e),
                e.command() == null ? null : text(e.command().id()),
                e.command() == null ? null : text(e.command().event().type()), params,
                e.record().value() == null ? null : e.record().value().length, outcome(e),
                e.origin() == null ? null : text(e.origin()), Redriver.plan(e).name(),
                h == null ? null : new Redriven(h.times(), h.last(), h.by()));
    }

    /** The dead letter's reason, redacted as the command log's texts are (it may quote a database's error), cut. */
    String reason(DeadLetterEntry e) {
        if (e.reason() == null) {
            return null;
        }
        ActionSpec spec = e.command() == null ? null : catalogue.byType(e.command().event().type()).orElse(null);
        return text(redactor.redactText(e.reason(), spec));
    }

    /** The outcome the API had given, as {@code STATUS} or {@code STATUS ERROR_CODE}; never its response. */
    private String outcome(DeadLetterEntry e) {
        if (e.outcome() == null) {
            return null;
        }
        try {
            var data = CloudEventCodec.readStructuredUnchecked(e.outcome()).data();
            String code = data.path("error").path("code").asText("");
            return text(data.path("status").asText() + (code.isEmpty() ? "" : " " + code));
        } catch (RuntimeException unreadable) {
            return "unreadable";
        }
    }

    /** Cut to {@code max-shown-chars}, control characters escaped, so a shown text cannot forge lines. */
    String text(String s) {
        int max = config.dlq().maxShownChars();
        return SafeText.escape(s, max) + (s.length() > max ? "... (" + s.length() + " characters)" : "");
    }
}
