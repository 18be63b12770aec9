package io.whmcsbridge.billing;

import io.whmcsbridge.runtime.api.ApiOutcome;
import io.whmcsbridge.simulator.billing.BillingSim;
import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** WHMCS ran the action and then could not encode its answer as JSON: only reads are asked again (as XML). */
class CoreJsonEncodingTest {
    static final String FAILED = "{\"result\":\"error\",\"message\":\"" + BillingSim.JSON_ENCODING_ERROR + "\"}";

    @Test
    void aWriteIsNotSentAgainAndEndsMalformedSoTheCommandIsUnknown() {
        List<String> formats = new ArrayList<>();
        WhmcsCoreApi api = (action, form) -> {
            formats.add(field(form, "responsetype"));
            return Response.ok(FAILED).build();
        };
        ApiOutcome outcome = WhmcsCoreGateway.call(api, form("AddCredit"), false, 1 << 20);
        ApiOutcome.Malformed m = assertInstanceOf(ApiOutcome.Malformed.class, outcome);
        assertTrue(m.reason().contains("WHMCS ran AddCredit") && m.reason().contains("not sent again"), m.reason());
        assertEquals(List.of("json"), formats, "one call only");
    }

    @Test
    void aReadIsAskedAgainAsXml() {
        List<String> formats = new ArrayList<>();
        WhmcsCoreApi api = (action, form) -> {
            formats.add(field(form, "responsetype"));
            return "xml".equals(field(form, "responsetype"))
                    ? Response.ok("<?xml version=\"1.0\"?><whmcsapi><action>GetClientsDetails</action>"
                            + "<result>success</result><lastname>M\uFFFDller</lastname></whmcsapi>").build()
                    : Response.ok(FAILED).build();
        };
        ApiOutcome.Success ok = assertInstanceOf(ApiOutcome.Success.class, WhmcsCoreGateway.call(api, form("GetClientsDetails"), true, 1 << 20));
        assertEquals("M\uFFFDller", ok.response().path("lastname").asText());
        assertEquals(List.of("json", "xml"), formats);
    }

    /** A field of an encoded form, as the API would read it. */
    private static String field(String form, String name) {
        for (String pair : form.split("&")) {
            if (pair.startsWith(name + "=")) {
                return java.net.URLDecoder.decode(pair.substring(name.length() + 1), java.nio.charset.StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private static MultivaluedMap<String, String> form(String action) {
        MultivaluedMap<String, String> form = new MultivaluedHashMap<>();
        form.putSingle("action", action);
        form.putSingle("responsetype", "json");
        return form;
    }
}
