package io.whmcsbridge.simulator.billing;

import com.fasterxml.jackson.databind.JsonNode;
import io.whmcsbridge.simulator.SimulatorOnTheWire;
import io.whmcsbridge.simulator.core.RecordedCall;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The simulated whmcs.php and core API on the wire, as a PHP client (curl --data) would talk to them. */
class BillingSimTest extends SimulatorOnTheWire {

    /** POSTs {@code name, value, name, value, ...} form-encoded, the token added unless given. */
    static JsonNode billing(String... nameValues) throws Exception {
        List<String> pairs = new ArrayList<>(List.of(nameValues));
        if (!pairs.contains("token")) {
            pairs.add("token");
            pairs.add(BillingSim.DEFAULT_TOKEN);
        }
        return post(BillingSim.BILLING_PATH, pairs);
    }

    static JsonNode core(String query, String... nameValues) throws Exception {
        List<String> pairs = new ArrayList<>(List.of("identifier", BillingSim.DEFAULT_IDENTIFIER, "secret",
                BillingSim.DEFAULT_SECRET, "responsetype", "json"));
        pairs.addAll(List.of(nameValues));
        return post(BillingSim.CORE_PATH + query, pairs);
    }

    static JsonNode post(String path, List<String> pairs) throws Exception {
        HttpResponse<String> r = postForm(path, pairs);
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    @Test
    void aWrongTokenGetsTheRefusalOfTheGetClientgroupsPage() throws Exception {
        JsonNode refused = billing("action", "get_clientgroups", "token", "expired");
        assertEquals(-1, refused.path("code").asInt());
        assertEquals("Invalid token or access denied", refused.path("message").asText());
        RecordedCall call = sim.calls(BillingSim.NAME).get(0);
        assertTrue(call.authFailed());
        JsonNode groups = billing("action", "get_clientgroups");
        assertEquals("OK", groups.path("result").asText());
        assertEquals(2, groups.path("data").path("groups").size(), groups.toString());
    }

    @Test
    void eachFailureShapeComesFromTheActionWhosePageShowsIt() throws Exception {
        // {"code":-1,"message"}: credit for an invoice that is already paid
        JsonNode code1 = billing("action", "apply_credit", "invoice_id", "1003", "amount", "5.00");
        assertEquals("invalid invoice id 1003 at whmcs_eu status - Paid", code1.path("message").asText());
        assertEquals(-1, code1.path("code").asInt());
        // {"code":-3,...}: server 503 has no invoices to cancel against
        JsonNode code3 = billing("action", "request_cancellation", "id", "503", "cancellation_type", "1");
        assertEquals(-3, code3.path("code").asInt());
        assertEquals("whmcs_immediate_cancellation_no_invoices", code3.path("message").asText());
        // {"result":"-1","message"}: a location that does not exist
        JsonNode resultText = billing("action", "get_invoices", "location", "whmcs_xx");
        assertTrue(resultText.path("result").isTextual());
        assertEquals("-1", resultText.path("result").asText());
        // {"result":-1,"error"}: a server without a billing link
        JsonNode resultNumber = billing("action", "get_related_invoices", "id", "9");
        assertTrue(resultNumber.path("result").isNumber());
        assertEquals("server 9 is not linked to the billing", resultNumber.path("error").asText());
        // add_contact's map of error keys
        JsonNode map = billing("action", "add_contact", "params[firstname]", "Ann", "params[email]", "not-an-address");
        assertEquals("fill_required_fields", map.path("-1").asText());
        assertEquals("message_email_incorrect", map.path("message_email_incorrect").asText());
        assertTrue(sim.sideEffects(BillingSim.NAME).isEmpty(), "no failure changed anything");
    }

    @Test
    void massPayPaysEveryListedInvoiceWithOneTransaction() throws Exception {
        JsonNode paid = billing("action", "mass_pay", "invoices[]", "1001", "invoices[]", "1002");
        assertEquals("OK", paid.path("result").asText());
        int combined = paid.path("invoiceid").asInt();
        assertEquals("Paid", sim.api(BillingSim.class).invoice(1001).status());
        assertEquals("Paid", sim.api(BillingSim.class).invoice(1002).status());
        assertEquals(new BigDecimal("65.00"), sim.api(BillingSim.class).invoice(combined).total());
        JsonNode tx = billing("action", "transactions", "invoice_id", "1002");
        assertEquals(1, tx.path("transactions").size(), tx.toString());
        assertEquals("65.00", tx.path("transactions").get(0).path("amount").decimalValue().toPlainString());
        assertEquals("mass_pay_requires_2_invoices",
                billing("action", "mass_pay", "invoices[]", "1004").path("message").asText());
        assertEquals(1, sim.sideEffects(BillingSim.NAME).size());
    }

    @Test
    void creditIsAppliedUpToTheInvoiceAndRefusedBeyondTheBalance() throws Exception {
        JsonNode applied = billing("action", "apply_credit", "invoice_id", "1001", "amount", "100.00");
        assertEquals("success", applied.path("result").asText());
        assertEquals("Applied 25.00 credit to invoice 1001", applied.path("message").asText());
        assertEquals("125.50", billing("action", "getcredits").path("message").decimalValue().toPlainString());
        assertEquals("success", billing("action", "apply_credit", "invoice_id", "1004", "amount", "60.00").path("result").asText());
        assertEquals("65.50", billing("action", "getcredits").path("message").decimalValue().toPlainString());
        // a 100.00 top-up invoice: 100.00 is more than the 65.50 left, WHMCS refuses and this API wraps that in a success
        int topUp = billing("action", "create_addfunds", "amount", "100.00").path("invoice").path("id").asInt();
        JsonNode refused = billing("action", "apply_credit", "invoice_id", Integer.toString(topUp), "amount", "100.00");
        assertEquals("success", refused.path("result").asText());
        assertEquals("WHMCS ApplyCredit failed: {\"error\":\"Amount exceeds customer credit balance\"}",
                refused.path("message").asText());
        assertEquals("65.50", billing("action", "getcredits").path("message").decimalValue().toPlainString());
        assertEquals("Unpaid", sim.api(BillingSim.class).invoice(topUp).status());
    }

    @Test
    void cancellationRequestsAreListedAsThePageShowsAndDeleted() throws Exception {
        billing("action", "request_cancellation", "id", "501", "cancellation_reason", "moving");
        JsonNode listed = billing("action", "get_cancellation_requests");
        JsonNode first = listed.path("message").get(0);
        assertEquals(501, first.path("relid").asInt(), listed.toString());
        assertEquals("moving", first.path("cr_reason").asText());
        assertEquals("End of Billing Period", first.path("cr_type").asText());
        assertEquals(501, billing("action", "delete_cancellation_request", "id", "501").path("productid").asInt());
        assertEquals(0, billing("action", "get_cancellation_requests").path("message").size());
    }

    @Test
    void whenWhmcsIsUnreachableActionsAnswerTheirPagesFailure() throws Exception {
        sim.api(BillingSim.class).whmcsDown(true);
        JsonNode credits = billing("action", "getcredits");
        assertEquals(-1, credits.path("code").asInt());
        assertTrue(credits.path("message").asText().startsWith("failed to retrieve account history at whmcs_eu"));
        JsonNode addfunds = billing("action", "create_addfunds", "amount", "25.00");
        assertEquals(-1, addfunds.path("code").asInt());
        assertTrue(sim.sideEffects(BillingSim.NAME).isEmpty());
    }

    @Test
    void theCoreApiTakesTheActionFromTheQueryOrTheBodyAndPages() throws Exception {
        JsonNode page = core("?action=GetInvoices", "limitstart", "1", "limitnum", "2");
        assertEquals("success", page.path("result").asText());
        assertEquals(4, page.path("totalresults").asInt());
        assertEquals(1, page.path("startnumber").asInt());
        assertEquals(2, page.path("numreturned").asInt());
        assertEquals("40.00", page.path("invoices").path("invoice").get(0).path("total").asText(), "money as a string");
        JsonNode body = core("", "action", "GetClientsDetails", "clientid", "12345");
        assertEquals("john.doe@example.com", body.path("email").asText());
        JsonNode wrong = post(BillingSim.CORE_PATH, List.of("identifier", BillingSim.DEFAULT_IDENTIFIER, "secret", "nope",
                "action", "GetInvoices", "responsetype", "json"));
        assertEquals("error", wrong.path("result").asText());
        assertEquals("Authentication Failed", wrong.path("message").asText());
        assertFalse(sim.calls(BillingSim.NAME).stream().filter(RecordedCall::authFailed).toList().isEmpty());
    }

    /** WHMCS's XML: the envelope, the action, a list repeating its element; and the client only XML can carry. */
    @Test
    void responsetypeXmlAnswersWhmcsXmlAndTheLegacyClientOnlyInIt() throws Exception {
        String invoices = raw("action", "GetInvoices", "limitnum", "2", "responsetype", "xml");
        assertTrue(invoices.startsWith("<?xml"), invoices);
        assertTrue(invoices.contains("<whmcsapi version=") && invoices.contains("<action>GetInvoices</action>")
                && invoices.contains("<result>success</result>"), invoices);
        assertEquals(2, invoices.split("<invoice>", -1).length - 1, "two <invoice> elements under <invoices>: " + invoices);
        assertTrue(invoices.contains("<invoices><invoice><id>"), invoices);

        JsonNode json = core("", "action", "GetClientsDetails", "clientid", Integer.toString(BillingSim.LEGACY_CLIENT));
        assertEquals("error", json.path("result").asText());
        assertEquals(BillingSim.JSON_ENCODING_ERROR, json.path("message").asText());
        String xml = raw("action", "GetClientsDetails", "clientid", Integer.toString(BillingSim.LEGACY_CLIENT),
                "responsetype", "xml");
        assertTrue(xml.contains("<result>success</result>") && xml.contains("<lastname>M\uFFFDller</lastname>"), xml);
    }

    /** The core actions whose parameters or answers carry secrets answer as WHMCS documents them. */
    @Test
    void payMethodsOAuthCredentialsAndSsoTokensAnswerAsWhmcs() throws Exception {
        JsonNode card = core("", "action", "AddPayMethod", "clientid", "12345", "type", "CreditCard",
                "card_number", "4111111111111111", "card_expiry", "1229", "description", "Visa");
        assertEquals("success", card.path("result").asText(), card.toString());
        assertEquals(List.of("result", "clientid", "paymethodid"), fieldNames(card));
        JsonNode bank = core("", "action", "AddPayMethod", "clientid", "12345", "type", "BankAccount",
                "bank_name", "Example Bank", "bank_account_type", "Checking", "bank_code", "021000021", "bank_account", "9876543210");
        assertEquals(card.path("paymethodid").asInt() + 1, bank.path("paymethodid").asInt(), bank.toString());
        var stored = sim.api(BillingSim.class).payMethods();
        assertEquals(List.of("1111", "3210"), stored.stream().map(BillingSim.PayMethod::lastFour).toList());
        assertEquals("Invalid Card Number", core("", "action", "AddPayMethod", "clientid", "12345", "card_number", "x",
                "card_expiry", "1229").path("message").asText());
        assertEquals("Client ID Not Found", core("", "action", "AddPayMethod", "clientid", "9").path("message").asText());

        JsonNode oauth = core("", "action", "CreateOAuthCredential", "grantType", "single_sign_on",
                "scope", "clientarea:sso", "serviceId", "7001", "name", "Portal");
        assertEquals(List.of("result", "credentialId", "clientIdentifier", "clientSecret"), fieldNames(oauth));
        assertTrue(oauth.path("clientIdentifier").asText().startsWith("WHMCS."), oauth.toString());
        JsonNode listed = core("", "action", "ListOAuthCredentials");
        assertEquals(oauth.path("clientSecret").asText(), listed.path("clients").get(0).path("clientSecret").asText(), listed.toString());
        assertEquals("error", core("", "action", "CreateOAuthCredential", "grantType", "password").path("result").asText());

        JsonNode sso = core("", "action", "CreateSsoToken", "client_id", "12345", "destination", "clientarea:invoices");
        assertEquals(List.of("result", "access_token", "redirect_url"), fieldNames(sso));
        String token = sso.path("access_token").asText();
        assertTrue(sso.path("redirect_url").asText().endsWith("/oauth/singlesignon.php?access_token=" + token), sso.toString());
        assertEquals(List.of(token), sim.api(BillingSim.class).ssoTokens());
        assertEquals("Client ID Not Found", core("", "action", "CreateSsoToken", "client_id", "9").path("message").asText());
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static String raw(String... nameValues) throws Exception {
        List<String> pairs = new ArrayList<>(List.of("identifier", BillingSim.DEFAULT_IDENTIFIER, "secret",
                BillingSim.DEFAULT_SECRET));
        pairs.addAll(List.of(nameValues));
        HttpResponse<String> r = postForm(BillingSim.CORE_PATH, pairs);
        assertEquals(200, r.statusCode(), r.body());
        return r.body();
    }
}
