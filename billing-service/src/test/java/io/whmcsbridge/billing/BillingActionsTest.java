package io.whmcsbridge.billing;

import io.whmcsbridge.model.Json;
import io.whmcsbridge.runtime.api.ApiOutcome;
import io.whmcsbridge.runtime.api.ApiReply;
import io.whmcsbridge.runtime.testing.ReadmeCatalogue;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BillingActionsTest {

    @Test
    void readmeListsTheCatalogue() throws Exception {
        ReadmeCatalogue.assertUpToDate(new BillingActions());
    }

    @Test
    void everyDocumentedActionIsACommand() {
        BillingActions catalogue = new BillingActions();
        assertEquals(24, BillingActions.BILLING.size(), "the seed's method table has 24 actions");
        int core = CoreActions.CORE_CATEGORIES.values().stream().mapToInt(java.util.List::size).sum();
        assertEquals(75, core, "the seed's commandCategories name 75 actions");
        assertEquals(core, CoreActions.CORE.size());
        assertTrue(catalogue.byType("whmcs.billing.mass_pay").isPresent());
        assertTrue(catalogue.byType("whmcs.core.GetInvoices").isPresent());
        assertEquals(false, catalogue.byType("whmcs.billing.mass_pay").get().idempotent());
        assertEquals(false, catalogue.byType("whmcs.core.AddInvoicePayment").get().idempotent());
        assertEquals(true, catalogue.byType("whmcs.core.GetInvoices").get().idempotent());
    }

    /** The billing API's failure shapes, each as its vendor page shows it, and its two success words. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "code -1          | {\"code\": -1, \"message\": \"invalid invoice id 123 at whmcs_eu status - Unpaid\"} | -1 | invalid invoice id 123",
            "code -3          | {\"code\": -3, \"message\": \"whmcs_immediate_cancellation_no_invoices\"}             | -3 | whmcs_immediate_cancellation_no_invoices",
            "result \"-1\"    | {\"result\": \"-1\", \"message\": \"Invalid billing location or invalid client id\"}   | -1 | Invalid billing location",
            "result -1, error | {\"result\": -1, \"error\": \"server 7 is not linked to the billing\"}                | -1 | server 7 is not linked",
            "add_contact map  | {\"-1\": \"fill_required_fields\", \"message_email_incorrect\": \"message_email_incorrect\", \"email_registered\": \"email_registered\"} | -1 | fill_required_fields: message_email_incorrect, email_registered"})
    void failureShapesBecomeOneErrorWithTheRawBody(String shape, String body, String code, String message) {
        var err = assertInstanceOf(ApiOutcome.ApiError.class, HostingBillingGateway.read(new ApiReply(200, "application/json", body)));
        assertEquals(code, err.error().code(), shape);
        assertTrue(err.error().message().startsWith(message), shape + ": " + err.error().message());
        assertEquals(body, err.error().upstream(), "the raw body is kept");
    }

    /** apply_credit's page: a success whose message says WHMCS's own call failed is a failure, not a success. */
    @Test
    void aWhmcsFailureInsideASuccessIsAFailure() {
        String body = "{\"result\": \"success\", \"message\": \"WHMCS ApplyCredit failed: {\\\"error\\\":\\\"Amount exceeds customer credit balance\\\"}\"}";
        var err = assertInstanceOf(ApiOutcome.ApiError.class, HostingBillingGateway.read(new ApiReply(200, "application/json", body)));
        assertEquals("WHMCS_REFUSED", err.error().code());
        assertEquals("WHMCS ApplyCredit failed: Amount exceeds customer credit balance", err.error().message());
        assertEquals(body, err.error().upstream());
        // a result word the vendor page does not show, with a message, is still the API saying no
        var other = assertInstanceOf(ApiOutcome.ApiError.class, HostingBillingGateway.read(new ApiReply(200, "application/json",
                "{\"result\": \"error\", \"message\": \"system_error\"}")));
        assertEquals("error", other.error().code());
        assertEquals("system_error", other.error().message());
    }

    @Test
    void credentialsCannotComeFromACommand() {
        var spec = new BillingActions().byType("whmcs.core.GetClients").orElseThrow();
        for (String name : WhmcsCoreGateway.RESERVED) {
            var checked = io.whmcsbridge.runtime.catalogue.ParamValidator.validate(spec,
                    io.whmcsbridge.runtime.testing.BridgeTestClient.params(name, "x"));
            assertEquals(name, checked.violations().get(0).field(), name);
        }
    }

    @Test
    void successWordsAndAuthFailures() {
        assertInstanceOf(ApiOutcome.Success.class, HostingBillingGateway.read(new ApiReply(200, "application/json", "{\"result\":\"OK\"}")));
        assertInstanceOf(ApiOutcome.Success.class, HostingBillingGateway.read(new ApiReply(200, "application/json", "{\"result\":\"success\",\"message\":\"x\"}")));
        assertInstanceOf(ApiOutcome.AuthFailure.class, HostingBillingGateway.read(new ApiReply(200, "application/json",
                "{\"code\":-1,\"message\":\"Invalid token or access denied\"}")));
        assertInstanceOf(ApiOutcome.Malformed.class, HostingBillingGateway.read(new ApiReply(200, "text/html", "<html>")));
        assertInstanceOf(ApiOutcome.Success.class, WhmcsCoreGateway.read(new ApiReply(200, "application/json", "{\"result\":\"success\"}")));
        assertInstanceOf(ApiOutcome.AuthFailure.class, WhmcsCoreGateway.read(new ApiReply(200, "application/json",
                "{\"result\":\"error\",\"message\":\"Authentication Failed\"}")));
        assertInstanceOf(ApiOutcome.AuthFailure.class, WhmcsCoreGateway.read(new ApiReply(403, "text/plain", "Invalid IP 203.0.113.9")));
        assertEquals("error", assertInstanceOf(ApiOutcome.ApiError.class, WhmcsCoreGateway.read(new ApiReply(200,
                "application/json", "{\"result\":\"error\",\"message\":\"Client Not Found\"}"))).error().code());
    }
}
