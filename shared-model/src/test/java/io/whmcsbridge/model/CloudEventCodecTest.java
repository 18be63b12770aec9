package io.whmcsbridge.model;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CloudEventCodecTest {

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void structuredCommandIsReadWithItsParamsAndExtensions() throws Exception {
        CloudEvent e = CloudEventCodec.read(b("""
                {"specversion":"1.0","id":"c-1","source":"monitoring","type":"whmcs.billing.apply_credit",
                 "traceparent":"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
                 "data":{"params":{"amount":12.10,"invoice_id":7},"instance":"eu"}}"""), Map.of());
        assertEquals("c-1", e.id());
        assertEquals("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", e.extension("traceparent"));
        CommandData d = CloudEventCodec.commandData(e);
        assertEquals("eu", d.instanceOrDefault());
        assertEquals(new BigDecimal("12.10"), d.params().get("amount").decimalValue(), "money stays exact, scale kept");
    }

    @Test
    void binaryCommandTakesAttributesFromHeaders() throws Exception {
        CloudEvent e = CloudEventCodec.read(b("{\"params\":{\"service_id\":1}}"), Map.of("ce_specversion", "1.0",
                "ce_id", "c-2", "ce_source", "s", "ce_type", "whmcs.abuse.create", "content-type", "application/json"));
        assertEquals("whmcs.abuse.create", e.type());
        assertEquals("default", CloudEventCodec.commandData(e).instanceOrDefault());
    }

    @Test
    void unreadableRecordsSayWhy() {
        assertTrue(assertThrows(UnreadableCommandException.class, () -> CloudEventCodec.read(b("nope"), Map.of()))
                .getMessage().startsWith("not JSON"));
        assertTrue(assertThrows(UnreadableCommandException.class, () -> CloudEventCodec.read(b("{\"a\":1}"), Map.of()))
                .getMessage().contains("specversion is missing"));
        assertTrue(assertThrows(UnreadableCommandException.class, () -> CloudEventCodec.read(
                b("{\"specversion\":\"0.3\",\"id\":\"x\",\"source\":\"s\",\"type\":\"t\"}"), Map.of()))
                .getMessage().contains("'0.3'"));
        assertTrue(assertThrows(UnreadableCommandException.class, () -> CloudEventCodec.read(
                b("{\"specversion\":\"1.0\",\"source\":\"s\",\"type\":\"t\"}"), Map.of()))
                .getMessage().contains("id is missing"));
    }

    @Test
    void dataOfTheWrongShapeIsReadableButNotACommand() throws Exception {
        CloudEvent e = CloudEventCodec.read(b("{\"specversion\":\"1.0\",\"id\":\"x\",\"source\":\"s\",\"type\":\"t\",\"data\":[1]}"), Map.of());
        assertNull(CloudEventCodec.commandData(e));
    }

    @Test
    void writtenEventReadsBackTheSame() throws Exception {
        CloudEvent e = CloudEventCodec.read(b("{\"specversion\":\"1.0\",\"id\":\"x\",\"source\":\"s\",\"type\":\"t\","
                + "\"time\":\"2026-11-22T10:00:00Z\",\"data\":{\"params\":{}}}"), Map.of());
        CloudEvent again = CloudEventCodec.read(CloudEventCodec.writeStructured(e), Map.of());
        assertEquals(e.time(), again.time());
        assertNotNull(again.data());
    }
}
