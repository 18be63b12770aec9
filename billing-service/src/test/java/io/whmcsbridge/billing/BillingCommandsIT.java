package io.whmcsbridge.billing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.whmcsbridge.runtime.testing.BadInputCorpus;
import io.whmcsbridge.runtime.testing.SecretScan;
import io.whmcsbridge.runtime.testing.ServiceTestResource;
import io.whmcsbridge.simulator.billing.BillingSim;
import io.whmcsbridge.simulator.core.RecordedCall;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import static io.whmcsbridge.runtime.testing.BridgeTestClient.command;
import static io.whmcsbridge.runtime.testing.BridgeTestClient.newId;
import static io.whmcsbridge.runtime.testing.BridgeTestClient.params;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * billing-service end to end over the real broker and database against the simulated whmcs.php and WHMCS core API:
 * every action succeeding and failing, the failure shapes, validation, the core API with paging, auth, secrets.
 */
@QuarkusTest
@Order(1)
@QuarkusTestResource(value = ServiceTestResource.class, initArgs = @ResourceArg(name = "family", value = "billing"))
class BillingCommandsIT extends BillingItSupport {

    /** A failing call: its parameters, on which instance, with WHMCS reachable or not behind the API. */
    record Failure(ObjectNode params, String instance, boolean whmcsDown) {
        static Failure of(ObjectNode params) {
            return new Failure(params, null, false);
        }

        static Failure whenWhmcsIsDown(ObjectNode params) {
            return new Failure(params, null, true);
        }

        static Failure onInstance(String instance, ObjectNode params) {
            return new Failure(params, instance, false);
        }
    }

    /**
     * Each of the 24 actions with input its page shows and the field its answer carries, then an input (or a state)
     * it refuses and the code of that refusal.
     */
    static Stream<Arguments> actions() {
        return Stream.of(
                arguments("add_contact", nested("params", "firstname", "Ann", "lastname", "Lee", "email", "ann@example.org",
                        "password1", "Pw-123456", "password2", "Pw-123456"), "contactid",
                        Failure.of(nested("params", "firstname", "Ann", "email", "john.doe@example.com")), "-1"),
                arguments("apply_credit", params("invoice_id", 1001, "amount", "10.00"), "message",
                        Failure.of(params("invoice_id", 1003, "amount", "5.00")), "-1"),
                arguments("create_addfunds", params("amount", "25.00", "description", "Top up", "subscribe", false), "invoice",
                        Failure.whenWhmcsIsDown(params("amount", "25.00")), "-1"),
                arguments("delete_cancellation_request", params("id", 501), "productid", Failure.of(params("id", 502)), "-1"),
                arguments("delete_contact", params("contact_id", 67890), "clientid", Failure.of(params("contact_id", 5)), "-1"),
                arguments("download_invoice", params("invoice_id", 1001, "viewpdf", "0"), "message",
                        Failure.of(params("invoice_id", 999)), "-1"),
                arguments("generate_due_invoice", params("id", 502), "invoices", Failure.of(params("id", 501)), "-1"),
                arguments("get_billing_data", params("id", 501), "data", Failure.of(params("id", 9)), "-1"),
                arguments("get_cancellation_requests", params(), "message", Failure.of(params("id", 9)), "-1"),
                arguments("get_client", params("full", true), "client", Failure.of(params("email", "nobody@example.org")), "-1"),
                // its page's failure is the refused token: on an instance configured with an expired one
                arguments("get_clientgroups", params(), "data", Failure.onInstance("expired", params()), "-1"),
                arguments("get_contacts", params(), "contacts", Failure.of(params("email", "nobody@example.org")), "-1"),
                arguments("get_invoice", params("invoice_id", 1001, "load_client_data", "1"), "customer",
                        Failure.of(params("invoice_id", 999)), "-1"),
                arguments("get_invoices", params("location", "whmcs_eu"), "invoices", Failure.of(params("location", "whmcs_xx")), "-1"),
                arguments("get_related_invoices", params("id", 501), "invoices", Failure.of(params("id", 9)), "-1"),
                arguments("getcredits", params(), "message", Failure.whenWhmcsIsDown(params()), "-1"),
                arguments("getpaymentgw", params("invoice_id", 1001), "methods", Failure.of(params("invoice_id", 999)), "-1"),
                arguments("mass_pay", invoices(1001, 1002), "invoiceid", Failure.of(invoices(1004, 1003)), "-1"),
                arguments("request_cancellation", params("id", 502, "cancellation_type", 1, "refund", "5.00", "currency", "USD"),
                        "result", Failure.of(params("id", 503)), "-3"),
                arguments("request_subscription_cancellation", params("id", 501), "ticket", Failure.of(params("id", 502)), "-1"),
                arguments("reset_password", params("email", "john.doe@example.com"), "message",
                        Failure.of(params("email", "john.doe@example.com", "reset_token", "wrong", "pass", "N3w-pass", "code", "123456")), "-1"),
                arguments("transactions", params("invoice_id", 1003), "transactions", Failure.of(params("server_id", 9)), "-1"),
                arguments("update_client", nested("profile_data", "client_id", 12345, "location", "whmcs_eu",
                        "billing_email", "new@example.org"), "billing_email",
                        Failure.of(nested("profile_data", "client_id", 12345, "billing_email", "")), "-1"),
                arguments("update_contact", params("contact_id", 67890, "email", "c@example.org", "firstname", "Cy"),
                        "clientid", Failure.of(params("contact_id", 5, "email", "c@example.org")), "-1"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("actions")
    void eachActionSucceedsAndFailsAsItsPageShows(String action, ObjectNode good, String field, Failure bad, String code) {
        if (action.equals("delete_contact") || action.equals("update_contact")) {
            assertStatus("SUCCEEDED", run("whmcs.billing.add_contact", nested("params", "firstname", "Tmp",
                    "email", "tmp-" + UUID.randomUUID() + "@example.org")));
        }
        if (action.equals("delete_cancellation_request")) {
            assertStatus("SUCCEEDED", run("whmcs.billing.request_cancellation", params("id", 501)));
        }
        JsonNode ok = run("whmcs.billing." + action, good);
        assertStatus("SUCCEEDED", ok);
        assertEquals(action, ok.path("action").asText());
        assertTrue(ok.path("response").has(field), action + " answers " + field + ": " + ok);

        billing().whmcsDown(bad.whmcsDown());
        JsonNode failed = run("whmcs.billing." + action, bad.params(), bad.instance());
        assertStatus("FAILED", failed);
        assertEquals(code, failed.path("error").path("code").asText(), failed.toString());
        assertFalse(failed.path("error").path("retryable").asBoolean(), "the API said no: " + failed);
        assertFalse(failed.path("error").path("upstream").asText().isEmpty(), "raw body kept: " + failed);
    }

    /** The billing API's five failure shapes, each produced by the action whose page shows it, read alike. */
    @Test
    void theFiveFailureShapesBecomeOneErrorWithTheRawBody() {
        // {"code":-1,"message":...}
        JsonNode code1 = run("whmcs.billing.get_invoice", params("invoice_id", 999));
        assertEquals("invalid invoice id 999 at whmcs_eu", code1.path("error").path("message").asText());
        assertTrue(code1.path("error").path("upstream").asText().contains("\"code\":-1"), code1.toString());
        // {"code":-3,"message":...}
        JsonNode code3 = run("whmcs.billing.request_cancellation", params("id", 503));
        assertEquals("-3", code3.path("error").path("code").asText());
        assertEquals("whmcs_immediate_cancellation_no_invoices", code3.path("error").path("message").asText());
        // {"result":"-1","message":...}
        JsonNode resultText = run("whmcs.billing.get_invoices", params("location", "whmcs_xx"));
        assertEquals("-1", resultText.path("error").path("code").asText());
        assertEquals("Invalid billing location or invalid client id", resultText.path("error").path("message").asText());
        assertTrue(resultText.path("error").path("upstream").asText().contains("\"result\":\"-1\""), resultText.toString());
        // {"result":-1,"error":...}
        JsonNode resultNumber = run("whmcs.billing.get_related_invoices", params("id", 9));
        assertEquals("-1", resultNumber.path("error").path("code").asText());
        assertEquals("server 9 is not linked to the billing", resultNumber.path("error").path("message").asText());
        assertTrue(resultNumber.path("error").path("upstream").asText().contains("\"result\":-1"), resultNumber.toString());
        // add_contact's map of error keys: an address that is not one, and a phone number that is not one
        JsonNode map = run("whmcs.billing.add_contact", nested("params", "firstname", "Ann", "email", "ann@example",
                "phonenumber", "call me"));
        assertStatus("FAILED", map);
        assertEquals("-1", map.path("error").path("code").asText());
        assertEquals("fill_required_fields: message_email_incorrect, message_phone_incorrect_format",
                map.path("error").path("message").asText());
        assertTrue(map.path("error").path("upstream").asText().contains("\"-1\":\"fill_required_fields\""), map.toString());
        // and the sixth, a failure inside a success answer: WHMCS refusing credit beyond the balance
        int topUp = run("whmcs.billing.create_addfunds", params("amount", "200.00")).path("response").path("invoice").path("id").asInt();
        JsonNode wrapped = run("whmcs.billing.apply_credit", params("invoice_id", topUp, "amount", "200.00"));
        assertStatus("FAILED", wrapped);
        assertEquals("WHMCS_REFUSED", wrapped.path("error").path("code").asText());
        assertEquals("WHMCS ApplyCredit failed: Amount exceeds customer credit balance", wrapped.path("error").path("message").asText());
    }

    @Test
    void invalidCommandsAreRejectedNamingTheFieldAndNeverSent() {
        long before = sim.calls(BillingSim.NAME).size();
        assertRejected(run("whmcs.billing.mass_pay", invoices(1001)), "invoices");
        assertRejected(run("whmcs.billing.mass_pay", invoices(1001, 1001)), "invoices");
        assertRejected(run("whmcs.billing.create_addfunds", params("amount", "19.99")), "amount");
        assertRejected(run("whmcs.billing.create_addfunds", params("amount", "25.005")), "amount");
        assertRejected(run("whmcs.billing.apply_credit", params("invoice_id", 1001, "amount", "-5")), "amount");
        assertRejected(run("whmcs.billing.apply_credit", params("amount", "5.00")), "invoice_id");
        assertRejected(run("whmcs.billing.get_invoice", params("invoice_id", "1001; DROP")), "invoice_id");
        assertRejected(run("whmcs.billing.update_client", nested("profile_data", "location", "whmcs_eu")), "profile_data[client_id]");
        assertRejected(run("whmcs.billing.update_client", nested("profile_data", "client_id", 12345, "is_admin", "1")), "profile_data[is_admin]");
        assertRejected(run("whmcs.billing.add_contact", nested("params", "email", "a@example.org", "password1", "x1",
                "password2", "x2")), "password2");
        assertRejected(run("whmcs.billing.getcredits", params("token", "from-an-event")), "token");
        assertRejected(run("whmcs.core.AddCredit", params("clientid", 12345, "amount", "5.00")), "description");
        assertRejected(run("whmcs.core.GetClientsDetails", params()), "clientid");
        assertRejected(run("whmcs.core.GetInvoices", params("secret", "from-an-event")), "secret");
        assertEquals(before, sim.calls(BillingSim.NAME).size(), "nothing reached the API");
    }

    /**
     * Client 12346's name is stored in Latin-1, so WHMCS answers its details with "Error generating JSON encoded
     * response: Malformed UTF-8 characters" (docs/apis/whmcs-core.md). The read is asked again as XML and succeeds.
     */
    @Test
    void aReadWhmcsCannotEncodeAsJsonIsReadAsXml() {
        int before = sim.calls(BillingSim.NAME).size();
        JsonNode details = run("whmcs.core.GetClientsDetails", params("clientid", BillingSim.LEGACY_CLIENT));
        assertStatus("SUCCEEDED", details);
        assertEquals("M\uFFFDller", details.path("response").path("lastname").asText(), details.toString());
        assertEquals("J\u00fcrgen", details.path("response").path("firstname").asText());
        assertEquals("12346", details.path("response").path("userid").asText(), "values read from XML are text");
        List<RecordedCall> calls = sim.calls(BillingSim.NAME).subList(before, sim.calls(BillingSim.NAME).size());
        assertEquals(List.of("json", "xml"), calls.stream().map(c -> c.params().get("responsetype")).toList());
    }

    @Test
    void theCoreApiIsServedByTheSameService() {
        JsonNode details = run("whmcs.core.GetClientsDetails", params("clientid", 12345));
        assertStatus("SUCCEEDED", details);
        assertEquals("GetClientsDetails", details.path("action").asText());
        assertEquals("john.doe@example.com", details.path("response").path("email").asText());
        RecordedCall call = sim.calls(BillingSim.NAME).get(sim.calls(BillingSim.NAME).size() - 1);
        assertEquals("json", call.params().get("responsetype"));
        assertEquals("GetClientsDetails", call.params().get("action"));
        assertEquals(BillingSim.CORE_PATH, call.path());

        JsonNode credit = run("whmcs.core.AddCredit", params("clientid", 12345, "description", "goodwill", "amount", "2.50"));
        assertEquals("153.00", credit.path("response").path("newbalance").asText(), credit.toString());
        JsonNode credits = run("whmcs.core.GetCredits", params("clientid", 12345));
        assertEquals("153.00", credits.path("response").path("credits").path("credit").get(0).path("amount").asText());

        JsonNode missing = run("whmcs.core.GetInvoice", params("invoiceid", 999));
        assertStatus("FAILED", missing);
        assertEquals("Invoice ID Not Found", missing.path("error").path("message").asText());
        assertTrue(missing.path("error").path("upstream").asText().contains("\"result\":\"error\""));
        JsonNode notEmulated = run("whmcs.core.GetTLDPricing", params("currencyid", 1));
        assertStatus("FAILED", notEmulated);
    }

    @Test
    void aPagedCoreListCollectsEveryPageWhenAsked() {
        JsonNode page = run("whmcs.core.GetInvoices", params("limitstart", 1, "limitnum", 2));
        assertEquals(2, page.path("response").path("numreturned").asInt(), page.toString());
        assertEquals(1, page.path("response").path("startnumber").asInt());
        assertEquals(4, page.path("response").path("totalresults").asInt());
        assertEquals("40.00", page.path("response").path("invoices").path("invoice").get(0).path("total").asText());

        // two more invoices, then every page two at a time: limitstart advances until totalresults are in
        run("whmcs.billing.create_addfunds", params("amount", "20.00"));
        run("whmcs.billing.create_addfunds", params("amount", "21.00"));
        int invoices = billing().invoices().size();
        long before = calls("core:GetInvoices");
        JsonNode all = run("whmcs.core.GetInvoices", params("limitnum", 2, "all_pages", true));
        assertStatus("SUCCEEDED", all);
        JsonNode r = all.path("response");
        assertEquals(invoices, r.path("invoices").path("invoice").size(), all.toString());
        assertEquals(invoices, r.path("numreturned").asInt());
        assertEquals(invoices, r.path("totalresults").asInt());
        assertEquals(0, r.path("startnumber").asInt());
        assertEquals(3, r.path("pages").asInt());
        assertFalse(r.path("truncated").asBoolean());
        assertEquals(before + 3, calls("core:GetInvoices"), "one request per page");
        assertEquals("21.00", r.path("invoices").path("invoice").get(invoices - 1).path("total").asText());
        assertTrue(sim.calls(BillingSim.NAME).stream().noneMatch(c -> c.params().containsKey("all_pages")), "all_pages stays ours");

        // instance "paged" reads at most 2 pages: what was collected, and that it is not all
        JsonNode bounded = run("whmcs.core.GetInvoices", params("limitnum", 1, "all_pages", true), "paged");
        assertStatus("SUCCEEDED", bounded);
        assertEquals(2, bounded.path("response").path("numreturned").asInt(), bounded.toString());
        assertEquals(invoices, bounded.path("response").path("totalresults").asInt());
        assertTrue(bounded.path("response").path("truncated").asBoolean());
    }

    @Test
    void downloadInvoiceIsBase64UpToTheCapThenAClearFailure() {
        JsonNode small = run("whmcs.billing.download_invoice", params("invoice_id", 1001));
        String pdf = new String(Base64.getDecoder().decode(small.path("response").path("message").asText()));
        assertTrue(pdf.startsWith("%PDF-1.4"), pdf);
        // invoice 1004's PDF is 10 KB (13 KB of base64); the test profile reads answers up to 12 KB
        JsonNode big = run("whmcs.billing.download_invoice", params("invoice_id", 1004));
        assertStatus("FAILED", big);
        assertEquals("TOO_LARGE", big.path("error").path("code").asText());
        assertTrue(big.path("error").path("message").asText().contains("max-answer-bytes"), big.toString());
    }

    @Test
    void anInvalidTokenOrSecretStopsCallsToTheInstance() {
        long before = sim.calls(BillingSim.NAME).stream().filter(RecordedCall::authFailed).count();
        JsonNode first = run("whmcs.billing.getcredits", params(), "badtoken");
        assertStatus("FAILED", first);
        assertEquals("-1", first.path("error").path("code").asText());
        JsonNode second = run("whmcs.core.GetCredits", params("clientid", 12345), "badtoken");
        assertEquals("CIRCUIT_OPEN", second.path("error").path("code").asText(), second.toString());
        assertEquals(before + 1, sim.calls(BillingSim.NAME).stream().filter(RecordedCall::authFailed).count(),
                "one failed login, not two");
        JsonNode unaffected = run("whmcs.billing.getcredits", params());
        assertStatus("SUCCEEDED", unaffected);
    }

    @Test
    void tokensSecretsAndPasswordsReachNoLogTableOrEvent() throws Exception {
        String planted = "canary-" + UUID.randomUUID().toString().substring(0, 12);
        run("whmcs.billing.add_contact", nested("params", "firstname", "Can", "email", "can-" + UUID.randomUUID() + "@example.org",
                "password1", planted, "password2", planted));
        run("whmcs.billing.reset_password", params("email", "john.doe@example.com", "pass", planted, "reset_token", planted + "-t"));
        run("whmcs.billing.update_client", nested("profile_data", "client_id", 12345, "co_secret", planted));
        run("whmcs.core.GetCredits", params("clientid", 12345));
        SecretScan scan = SecretScan.of("billing");
        scan.assertAbsent(planted);
        scan.assertAbsent(BillingSim.DEFAULT_TOKEN);
        scan.assertAbsent(BillingSim.DEFAULT_SECRET);
    }

    @Test
    void resetPasswordsOneTimeCodeReachesNoLogTableOrEventWhileOtherCodesStayVisible() throws Exception {
        String code = "482913";
        String started = newId();
        client.send(KEY, command(started, "whmcs.billing.reset_password", params("email", "john.doe@example.com", "code", code), null));
        assertStatus("SUCCEEDED", client.awaitResult(started, WAIT).data());
        String refused = newId();
        client.send(KEY, command(refused, "whmcs.billing.reset_password", params("email", "john.doe@example.com",
                "reset_token", "wrong", "pass", "N3w-pass-" + UUID.randomUUID(), "code", code), null));
        assertStatus("FAILED", client.awaitResult(refused, WAIT).data());
        assertTrue(sim.calls(BillingSim.NAME).stream().anyMatch(c -> code.equals(c.params().get("code"))),
                "the API itself was sent the code");
        // a promotion code of the core API is no secret: "code" is masked for reset_password only
        String promotion = newId();
        client.send(KEY, command(promotion, "whmcs.core.GetPromotions", params("code", "SPRING25"), null));
        client.awaitResult(promotion, WAIT);

        SecretScan scan = SecretScan.of("billing");
        scan.assertAbsentAsToken(code);
        for (String id : java.util.List.of(started, refused)) {
            assertTrue(scan.rowsContaining(id).stream().anyMatch(r -> r.startsWith("command_log") && r.contains("[REDACTED]")),
                    "command_log.params of " + id + " keeps the code masked: " + scan.rowsContaining(id));
            assertFalse(scan.recordsContaining(id).isEmpty(), "the result event of " + id + " was scanned");
        }
        assertTrue(scan.rowsContaining(promotion).stream().anyMatch(r -> r.startsWith("command_log") && r.contains("SPRING25")),
                "command_log.params of GetPromotions keeps its code: " + scan.rowsContaining(promotion));
    }

    @Test
    void badInputCorpusIsRejectedOrDeadLettered() {
        String good = newId();
        BadInputCorpus.assertHandled(client, "billing", "whmcs.billing.apply_credit",
                command(good, "whmcs.billing.getcredits", params(), null), () -> sim.context().calls().size());
    }
}
