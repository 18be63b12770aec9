package io.whmcsbridge.runtime.pipeline;

import io.whmcsbridge.model.CloudEvent;
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
    private ResultEvents() {
    }

    public static String resultEventId(String commandId) {
        return UUID.nameUUIDFromBytes(("result:" + commandId).getBytes(StandardCharsets.UTF_8)).toString();
    }

    public static CloudEvent build(IncomingCommand command, String source, String action, Outcome outcome,
            long durationMs, Instant completedAt) {
        ResultData data = new ResultData(command.id(), action, outcome.status(), outcome.response(), outcome.error(),
                outcome.attempts(), durationMs, completedAt);
        Map<String, String> ext = new LinkedHashMap<>();
        String traceparent = command.event().extension("traceparent");
        if (traceparent != null) {
            ext.put("traceparent", traceparent);
        }
        return new CloudEvent(CloudEvent.SPEC_VERSION, resultEventId(command.id()), source,
                EventTypes.resultType(command.event().type()), command.id(), completedAt, CloudEvent.JSON,
                Json.MAPPER.valueToTree(data), ext);
    }
}
