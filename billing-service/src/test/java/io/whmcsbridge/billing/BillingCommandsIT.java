package io.whmcsbridge.billing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.whmcsbridge.model.CloudEvent;
import io.whmcsbridge.model.Json;
import io.whmcsbridge.runtime.testing.BadInputCorpus;
import io.whmcsbridge.runtime.testing.BridgeTestClient;
import io.whmcsbridge.runtime.testing.SecretScan;
import io.whmcsbridge.runtime.testing.ServiceTestResource;
import io.whmcsbridge.runtime.testing.SimulatorTestResource;
import io.whmcsbridge.simulator.Fault;
import io.whmcsbridge.simulator.RecordedCall;
import io.whmcsbridge.simulator.WhmcsSimulator;
import io.whmcsbridge.simulator.billing.BillingSim;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import static io.whmcsbridge.runtime.testing.BridgeTestClient.command;
import static io.whmcsbridge.runtime.testing.BridgeTestClient.newId;
import static io.whmcsbridge.runtime.testing.BridgeTestClient.params;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** billing-service end to end: the real broker and database, the simulated whmcs.php and WHMCS core API. */
@QuarkusTest
@Order(1)
@QuarkusTestResource(value = ServiceTestResource.class, initArgs = @ResourceArg(name = "family", value = "billing"))
class BillingCommandsIT {
    static final Duration WAIT = Duration.ofSeconds(30);
    static BridgeTestClient client;

    WhmcsSimulator sim = SimulatorTestResource.simulator();

    @BeforeAll
    static void connect() {
        client = new BridgeTestClient("billing");
    }

    @AfterAll
    static void disconnect() {
        client.close();
    }

    @BeforeEach
    void freshState() {
        sim.context().clearFaults();
        sim.api(BillingSim.class).reset();
    }

    static JsonNode run(String type, ObjectNode params, String instance) {
        String id = newId();
        client.send("client-12345", command(id, type, params, instance));
        return client.awaitResult(id, WAIT).data();
    }

    static JsonNode run(String type, ObjectNode params) {
        return run(type, params, null);
    }

    static ObjectNode nested(String name, Object... nameValues) {
        ObjectNode p = Json.MAPPER.createObjectNode();
        p.set(name, params(nameValues));
        return p;
    }

    static ObjectNode invoices(int... ids) {
        ObjectNode p = Json.MAPPER.createObjectNode();
        var list = p.putArray("invoices");
        for (int id : ids) {
            list.add(id);
        }
        return p;
    }

    /** Each of the 24 actions with what its page shows, and with what it refuses (in that page's failure shape). */
    static Stream<Arguments> actions() {
        return Stream.of(
                arguments("add_contact", nested("params", "firstname", "Ann", "lastname", "Lee", "email", "ann@example.org",
                        "password1", "Pw-123456", "password2", "Pw-123456"), "contactid",
                        nested("params", "firstname", "Ann", "email", "john.doe@example.com"), "-1"),
                arguments("apply_credit", params("invoice_id", 1001, "amount", "10.00"), "message",
                        params("invoice_id", 1003, "amount", "5.00"), "-1"),
                arguments("create_addfunds", params("amount", "25.00", "description", "Top up", "subscribe", false), "invoice",
                        null, null),
                arguments("delete_cancellation_request", params("id", 501), null, params("id", 502), "-1"),
                arguments("delete_contact", params("contact_id", 67890), "clientid", params("contact_id", 5), "-1"),
                arguments("download_invoice", params("invoice_id", 1001), "message", params("invoice_id", 999), "-1"),
                arguments("generate_due_invoice", params("id", 502), "invoices", params("id", 501), "-1"),
                arguments("get_billing_data", params("id", 501), "data", params("id", 9), "-1"),
                arguments("get_cancellation_requests", params(), "requests", params("id", 9), "-1"),
                arguments("get_client", params("full", true), "client", params("email", "nobody@example.org"), "-1"),
                arguments("get_clientgroups", params(), "groups", null, null),
                arguments("get_contacts", params(), "contacts", null, null),
                arguments("get_invoice", params("invoice_id", 1001), "total", params("invoice_id", 999), "-1"),
                arguments("get_invoices", params("location", "whmcs_eu"), "invoices", params("location", "whmcs_xx"), "-1"),
                arguments("get_related_invoices", params("id", 501), "invoices", params("id", 9), "-1"),
                arguments("getcredits", params(), "message", null, null),
                arguments("getpaymentgw", params("invoice_id", 1001), "methods", params("invoice_id", 999), "-1"),
                arguments("mass_pay", invoices(1001, 1002), "invoiceid", invoices(1001, 1003), "-1"),
                arguments("request_cancellation", params("id", 502, "cancellation_type", 1, "refund", "5.00",
                        "currency", "USD"), null, null, null),
                arguments("request_subscription_cancellation", params("id", 501), "ticket", params("id", 502), "-1"),
                arguments("reset_password", params("email", "john.doe@example.com"), "message",
                        params("email", "john.doe@example.com", "reset_token", "wrong", "pass", "N3w-pass", "code", "123456"), "-1"),
                arguments("transactions", params(), "transactions", null, null),
                arguments("update_client", nested("profile_data", "client_id", 12345, "location", "whmcs_eu",
                        "billing_email", "new@example.org"), "billing_email",
                        nested("profile_data", "client_id", 12345, "billing_email", ""), "-1"),
                arguments("update_contact", params("contact_id", 67890, "email", "c@example.org", "firstname", "Cy"),
                        "clientid", params("contact_id", 5, "email", "c@example.org"), "-1"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("actions")
    void eachActionSucceedsAndFailsAsItsPageShows(String action, ObjectNode good, String field, ObjectNode bad, String code) {
        if (action.equals("delete_contact") || action.equals("update_contact")) {
            // a contact to work on
            assertEquals("SUCCEEDED", run("whmcs.billing.add_contact", nested("params", "firstname", "Tmp",
                    "email", "tmp-" + UUID.randomUUID() + "@example.org")).path("status").asText());
        }
        if (action.equals("delete_cancellation_request")) {
            run("whmcs.billing.request_cancellation", params("id", 501));
        }
        JsonNode ok = run("whmcs.billing." + action, good);
        assertEquals("SUCCEEDED", ok.path("status").asText(), ok.toString());
        if (field != null) {
            assertTrue(ok.path("response").has(field), action + " answers " + field + ": " + ok);
        }
        if (bad != null) {
            JsonNode failed = run("whmcs.billing." + action, bad);
            assertEquals("FAILED", failed.path("status").asText(), failed.toString());
            assertEquals(code, failed.path("error").path("code").asText(), failed.toString());
            assertTrue(!failed.path("error").path("upstream").asText().isEmpty(), "raw body kept: " + failed);
        }
    }

    @Test
    void moneyActionsAreNeverSentTwiceForOneCommandId() {
        for (String[] a : new String[][] { { "mass_pay", "mass-pay" }, { "apply_credit", "credit-applied" },
                { "create_addfunds", "addfunds-invoice" } }) {
            ObjectNode p = switch (a[0]) {
                case "mass_pay" -> invoices(1001, 1002);
                case "apply_credit" -> params("invoice_id", 1004, "amount", "10.00");
                default -> params("amount", "30.00");
            };
            long before = effects(a[1]);
            String id = newId();
            CloudEvent cmd = command(id, "whmcs.billing." + a[0], p, null);
            client.send("client-12345", cmd);
            client.awaitResult(id, WAIT);
            client.send("client-12345", cmd);
            client.awaitResults(id, 2, WAIT);
            assertEquals(before + 1, effects(a[1]), a[0] + ": one effect for one command id");
        }
    }

    @Test
    void aTimeoutAfterAMassPaymentIsUnknownAndNeverResent() {
        long massPays = effects("mass-pay");
        sim.context().failNext(BillingSim.NAME, 1, Fault.Once.HANG_AFTER_EFFECT);
        JsonNode result = run("whmcs.billing.mass_pay", invoices(1001, 1002));
        assertEquals("UNKNOWN", result.path("status").asText(), result.toString());
        assertEquals(massPays + 1, effects("mass-pay"), "paid once, never resent");
        long credits = effects("credit-applied");
        sim.context().failNext(BillingSim.NAME, 1, Fault.Once.DROP_AFTER_EFFECT);
        JsonNode credit = run("whmcs.billing.apply_credit", params("invoice_id", 1004, "amount", "10.00"));
        assertEquals("UNKNOWN", credit.path("status").asText(), credit.toString());
        assertEquals(credits + 1, effects("credit-applied"));
    }

    @Test
    void moneyStaysExact() {
        BigDecimal before = sim.api(BillingSim.class).credit();
        JsonNode applied = run("whmcs.billing.apply_credit", params("invoice_id", 1001, "amount", "0.10"));
        assertEquals("SUCCEEDED", applied.path("status").asText(), applied.toString());
        assertEquals(0, before.subtract(new BigDecimal("0.10")).compareTo(sim.api(BillingSim.class).credit()));
        JsonNode credits = run("whmcs.billing.getcredits", params());
        assertEquals("150.40", credits.path("response").path("message").decimalValue().toPlainString(),
                "the JSON number arrives exactly: " + credits);
    }

    @Test
    void downloadInvoiceIsBase64UpToTheCapThenAClearFailure() {
        JsonNode small = run("whmcs.billing.download_invoice", params("invoice_id", 1001));
        String pdf = new String(Base64.getDecoder().decode(small.path("response").path("message").asText()));
        assertTrue(pdf.startsWith("%PDF-1.4"), pdf);
        JsonNode big = run("whmcs.billing.download_invoice", params("invoice_id", 1004));
        assertEquals("FAILED", big.path("status").asText(), big.toString());
        assertEquals("TOO_LARGE", big.path("error").path("code").asText());
    }

    @Test
    void validationRejectsBeforeAnyCall() {
        int calls = sim.context().calls().size();
        assertRejected(run("whmcs.billing.mass_pay", invoices(1001)), "at least 2");
        assertRejected(run("whmcs.billing.mass_pay", invoices(1001, 1001)), "twice");
        assertRejected(run("whmcs.billing.create_addfunds", params("amount", "19.99")), "amount");
        assertRejected(run("whmcs.billing.create_addfunds", params("amount", "25.005")), "amount");
        assertRejected(run("whmcs.billing.apply_credit", params("invoice_id", 1001, "amount", "-5")), "amount");
        assertRejected(run("whmcs.billing.update_client", nested("profile_data", "location", "whmcs_eu")), "client_id");
        assertRejected(run("whmcs.billing.add_contact", nested("params", "email", "a@example.org", "password1", "x1",
                "password2", "x2")), "password2");
        assertRejected(run("whmcs.core.AddCredit", params("clientid", 12345, "amount", "5.00")), "description");
        assertRejected(run("whmcs.core.GetClientsDetails", params()), "clientid");
        assertEquals(calls, sim.context().calls().size(), "nothing reached the API");
    }

    @Test
    void theCoreApiWorksThroughTheSameService() {
        JsonNode details = run("whmcs.core.GetClientsDetails", params("clientid", 12345));
        assertEquals("SUCCEEDED", details.path("status").asText(), details.toString());
        assertEquals("john.doe@example.com", details.path("response").path("email").asText());
        JsonNode page = run("whmcs.core.GetInvoices", params("limitstart", 1, "limitnum", 2));
        assertEquals(2, page.path("response").path("numreturned").asInt(), page.toString());
        assertEquals(1, page.path("response").path("startnumber").asInt());
        assertEquals("40.00", page.path("response").path("invoices").path("invoice").get(0).path("total").asText());
        // every page, two invoices at a time: limitstart advances until totalresults are in
        int invoices = sim.api(BillingSim.class).invoices().size();
        JsonNode all = run("whmcs.core.GetInvoices", params("limitnum", 2, "all_pages", true));
        assertEquals("SUCCEEDED", all.path("status").asText(), all.toString());
        assertEquals(invoices, all.path("response").path("invoices").path("invoice").size(), all.toString());
        assertEquals(invoices, all.path("response").path("numreturned").asInt());
        assertEquals(invoices, all.path("response").path("totalresults").asInt());
        assertEquals((invoices + 1) / 2, all.path("response").path("pages").asInt());
        assertTrue(sim.context().calls().stream().noneMatch(c -> c.params().containsKey("all_pages")), "all_pages stays ours");
        JsonNode credit = run("whmcs.core.AddCredit", params("clientid", 12345, "description", "goodwill", "amount", "2.50"));
        assertEquals("153.00", credit.path("response").path("newbalance").asText(), credit.toString());
        JsonNode missing = run("whmcs.core.GetInvoice", params("invoiceid", 999));
        assertEquals("FAILED", missing.path("status").asText());
        assertEquals("Invoice ID Not Found", missing.path("error").path("message").asText());
        RecordedCall last = sim.context().calls().get(sim.context().calls().size() - 1);
        assertEquals("json", last.params().get("responsetype"));
        assertEquals("GetInvoice", last.params().get("action"));
    }

    @Test
    void aRepeatedInvoicePaymentCommandPaysOnce() {
        String id = newId();
        CloudEvent pay = command(id, "whmcs.core.AddInvoicePayment", params("invoiceid", 1001, "transid", "TX-" + id,
                "gateway", "banktransfer", "date", "2026-11-23"), null);
        client.send("client-12345", pay);
        client.awaitResult(id, WAIT);
        client.send("client-12345", pay);
        client.awaitResults(id, 2, WAIT);
        assertEquals(1, sim.context().sideEffects().stream()
                .filter(e -> e.kind().equals("core-payment") && ("TX-" + id).equals(e.id())).count(), "one payment");
    }

    @Test
    void anInvalidTokenOrSecretStopsCallsToTheInstance() {
        long before = sim.context().calls().stream().filter(RecordedCall::authFailed).count();
        JsonNode first = run("whmcs.billing.getcredits", params(), "badtoken");
        assertEquals("FAILED", first.path("status").asText(), first.toString());
        assertEquals("-1", first.path("error").path("code").asText());
        JsonNode second = run("whmcs.core.GetCredits", params(), "badtoken");
        assertEquals("CIRCUIT_OPEN", second.path("error").path("code").asText(), second.toString());
        assertEquals(before + 1, sim.context().calls().stream().filter(RecordedCall::authFailed).count());
    }

    @Test
    void tokensSecretsAndPasswordsReachNoLogTableOrEvent() throws Exception {
        String planted = "canary-" + UUID.randomUUID().toString().substring(0, 12);
        run("whmcs.billing.add_contact", nested("params", "firstname", "Can", "email", "can-" + UUID.randomUUID() + "@example.org",
                "password1", planted, "password2", planted));
        run("whmcs.billing.reset_password", params("email", "john.doe@example.com", "pass", planted));
        SecretScan scan = SecretScan.of("billing");
        scan.assertAbsent(planted);
        scan.assertAbsent(BillingSim.DEFAULT_TOKEN);
        scan.assertAbsent(BillingSim.DEFAULT_SECRET);
    }

    @Test
    void badInputCorpusIsRejectedOrDeadLettered() {
        String good = newId();
        BadInputCorpus.assertHandled(client, "billing", "whmcs.billing.apply_credit", command(good, "whmcs.billing.getcredits", params(), null), () -> sim.context().calls().size());
    }

    long effects(String kind) {
        return sim.context().sideEffects().stream().filter(e -> e.kind().equals(kind)).count();
    }

    static void assertRejected(JsonNode result, String text) {
        assertEquals("REJECTED", result.path("status").asText(), result.toString());
        assertTrue(result.path("error").path("message").asText().contains(text), result.toString());
    }
}
