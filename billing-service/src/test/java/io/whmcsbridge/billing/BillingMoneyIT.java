package io.whmcsbridge.billing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.whmcsbridge.model.CloudEvent;
import io.whmcsbridge.runtime.testing.ServiceTestResource;
import io.whmcsbridge.simulator.billing.BillingSim;
import io.whmcsbridge.simulator.core.Fault;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static io.whmcsbridge.runtime.testing.BridgeTestClient.command;
import static io.whmcsbridge.runtime.testing.BridgeTestClient.newId;
import static io.whmcsbridge.runtime.testing.BridgeTestClient.params;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Money through billing-service: credit and payments that the other actions then show, exact amounts, and the rule
 * that mass_pay, apply_credit and create_addfunds (and the core API's state changes) reach WHMCS at most once per
 * command id, whatever fails.
 */
@QuarkusTest
@Order(2)
@QuarkusTestResource(value = ServiceTestResource.class, initArgs = @ResourceArg(name = "family", value = "billing"))
class BillingMoneyIT extends BillingItSupport {

    @Test
    void creditAppliedToAnInvoiceIsVisibleThroughGetcredits() {
        assertEquals("150.50", run("whmcs.billing.getcredits", params()).path("response").path("message").decimalValue().toPlainString());
        JsonNode applied = run("whmcs.billing.apply_credit", params("invoice_id", 1001, "amount", "10.10"));
        assertStatus("SUCCEEDED", applied);
        JsonNode credits = run("whmcs.billing.getcredits", params());
        assertEquals("140.40", credits.path("response").path("message").decimalValue().toPlainString(),
                "the JSON number arrives exactly: " + credits);
        JsonNode invoice = run("whmcs.billing.get_invoice", params("invoice_id", 1001));
        assertEquals("14.90", invoice.path("response").path("balance").decimalValue().toPlainString(), invoice.toString());
        assertEquals("Unpaid", invoice.path("response").path("invoicestatus").asText());
        // more than the invoice's balance: the page says the maximum possible is applied
        assertStatus("SUCCEEDED", run("whmcs.billing.apply_credit", params("invoice_id", 1001, "amount", "100.00")));
        assertEquals("125.50", run("whmcs.billing.getcredits", params()).path("response").path("message").decimalValue().toPlainString());
        assertEquals("Paid", billing().invoice(1001).status());
    }

    @Test
    void aMassPaymentPaysEachInvoiceWithOneTransaction() {
        long before = effects("mass-pay");
        JsonNode paid = run("whmcs.billing.mass_pay", invoices(1001, 1002));
        assertStatus("SUCCEEDED", paid);
        int combined = paid.path("response").path("invoiceid").asInt();
        JsonNode tx = run("whmcs.billing.transactions", params("invoice_id", 1002));
        assertEquals(1, tx.path("response").path("transactions").size(), tx.toString());
        assertEquals("65.00", tx.path("response").path("transactions").get(0).path("amount").decimalValue().toPlainString());
        assertEquals("Paid", run("whmcs.billing.get_invoice", params("invoice_id", 1001)).path("response").path("invoicestatus").asText());
        assertEquals("Paid", run("whmcs.core.GetInvoice", params("invoiceid", combined)).path("response").path("status").asText());
        JsonNode again = run("whmcs.billing.mass_pay", invoices(1001, 1002));
        assertStatus("FAILED", again);
        assertEquals(before + 1, effects("mass-pay"), "a second command for paid invoices pays nothing");
    }

    static Stream<Arguments> moneyActionsUnderFaults() {
        List<String> actions = List.of("mass_pay", "apply_credit", "create_addfunds");
        // the fault, and how many effects it leaves: after the effect one, before it none
        List<Object[]> faults = List.of(new Object[] { Fault.Once.HANG_AFTER_EFFECT, 1 },
                new Object[] { Fault.Once.DROP_AFTER_EFFECT, 1 }, new Object[] { Fault.Once.MALFORMED, 1 },
                new Object[] { Fault.Once.HANG, 0 }, new Object[] { Fault.Once.DROP, 0 });
        return actions.stream().flatMap(a -> faults.stream().map(f -> arguments(a, f[0], f[1])));
    }

    static ObjectNode moneyParams(String action) {
        return switch (action) {
            case "mass_pay" -> invoices(1001, 1002);
            case "apply_credit" -> params("invoice_id", 1004, "amount", "10.00");
            default -> params("amount", "30.00", "description", "top-up");
        };
    }

    static String effectOf(String action) {
        return switch (action) {
            case "mass_pay" -> "mass-pay";
            case "apply_credit" -> "credit-applied";
            default -> "addfunds-invoice";
        };
    }

    /**
     * A money action whose answer is lost (read timeout, dropped connection, cut body) ends UNKNOWN after exactly one
     * request, with the effect in place or not; sending the command again republishes that result without a call.
     */
    @ParameterizedTest(name = "{0} with {1}")
    @MethodSource("moneyActionsUnderFaults")
    void aLostAnswerToAMoneyActionIsUnknownAndNeverResent(String action, Fault.Once fault, int effectsLeft) {
        long effects = effects(effectOf(action));
        long calls = calls(action);
        sim.context().failNext(BillingSim.NAME, 1, fault);
        String id = newId();
        CloudEvent cmd = command(id, "whmcs.billing." + action, moneyParams(action), null);
        client.send(KEY, cmd);
        CloudEvent result = client.awaitResult(id, WAIT);
        assertStatus("UNKNOWN", result.data());
        assertEquals(1, result.data().path("attempts").asInt());
        assertEquals(effects + effectsLeft, effects(effectOf(action)), action + " took effect " + effectsLeft + " time(s)");
        assertEquals(calls + 1, calls(action), "one request, never a retry");

        client.send(KEY, cmd);
        List<CloudEvent> both = client.awaitResults(id, 2, WAIT);
        assertEquals(result.id(), both.get(1).id(), "the stored result, published again");
        assertStatus("UNKNOWN", both.get(1).data());
        assertEquals(calls + 1, calls(action), "the repeated command id was not sent");
    }

    @Test
    void aRefusedMoneyCallFailsWithoutARetry() {
        // 503: the server did not take the request on; still, a money action is sent once per command
        sim.context().setFault(BillingSim.NAME, Fault.errors(1.0, 503));
        long calls = calls("create_addfunds");
        JsonNode refused = run("whmcs.billing.create_addfunds", params("amount", "30.00"));
        sim.context().clearFaults();
        assertStatus("FAILED", refused);
        assertEquals("HTTP_503", refused.path("error").path("code").asText());
        assertEquals(calls + 1, calls("create_addfunds"));
        assertEquals(0, billing().invoices().stream().filter(i -> i.total().compareTo(new java.math.BigDecimal("30.00")) == 0).count());
    }

    @Test
    void aCommandIdSentTwiceMovesMoneyOnce() {
        for (String action : List.of("mass_pay", "apply_credit", "create_addfunds")) {
            long before = effects(effectOf(action));
            String id = newId();
            CloudEvent cmd = command(id, "whmcs.billing." + action, moneyParams(action), null);
            client.send(KEY, cmd);
            client.send(KEY, cmd);
            List<CloudEvent> results = client.awaitResults(id, 2, WAIT);
            assertStatus("SUCCEEDED", results.get(0).data());
            assertEquals(results.get(0).id(), results.get(1).id());
            assertEquals(before + 1, effects(effectOf(action)), action + ": one effect for one command id");
        }
        String id = newId();
        CloudEvent pay = command(id, "whmcs.core.AddInvoicePayment", params("invoiceid", 1002, "transid", "TX-" + id,
                "gateway", "banktransfer", "date", "2026-11-23"), null);
        client.send(KEY, pay);
        client.send(KEY, pay);
        client.awaitResults(id, 2, WAIT);
        assertEquals(1, sim.context().sideEffects().stream()
                .filter(e -> e.kind().equals("core-payment") && ("TX-" + id).equals(e.id())).count(), "one payment");
    }

    @Test
    void aCoreStateChangeIsNotRetriedButACoreReadIs() {
        long credits = effects("core-credit");
        long creditCalls = calls("core:AddCredit");
        long readCalls = calls("core:GetCredits");
        sim.context().failNext(BillingSim.NAME, 1, Fault.Once.HANG_AFTER_EFFECT);
        JsonNode credit = run("whmcs.core.AddCredit", params("clientid", 12345, "description", "goodwill", "amount", "5.00"));
        assertStatus("UNKNOWN", credit);
        assertEquals(credits + 1, effects("core-credit"));
        assertEquals(creditCalls + 1, calls("core:AddCredit"), "sent once");

        // a read whose connection drops is simply asked again
        sim.context().failNext(BillingSim.NAME, 1, Fault.Once.DROP);
        JsonNode read = run("whmcs.core.GetCredits", params("clientid", 12345));
        assertStatus("SUCCEEDED", read);
        assertEquals(2, read.path("attempts").asInt());
        assertEquals("155.50", read.path("response").path("credits").path("credit").get(0).path("amount").asText());
        assertEquals(readCalls + 2, calls("core:GetCredits"), "the dropped request and its retry");
    }
}
