package io.whmcsbridge.runtime.tracing;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.whmcsbridge.model.CloudEvent;
import io.whmcsbridge.runtime.catalogue.ActionCatalogue;
import io.whmcsbridge.runtime.catalogue.ActionSpec;
import io.whmcsbridge.runtime.command.IncomingCommand;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TracingTest {
    static final String TP = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    static final ActionCatalogue CATALOGUE = () -> List.of(ActionSpec.builder("whmcs.test.get", "get").build());

    final InMemorySpanExporter exporter = InMemorySpanExporter.create();
    final SdkTracerProvider provider = SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(exporter)).build();
    final Tracing tracing = new Tracing(provider.get("test"), CATALOGUE, null);

    @AfterEach
    void close() {
        provider.close();
    }

    static IncomingCommand command(String type, String traceparent) {
        Map<String, String> ext = new HashMap<>();
        if (traceparent != null) {
            ext.put("traceparent", traceparent);
        }
        return new IncomingCommand(new CloudEvent(CloudEvent.SPEC_VERSION, "c-1", "test", type, null, Instant.now(),
                CloudEvent.JSON, JsonNodeFactory.instance.objectNode(), ext), "k", "whmcs.test.commands", 2, 7L);
    }

    SpanData ended(Span span) {
        span.end();
        return exporter.getFinishedSpanItems().get(exporter.getFinishedSpanItems().size() - 1);
    }

    @Test
    void aCommandSpanIsAChildOfTheEmittersContextAndItsResultContinuesIt() {
        Span span = tracing.command(command("whmcs.test.get", TP));
        String result = TraceParents.continuing(TP, span);
        SpanData data = ended(span);
        assertEquals("command whmcs.test.get", data.getName());
        assertEquals("0af7651916cd43dd8448eb211c80319c", data.getTraceId());
        assertEquals("b7ad6b7169203331", data.getParentSpanId());
        assertTrue(data.getParentSpanContext().isRemote());
        assertEquals("00-0af7651916cd43dd8448eb211c80319c-" + data.getSpanId() + "-01", result);
    }

    /** The decoder refuses a malformed traceparent; one that reaches tracing anyway only starts a new trace. */
    @Test
    void aMalformedTraceparentStartsANewTraceInsteadOfFailing() {
        for (String bad : List.of("00-" + "a".repeat(700), "ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
                "00-00000000000000000000000000000000-b7ad6b7169203331-01", "garbage")) {
            SpanData data = ended(tracing.command(command("whmcs.test.get", bad)));
            assertFalse(data.getParentSpanContext().isValid(), bad);
            assertTrue(data.getSpanContext().isValid(), "a new trace of its own");
        }
        assertFalse(Span.fromContext(TraceParents.parent(null, "a=b")).getSpanContext().isValid());
    }

    @Test
    void aTypeTheCatalogueDoesNotHaveIsNamedUnknownAndErrorCodesAreBounded() {
        SpanData data = ended(tracing.command(command("whmcs.test.\u202e" + "x".repeat(300), TP)));
        assertEquals("command unknown", data.getName());
        assertEquals("unknown", data.getAttributes().get(Tracing.EVENT_TYPE));
        assertEquals("HTTP_503", Tracing.code("HTTP_503"));
        assertEquals("other", Tracing.code("no such thing"));
        assertEquals("other", Tracing.code("E".repeat(65)));
    }

    @Test
    void offMakesNoSpansAndTheReceivedTraceparentGoesOnUnchanged() {
        Tracing off = Tracing.off();
        Span span = off.command(command("whmcs.test.get", TP));
        assertFalse(span.getSpanContext().isValid());
        assertEquals(TP, TraceParents.continuing(TP, span));
        assertNull(TraceParents.continuing(null, span));
        assertFalse(off.publish("t", TP, false).getSpanContext().isValid());
        assertTrue(exporter.getFinishedSpanItems().isEmpty());
    }

    @Test
    void aRowWithoutTraceContextIsPublishedWithoutASpanRatherThanInATraceOfItsOwn() {
        assertFalse(tracing.publish("whmcs.test.results", null, true).getSpanContext().isValid());
        SpanData data = ended(tracing.publish("whmcs.test.results", TP, true));
        assertEquals("b7ad6b7169203331", data.getParentSpanId());
    }
}
