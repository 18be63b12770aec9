package io.whmcsbridge.model;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Records from a hostile emitter: each one is read or refused with a reason naming the field, quickly. */
class HostileEnvelopeTest {
    static final String TP = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    static String event(String extra) {
        return "{\"specversion\":\"1.0\",\"id\":\"c-1\",\"source\":\"s\",\"type\":\"whmcs.billing.x\"" + extra
                + ",\"data\":{\"params\":{}}}";
    }

    static String refused(String json) {
        return refused(json, Map.of());
    }

    static String refused(String json, Map<String, String> headers) {
        return assertTimeoutPreemptively(Duration.ofSeconds(2), () -> assertThrows(UnreadableCommandException.class,
                () -> CloudEventCodec.read(json.getBytes(StandardCharsets.UTF_8), headers)).getMessage());
    }

    static CloudEvent read(String json) throws UnreadableCommandException {
        return CloudEventCodec.read(json.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    @Test
    void aTraceparentOutsideTheW3cFormatIsRefusedWithAReason() throws Exception {
        String m = refused(event(",\"traceparent\":\"00-" + "a".repeat(700) + "\""));
        assertTrue(m.contains("traceparent") && m.contains("is not a W3C traceparent"), m);
        assertTrue(m.length() < 400, "the reason quotes a bounded part of it: " + m.length());
        assertTrue(refused(event(",\"traceparent\":\"" + "x".repeat(2000) + "\"")).contains("2000 characters long"));
        assertTrue(refused(event(",\"traceparent\":\"ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01\"")).contains("version ff"));
        assertTrue(refused(event(",\"traceparent\":\"00-00000000000000000000000000000000-b7ad6b7169203331-01\"")).contains("all-zero trace id"));
        assertTrue(refused(event(",\"traceparent\":\"00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01\"")).contains("all-zero parent id"));
        assertTrue(refused(event(",\"traceparent\":\"" + TP + "-extra\"")).contains("version 00"));
        assertTrue(refused(event(",\"traceparent\":\"" + TP.toUpperCase() + "\"")).contains("not a W3C traceparent"));
        assertEquals(TP, read(event(",\"traceparent\":\"" + TP + "\"")).extension("traceparent"));
        assertEquals("01" + TP.substring(2), read(event(",\"traceparent\":\"01" + TP.substring(2) + "-future\"")).extension("traceparent"),
                "a later version is kept as its version-00 fields");
    }

    @Test
    void aTracestateOutsideTheW3cFormatIsRefused() throws Exception {
        assertEquals("congo=t61rcWkgMzE,rojo=00f067aa0ba902b7", read(event(",\"traceparent\":\"" + TP
                + "\",\"tracestate\":\"congo=t61rcWkgMzE,rojo=00f067aa0ba902b7\"")).extension("tracestate"));
        assertTrue(refused(event(",\"tracestate\":\"" + "a=b,".repeat(200) + "\"")).contains("tracestate is"));
        assertTrue(refused(event(",\"tracestate\":\"" + "a=b,".repeat(40) + "\"")).contains("list members"));
        assertTrue(refused(event(",\"tracestate\":\"no equals sign\"")).contains("key=value"));
        assertTrue(refused(event(",\"tracestate\":\"a=b\\u001f\"")).contains("control characters"));
    }

    @Test
    void extensionNamesFollowCloudEventsNamingAndValuesAreBounded() throws Exception {
        assertTrue(refused(event(",\"Foo-Bar\":\"x\"")).contains("'Foo-Bar' is not a CloudEvents name"));
        assertTrue(refused(event(",\"abcdefghijklmnopqrstu\":\"x\"")).contains("is not a CloudEvents name"));
        assertTrue(refused(event(",\"x\":{\"a\":1}")).contains("extension attribute x must be a string"));
        assertTrue(refused(event(",\"x\":\"" + "v".repeat(1025) + "\"")).contains("x is longer than 1024"));
        assertTrue(refused(event(",\"x\":\"a\\u0000b\"")).contains("x contains a control character"));
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 33; i++) {
            many.append(",\"e").append(i).append("\":1");
        }
        assertTrue(refused(event(many.toString())).contains("more than 32 extension attributes"));
        assertEquals("7", read(event(",\"partitionkey\":7")).extension("partitionkey"));
        assertTrue(refused("{\"p\":1}", Map.of("ce_specversion", "1.0", "ce_id", "i", "ce_source", "s", "ce_type", "t",
                "ce_bad-name", "v")).contains("'bad-name' is not a CloudEvents name"));
        assertTrue(refused("{\"p\":1}", Map.of("ce_specversion", "1.0", "ce_id", "i", "ce_source", "s", "ce_type", "t",
                "ce_traceparent", "00-" + "a".repeat(700))).contains("traceparent"));
    }

    @Test
    void attributesAreBoundedAndFreeOfControlCharacters() {
        assertTrue(refused(event(",\"subject\":\"" + "s".repeat(501) + "\"")).contains("subject is longer than 500"));
        assertTrue(refused("{\"specversion\":\"1.0\",\"id\":\"a\\u001b[31m\",\"source\":\"s\",\"type\":\"t\"}")
                .contains("id contains a control character (at 1): 'a\\u001b[31m'"));
        assertTrue(refused("{\"specversion\":\"1.0\",\"id\":\"a\",\"source\":\"s\\u2028x\",\"type\":\"t\"}").contains("source contains"));
        assertTrue(refused("{\"specversion\":\"1.0\",\"id\":\"a\",\"source\":\"s\",\"type\":\"t\\ud800\"}").contains("type contains"));
        assertTrue(refused(event(",\"time\":\"" + "9".repeat(65) + "\"")).contains("time is longer than 64"));
        assertTrue(refused(event(",\"dataschema\":\"" + "d".repeat(201) + "\"")).contains("dataschema is longer"));
        assertTrue(refused("{\"specversion\":\"1.0\",\"id\":\"a\",\"id\":\"b\",\"source\":\"s\",\"type\":\"t\"}").contains("Duplicate field 'id'"));
    }

    @Test
    void hugeNumbersAreRefusedBeforeAnyArithmeticNamingTheField() {
        for (String n : new String[] {"1e1000000000", "1e2000000", "1e-100000000", "-7.5E+1002", "1E-1001"}) {
            String m = refused(event("").replace("\"params\":{}", "\"params\":{\"amount\":" + n + "}"));
            assertTrue(m.contains("'data.params.amount' is a number with an exponent of"), m);
        }
        assertTrue(refused(event("").replace("\"params\":{}", "\"params\":{\"l\":[1,[2,1e5000]]}")).contains("'data.params.l[1][1]'"));
        assertTrue(refused(event("").replace("\"params\":{}", "\"params\":{\"n\":" + "9".repeat(1001) + "}")).contains("Number value length"));
        assertTrue(refused("{\"params\":{\"amount\":1e1000000000}}", Map.of("ce_specversion", "1.0", "ce_id", "i",
                "ce_source", "s", "ce_type", "t")).contains("'data.params.amount'"));
    }

    @Test
    void nestingAndSizeAreBoundedByTheParser() {
        String deep = "[".repeat(65) + "]".repeat(65);
        assertTrue(refused(event("").replace("\"params\":{}", "\"params\":{\"x\":" + deep + "}")).contains("nesting depth"));
        byte[] big = new byte[EnvelopeLimits.MAX_RECORD_BYTES + 1];
        assertTrue(assertThrows(UnreadableCommandException.class, () -> CloudEventCodec.read(big, Map.of())).getMessage()
                .contains("at most 1048576"));
    }

    @Test
    void anEventThisServiceWroteIsReadBackWhateverItsSize() {
        String pdf = "A".repeat(3 * EnvelopeLimits.MAX_STRING_CHARS);
        CloudEvent e = CloudEventCodec.readStructuredUnchecked("{\"specversion\":\"1.0\",\"id\":\"r\",\"source\":\"s\","
                + "\"type\":\"t.result\",\"traceparent\":\"" + TP + "\",\"data\":{\"response\":{\"message\":\"" + pdf + "\"}}}");
        assertNotNull(e.data());
        assertEquals(TP, e.extension("traceparent"));
    }
}
