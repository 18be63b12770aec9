package io.whmcsbridge.billing;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.whmcsbridge.runtime.store.CommandLog;
import io.whmcsbridge.runtime.testing.InFlightRows;
import io.whmcsbridge.runtime.testing.ServiceTestResource;
import io.whmcsbridge.simulator.billing.BillingSim;
import io.whmcsbridge.simulator.core.Fault;
import io.whmcsbridge.simulator.core.RecordedCall;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static io.whmcsbridge.runtime.testing.BridgeTestClient.newId;
import static io.whmcsbridge.runtime.testing.BridgeTestClient.params;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 17: a payment whose answer was lost is read back ({@code GetTransactions transid=...}) instead of ending
 * UNKNOWN. The test profile's settle time is 3 s, read-backs start after 200 ms and are tried 3 times.
 */
@QuarkusTest
@Order(4)
@QuarkusTestResource(value = ServiceTestResource.class, initArgs = @ResourceArg(name = "family", value = "billing"))
class BillingReconcileIT extends BillingItSupport {
    static final String PAY = "whmcs.core.AddInvoicePayment";
    static final long SETTLE_NANOS = Duration.ofSeconds(3).toNanos();

    /** Sends a payment of 1.00 on {@code invoice} under {@code id}, with {@code transid} unless it is null. */
    static JsonNode pay(String id, int invoice, String transid) {
        var p = params("invoiceid", invoice, "gateway", "banktransfer", "date", "2026-12-02", "amount", "1.00");
        if (transid != null) {
            p.put("transid", transid);
        }
        client.send(KEY, io.whmcsbridge.runtime.testing.BridgeTestClient.command(id, PAY, p, null));
        return client.awaitResult(id, WAIT).data();
    }

    /** {@link #pay} with the payment's answer lost in the way of {@code fault}. */
    JsonNode payLosing(Fault.Once fault, String id, int invoice, String transid) {
        sim.context().failNext(BillingSim.NAME, 1, fault);
        return pay(id, invoice, transid);
    }

    /** The result's status and {@code reconciliation.state}; returns the reconciliation. */
    static JsonNode assertReconciled(String status, String state, JsonNode result) {
        assertStatus(status, result);
        assertEquals(state, result.path("reconciliation").path("state").asText(), result.toString());
        return result.path("reconciliation");
    }

    long payments(String transid) {
        return sim.context().sideEffects().stream()
                .filter(e -> e.kind().equals("core-payment") && transid.equals(e.id())).count();
    }

    List<RecordedCall> calls(String action, String transid) {
        return sim.calls(BillingSim.NAME).stream()
                .filter(c -> action.equals(c.action()) && transid.equals(c.params().get("transid"))).toList();
    }

    /** The answer was lost after WHMCS recorded the payment: SUCCEEDED, with the transaction the read found. */
    @Test
    void aPaymentAppliedBeforeItsAnswerWasLostSucceedsWithTheTransactionFound() {
        String id = newId();
        JsonNode result = payLosing(Fault.Once.DROP_AFTER_EFFECT, id, 1002, null);
        JsonNode r = assertReconciled("SUCCEEDED", "APPLIED", result);
        assertEquals(id, r.path("marker").asText(), "the bridge set transid to the command id");
        assertEquals(id, result.path("response").path("transid").asText(), result.toString());
        assertEquals("1002", result.path("response").path("invoiceid").asText(), result.toString());
        assertEquals(1, payments(id), "one payment");
        assertEquals(1, calls("core:AddInvoicePayment", id).size(), "sent once");
    }

    /**
     * The request never reached WHMCS: the read finds nothing, and only once the settle time has passed since the
     * call left is that certain; then the payment is sent once more and its answer is the result.
     */
    @Test
    void aPaymentThatNeverArrivedIsSentOnceMoreAfterTheSettleTime() {
        String id = newId();
        JsonNode result = payLosing(Fault.Once.DROP, id, 1002, null);
        assertReconciled("SUCCEEDED", "SENT_AGAIN", result);
        assertEquals(1, payments(id), "exactly one payment");
        List<RecordedCall> sends = calls("core:AddInvoicePayment", id);
        assertEquals(2, sends.size(), "the lost request and one more");
        assertEquals("DROP", sends.get(0).outcome());
        assertTrue(sends.get(1).startedNanos() - sends.get(0).startedNanos() >= SETTLE_NANOS,
                "sent again only after the settle time");
        assertTrue(calls("core:GetTransactions", id).size() >= 1, "read back before it was sent again");
        assertNull(result.path("error").textValue());
    }

    /** A transid the caller used before for another invoice does not name this payment: UNKNOWN, with the reason. */
    @Test
    void aMarkerThatDoesNotNameThePaymentAloneEndsUnknownWithTheReason() {
        String transid = "TX-shared-" + newId();
        assertStatus("SUCCEEDED", pay(newId(), 1001, transid));
        String id = newId();
        JsonNode result = payLosing(Fault.Once.DROP, id, 1002, transid);
        JsonNode r = assertReconciled("UNKNOWN", "UNDECIDED", result);
        assertTrue(r.path("reason").asText().contains("other invoices [1001]"), result.toString());
        assertEquals("CONNECTION", result.path("error").path("code").asText(), "the uncertain call's error stays");
        assertEquals(2, calls("core:AddInvoicePayment", transid).size(), "the first payment and this one: not sent again");
    }

    /** A read-back that never gets an answer ends UNKNOWN after the bound of tries, saying so. */
    @Test
    void aReadBackThatIsNeverAnsweredEndsUnknownAfterItsTries() throws Exception {
        sim.context().failNext(BillingSim.NAME, 1, Fault.Once.HANG_AFTER_EFFECT);
        String id = newId();
        client.send(KEY, io.whmcsbridge.runtime.testing.BridgeTestClient.command(id, PAY, params("invoiceid", 1002,
                "gateway", "banktransfer", "date", "2026-12-02", "amount", "1.00"), null));
        while (calls("core:AddInvoicePayment", id).isEmpty()) {
            Thread.sleep(20);
        }
        sim.context().setFault(BillingSim.NAME, Fault.errors(1.0, 500)); // every read-back from now on
        JsonNode result = client.awaitResult(id, WAIT).data();
        sim.context().clearFaults();
        JsonNode r = assertReconciled("UNKNOWN", "UNDECIDED", result);
        assertEquals(3, r.path("reads").asInt(), result.toString());
        assertTrue(r.path("reason").asText().contains("none answered"), result.toString());
        assertEquals("TIMEOUT", result.path("error").path("code").asText());
        assertEquals(1, payments(id), "the payment WHMCS made, once: never sent again");
        assertEquals(1, calls("core:AddInvoicePayment", id).size());
    }

    /**
     * A payment another replica has out under a live lease is not read back (nor sent) until that lease has expired;
     * then a read-back finds nothing, and after the settle time it is sent once.
     */
    @Test
    void aLiveLeaseOfAnotherReplicaBlocksTheReadBack() throws Exception {
        String id = newId();
        String paramsJson = params("invoiceid", 1002, "gateway", "banktransfer", "date", "2026-12-02", "amount", "1.00",
                "transid", id).toString();
        long leaseEnds = System.nanoTime() + Duration.ofSeconds(4).toNanos();
        InFlightRows.inFlightElsewhere(id, PAY, "AddInvoicePayment", paramsJson, "billing-other-replica",
                Duration.ofSeconds(4));
        Thread.sleep(2500);
        assertEquals("IN_FLIGHT", status(id), "not taken while the other replica's lease is live");
        assertEquals(0, calls("core:GetTransactions", id).size(), "not read back while the lease is live");

        assertReconciled("SUCCEEDED", "SENT_AGAIN", client.awaitResult(id, WAIT).data());
        List<RecordedCall> reads = calls("core:GetTransactions", id);
        assertTrue(reads.get(0).startedNanos() >= leaseEnds, "the first read-back came after the lease expired");
        assertEquals(1, payments(id), "sent once, by the replica that took it over");
        assertEquals(1, calls("core:AddInvoicePayment", id).size());
    }

    /** The AsyncAPI document shows the result's reconciliation field and every write's read-back decision. */
    @Test
    void theAsyncApiDocumentShowsTheReconciledResult() throws Exception {
        JsonNode doc = io.whmcsbridge.model.Json.MAPPER.readTree(io.restassured.RestAssured.given().get("/asyncapi").asByteArray());
        JsonNode messages = doc.path("components").path("messages");
        JsonNode state = messages.path(PAY + ".result").path("payload").path("properties").path("data")
                .path("properties").path("reconciliation").path("properties").path("state");
        assertEquals("[\"APPLIED\",\"SENT_AGAIN\",\"UNDECIDED\"]", state.path("enum").toString(), messages.path(PAY + ".result").toString());
        assertTrue(messages.path(PAY).path("x-read-back").asText().contains("GetTransactions"));
        assertTrue(messages.path("whmcs.core.AddCredit").path("x-read-back").asText().startsWith("none: "));
        assertTrue(messages.path("whmcs.core.AddCredit.result").path("payload").path("properties").path("data")
                .path("properties").path("reconciliation").isMissingNode(), "no read-back, no such field");
    }

    static String status(String id) {
        return QuarkusTransaction.requiringNew().call(() -> CommandLog.<CommandLog>findById(id)).status.name();
    }
}
