package io.whmcsbridge.runtime.pipeline;

import io.whmcsbridge.model.CloudEvent;
import io.whmcsbridge.model.CommandStatus;
import io.whmcsbridge.model.ErrorInfo;
import io.whmcsbridge.model.Json;
import io.whmcsbridge.runtime.command.IncomingCommand;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResultEventsTest {
    static final int LIMIT = 1024 * 1024;

    static IncomingCommand command(String key) {
        return new IncomingCommand(new CloudEvent(CloudEvent.SPEC_VERSION, "cmd-1", "test", "whmcs.billing.get_invoice",
                null, Instant.now(), CloudEvent.JSON, Json.MAPPER.createObjectNode(), Map.of()), key, "t", 0, 1L);
    }

    private static int size(ResultEvents.Built b) {
        return b.json().getBytes(StandardCharsets.UTF_8).length;
    }

    @Test
    void aResultThatFitsIsLeftAlone() {
        Outcome ok = Outcome.succeeded(Json.MAPPER.createObjectNode().put("result", "success"), 1);
        ResultEvents.Built b = ResultEvents.fitted(command("k"), null, "src", "get_invoice", ok, 5, Instant.now(), LIMIT);
        assertSame(ok, b.outcome());
    }

    /** A 3 MB answer: the response becomes a marker with its size; status and attempts stay; it fits a record. */
    @Test
    void aResponseTooLargeForARecordIsReplacedByAMarker() {
        var response = Json.MAPPER.createObjectNode().put("result", "success").put("message", "A".repeat(3_000_000));
        ResultEvents.Built b = ResultEvents.fitted(command("k"), null, "src", "download_invoice",
                Outcome.succeeded(response, 2), 5, Instant.now(), LIMIT);
        assertTrue(size(b) < LIMIT - ResultEvents.RECORD_OVERHEAD, "fits: " + size(b));
        assertEquals(CommandStatus.SUCCEEDED, b.outcome().status());
        assertEquals(2, b.outcome().attempts());
        assertTrue(b.outcome().response().path("omitted").asText().contains("does not fit"), b.json());
        assertTrue(b.outcome().response().path("bytes").asLong() > 3_000_000, b.json());
        assertEquals("download_invoice", b.event().data().path("action").asText());
    }

    /** A failure whose upstream body is huge: code and retryable stay, the texts are cut. */
    @Test
    void anErrorTooLargeForARecordIsCut() {
        Outcome failed = Outcome.failed(new ErrorInfo("-1", "m".repeat(2_000_000), true, "u".repeat(2_000_000)), 3);
        ResultEvents.Built b = ResultEvents.fitted(command("k".repeat(1000)), null, "src", "get_invoice", failed, 5,
                Instant.now(), LIMIT);
        assertTrue(size(b) < LIMIT, "fits: " + size(b));
        assertEquals(CommandStatus.FAILED, b.outcome().status());
        assertEquals("-1", b.outcome().error().code());
        assertTrue(b.outcome().error().retryable());
        assertTrue(b.outcome().error().message().endsWith("(2000000 characters)"), b.outcome().error().message());
        assertNull(b.outcome().response());
    }
}
