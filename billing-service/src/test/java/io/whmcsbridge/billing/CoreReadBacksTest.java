package io.whmcsbridge.billing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.whmcsbridge.model.Json;
import io.whmcsbridge.runtime.catalogue.ActionSpec;
import io.whmcsbridge.runtime.catalogue.ReadBack;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The payment's read-back: its marker, and what GetTransactions' answers say about it. */
class CoreReadBacksTest {
    final ReadBack.ByMarker payment = new BillingActions().byType("whmcs.core.AddInvoicePayment").orElseThrow()
            .byMarker().orElseThrow();

    static ObjectNode json(String text) throws Exception {
        return (ObjectNode) Json.MAPPER.readTree(text);
    }

    static JsonNode answer(String transactions) throws Exception {
        return json("{\"result\":\"success\",\"totalresults\":1,\"transactions\":{\"transaction\":" + transactions + "}}");
    }

    @Test
    void theCommandIdBecomesTheTransidOnlyWhenTheCommandHasNone() throws Exception {
        ObjectNode without = json("{\"invoiceid\":1002,\"gateway\":\"banktransfer\",\"date\":\"2026-12-02\"}");
        ObjectNode marked = payment.mark(without, "cmd-1");
        assertEquals("cmd-1", marked.path("transid").asText());
        assertTrue(without.path("transid").isMissingNode(), "the command's own parameters stay as they were");
        assertEquals("cmd-1", payment.markerOf(marked, "cmd-1"));
        ObjectNode given = json("{\"invoiceid\":1002,\"transid\":\"PSP-991\"}");
        assertEquals("PSP-991", payment.mark(given, "cmd-2").path("transid").asText(), "the caller's transid is kept");
        assertEquals("PSP-991", payment.markerOf(given, "cmd-2"));
        assertEquals("{\"transid\":\"PSP-991\"}", payment.request().apply(given, "PSP-991").toString());
    }

    @Test
    void exactlyOneTransactionOfTheInvoiceIsApplied() throws Exception {
        ObjectNode sent = json("{\"invoiceid\":1002,\"transid\":\"T1\"}");
        var applied = assertInstanceOf(ReadBack.Verdict.Applied.class, payment.rule().judge(
                answer("[{\"id\":7,\"transid\":\"T1\",\"invoiceid\":1002,\"amountin\":\"1.00\"}]"), sent, "T1"));
        assertEquals(7, applied.found().path("id").asInt());
        // WHMCS answers a single item as an object
        assertInstanceOf(ReadBack.Verdict.Applied.class, payment.rule().judge(
                answer("{\"id\":7,\"transid\":\"T1\",\"invoiceid\":1002}"), sent, "T1"));
    }

    @Test
    void noTransactionWithTheTransidIsNotApplied() throws Exception {
        ObjectNode sent = json("{\"invoiceid\":1002,\"transid\":\"T1\"}");
        assertInstanceOf(ReadBack.Verdict.NotApplied.class, payment.rule().judge(answer("[]"), sent, "T1"));
        // a transid that only starts the same is another one
        assertInstanceOf(ReadBack.Verdict.NotApplied.class, payment.rule().judge(
                answer("[{\"id\":8,\"transid\":\"T10\",\"invoiceid\":1002}]"), sent, "T1"));
        assertInstanceOf(ReadBack.Verdict.NotApplied.class, payment.rule().judge(
                json("{\"result\":\"success\",\"totalresults\":0}"), sent, "T1"));
    }

    @Test
    void anythingElseCannotBeTold() throws Exception {
        ObjectNode sent = json("{\"invoiceid\":1002,\"transid\":\"T1\"}");
        var twice = assertInstanceOf(ReadBack.Verdict.CannotTell.class, payment.rule().judge(answer(
                "[{\"id\":7,\"transid\":\"T1\",\"invoiceid\":1002},{\"id\":9,\"transid\":\"T1\",\"invoiceid\":1002}]"),
                sent, "T1"));
        assertTrue(twice.reason().startsWith("2 transaction(s) of invoice 1002"), twice.reason());
        assertInstanceOf(ReadBack.Verdict.CannotTell.class, payment.rule().judge(
                answer("[{\"id\":7,\"transid\":\"T1\",\"invoiceid\":1001}]"), sent, "T1"));
        assertInstanceOf(ReadBack.Verdict.CannotTell.class, payment.rule().judge(
                json("{\"result\":\"error\",\"message\":\"Not allowed\"}"), sent, "T1"));
    }

    @Test
    void everyOtherCoreWriteSaysWhyItHasNone() {
        for (ActionSpec a : CoreActions.CORE) {
            if (!a.idempotent() && !a.action().equals("AddInvoicePayment")) {
                var none = assertInstanceOf(ReadBack.None.class, a.readBack(), a.type());
                assertTrue(none.why().length() > 20, a.type());
            }
        }
    }
}
