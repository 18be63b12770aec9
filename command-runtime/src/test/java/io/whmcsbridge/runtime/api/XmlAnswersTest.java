package io.whmcsbridge.runtime.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.whmcsbridge.model.Json;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class XmlAnswersTest {

    /** WHMCS: a list repeats its element, and a one-element list is still a list, as in its JSON. */
    @Test
    void whmcsListsReadAsItsJsonHasThem() throws Exception {
        JsonNode two = XmlAnswers.read("<?xml version=\"1.0\"?><whmcsapi version=\"8.13.1\"><result>success</result>"
                + "<totalresults>2</totalresults><invoices><invoice><id>1001</id><total>40.00</total></invoice>"
                + "<invoice><id>1002</id><total>15.95</total></invoice></invoices></whmcsapi>");
        assertEquals(Json.MAPPER.readTree("{\"result\":\"success\",\"totalresults\":\"2\",\"invoices\":{\"invoice\":"
                + "[{\"id\":\"1001\",\"total\":\"40.00\"},{\"id\":\"1002\",\"total\":\"15.95\"}]}}"), two);
        JsonNode one = XmlAnswers.read("<whmcsapi><credits><credit><id>1</id></credit></credits></whmcsapi>");
        assertEquals(Json.MAPPER.readTree("{\"credits\":{\"credit\":[{\"id\":\"1\"}]}}"), one);
    }

    /** wbTeamPro: arrays say so with type="array"; names that are not XML names carry a leading underscore. */
    @Test
    void wbTeamProArraysAndEscapedNames() throws Exception {
        JsonNode n = XmlAnswers.read("<response><data type=\"array\"><item><_1>a</_1></item><item><_1>b</_1></item>"
                + "</data><status>ok</status></response>");
        assertEquals(Json.MAPPER.readTree("{\"data\":[{\"1\":\"a\"},{\"1\":\"b\"}],\"status\":\"ok\"}"), n);
    }

    /** Input: a DOCTYPE with an external entity (XXE). Refused, nothing read: not XML we accept. */
    @Test
    void doctypesAreRefused() {
        assertNull(XmlAnswers.read("<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                + "<r><a>&x;</a></r>"));
        assertNull(XmlAnswers.read("<r><unclosed></r>"));
    }

    /**
     * A document nested deeper than the bound, or with more elements than it, is not read (before: the recursive
     * reading of a deep document threw a StackOverflowError inside the gateway).
     */
    @Test
    void deepOrWideDocumentsAreGivenUpEarly() throws Exception {
        int depth = 100_000;
        String deep = "<a>".repeat(depth) + "x" + "</a>".repeat(depth);
        long start = System.nanoTime();
        assertNull(XmlAnswers.read(deep));
        String wide = "<r>" + "<i>1</i>".repeat(XmlAnswers.MAX_ELEMENTS + 1) + "</r>";
        assertNull(XmlAnswers.read(wide));
        assertTrue(System.nanoTime() - start < 5_000_000_000L, "given up early");
        String withinBounds = "<a>".repeat(XmlAnswers.MAX_DEPTH - 1) + "<b>x</b>" + "</a>".repeat(XmlAnswers.MAX_DEPTH - 1);
        JsonNode n = XmlAnswers.read(withinBounds);
        for (int i = 0; i < XmlAnswers.MAX_DEPTH - 2; i++) {
            n = n.path("a");
        }
        assertEquals("x", n.path("b").asText());
        assertNull(XmlAnswers.read("<r>" + "x".repeat(XmlAnswers.MAX_CHARS) + "</r>"), "longer than the bound");
    }

    /** Prefixed names are kept as written; comments and processing instructions are skipped; CDATA is text. */
    @Test
    void namesTextAndCdataReadAsBefore() throws Exception {
        assertEquals(Json.MAPPER.readTree("{\"x:a\":\"1\",\"b\":\"<2>\",\"c\":\" \"}"),
                XmlAnswers.read("<r><!-- c --><?pi x?><x:a>1</x:a><b><![CDATA[<2>]]></b><c> </c></r>"));
    }
}
