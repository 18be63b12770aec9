package io.whmcsbridge.runtime.pipeline;

import io.whmcsbridge.model.CloudEvent;
import io.whmcsbridge.model.CloudEventCodec;
import io.whmcsbridge.model.EventTypes;
import io.whmcsbridge.model.Json;
import io.whmcsbridge.model.ResultData;
import io.whmcsbridge.runtime.command.IncomingCommand;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** Builds result events. The event id is derived from the command id, so a re-published result keeps its id. */
public final class ResultEvents {
    /**
     * What a Kafka record needs besides its value and key: headers (content type, id, type, traceparent: a few hundred
     * bytes) and the record batch's own overhead, with room to spare.
     */
    static final int RECORD_OVERHEAD = 8 * 1024;

    private ResultEvents() {
    }

    /** A result event and its JSON, as stored and published. */
    record Built(CloudEvent event, String json, Outcome outcome) {
    }

    /** {@code source} of this service's result events: configured, or {@code whmcs-event-bridge/<family>-service}. */
    static String source(io.whmcsbridge.runtime.config.BridgeConfig config) {
        return config.processing().eventSource().orElse("whmcs-event-bridge/" + config.family() + "-service");
    }

    public static String resultEventId(String commandId) {
        return UUID.nameUUIDFromBytes(("result:" + commandId).getBytes(StandardCharsets.UTF_8)).toString();
    }

    /**
     * @param traceparent the result's trace context (the command span's, or the command's own when nothing traces
     *                    here); null for none
     */
    public static CloudEvent build(IncomingCommand command, String traceparent, String source, String action,
            Outcome outcome, long durationMs, Instant completedAt) {
        ResultData data = new ResultData(command.id(), action, outcome.status(), outcome.response(), outcome.error(),
                outcome.attempts(), durationMs, completedAt, outcome.reconciliation());
        Map<String, String> ext = new LinkedHashMap<>();
        if (traceparent != null) {
            ext.put("traceparent", traceparent);
        }
        return new CloudEvent(CloudEvent.SPEC_VERSION, resultEventId(command.id()), source,
                EventTypes.resultType(command.event().type()), command.id(), completedAt, CloudEvent.JSON,
                Json.MAPPER.valueToTree(data), ext);
    }

    /**
     * The result event, cut to fit a Kafka record of {@code maxRequestSize} bytes (the outbox producer's
     * {@code max.request.size}) with the command's key: a response that does not fit is replaced by
     * {@code {"omitted": ..., "bytes": <its size>}}, then the error's texts are cut; status, error code and attempts
     * always stay. So every command gets a result that can be published.
     */
    static Built fitted(IncomingCommand command, String traceparent, String source, String action, Outcome outcome,
            long durationMs, Instant completedAt, int maxRequestSize) {
        int max = maxRequestSize - RECORD_OVERHEAD - utf8Length(command.orderingKey());
        Built full = built(command, traceparent, source, action, outcome, durationMs, completedAt);
        long size = utf8Length(full.json());
        if (size <= max) {
            return full;
        }
        String why = "the result of " + size + " bytes does not fit in a result event (at most " + Math.max(max, 0)
                + " bytes: the results producer's max.request.size less the key and headers)";
        Built cut = built(command, traceparent, source, action, outcome.shrunk(why, size, 4096, false), durationMs,
                completedAt);
        if (cut.json().getBytes(StandardCharsets.UTF_8).length <= max) {
            return cut;
        }
        return built(command, traceparent, source, action, outcome.shrunk(why, size, 0, false), durationMs,
                completedAt);
    }

    /** UTF-8 bytes of {@code s}; counted only when it might matter (a UTF-16 unit is at most 3 bytes). */
    private static int utf8Length(String s) {
        return s.length() < 4096 ? 3 * s.length() : s.getBytes(StandardCharsets.UTF_8).length;
    }

    static Built built(IncomingCommand command, String traceparent, String source, String action, Outcome outcome,
            long durationMs, Instant completedAt) {
        CloudEvent event = build(command, traceparent, source, action, outcome, durationMs, completedAt);
        return new Built(event, new String(CloudEventCodec.writeStructured(event), StandardCharsets.UTF_8), outcome);
    }
}
