package io.whmcsbridge.billing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.whmcsbridge.model.Json;
import io.whmcsbridge.runtime.catalogue.ActionSpec;
import io.whmcsbridge.runtime.catalogue.ReadBack;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The read-back decision of every WHMCS core action that is not idempotent. Only a payment has an exact marker the
 * API already keeps and filters by: {@code AddInvoicePayment}'s {@code transid}, found again with
 * {@code GetTransactions transid=...}. The others say why they have none.
 */
final class CoreReadBacks {
    private CoreReadBacks() {
    }

    /** The read of a payment: WHMCS's GetTransactions, filtered by the transaction id. */
    static final ActionSpec GET_TRANSACTIONS = ActionSpec.builder(BillingActions.CORE_PREFIX + "GetTransactions",
            "GetTransactions").idempotent(true).describe("WHMCS core API: transactions by invoiceid, clientid or transid")
            .openParams().reserved(WhmcsCoreGateway.RESERVED).build();

    static final ReadBack PAYMENT = new ReadBack.ByMarker(GET_TRANSACTIONS, "GetTransactions transid=<transid>",
            "transid", false, CoreReadBacks::transactionsOf, CoreReadBacks::judgePayment);

    private static final String STATE = "no exact marker: a state the read shows (suspended, accepted, updated...) "
            + "is the same whichever command set it";
    private static final String CREATED = "no exact marker: the record it creates carries nothing unique to the "
            + "command that a read filters by";
    private static final Set<String> STATE_CHANGES = Set.of("UpdateClient", "CloseClient", "CancelOrder",
            "AcceptOrder", "PendingOrder", "FraudOrder", "UpdateInvoice", "DomainRelease", "DomainUpdateNameservers",
            "UpdateTicket", "ModuleTerminate", "ModuleSuspend", "ModuleUnsuspend", "ModuleChangePackage",
            "UpdateClientProduct", "SetConfigurationValue", "UpdateUser", "UpdateUserPermissions", "UpdateProject",
            "UpdateProjectTask", "AffiliateActivate", "DomainRenew", "GenInvoices");
    private static final Map<String, String> OWN = Map.ofEntries(
            Map.entry("AddInvoicePayment", ""),
            Map.entry("DeleteClient", "nothing to match: a record gone reads the same whichever command removed it"),
            Map.entry("DeleteOrder", "nothing to match: a record gone reads the same whichever command removed it"),
            Map.entry("DeleteTicket", "nothing to match: a record gone reads the same whichever command removed it"),
            Map.entry("AddCredit", "no exact marker: GetCredits lists credits by date, amount and description; only "
                    + "the description, which the client sees, could carry one (free-text marking not built)"),
            Map.entry("CapturePayment", "its parameters hold the card's CVV, which is never stored, so it could not "
                    + "be sent again; a lost answer stays UNKNOWN"),
            Map.entry("AddPayMethod", "its parameters hold card or bank data, which are never stored, so it could "
                    + "not be sent again; a lost answer stays UNKNOWN"),
            Map.entry("SendEmail", "nothing to read: an e-mail sent leaves no record the API answers"),
            Map.entry("CreateSsoToken", "nothing to match: every call makes a new token, none names the command"),
            Map.entry("CreateOAuthCredential", "nothing to match: every call makes a new credential, none names the command"),
            Map.entry("CreateClientInvite", "nothing to read: an invitation leaves no record the API answers"));

    /** The decision for one core action that is not idempotent. */
    static ReadBack of(String action) {
        if (action.equals("AddInvoicePayment")) {
            return PAYMENT;
        }
        String own = OWN.get(action);
        return new ReadBack.None(own != null ? own : STATE_CHANGES.contains(action) ? STATE : CREATED);
    }

    private static ObjectNode transactionsOf(ObjectNode sent, String transid) {
        return Json.MAPPER.createObjectNode().put("transid", transid);
    }

    /**
     * A payment took effect when exactly one transaction carries its {@code transid} for its invoice; none at all is
     * "not applied"; anything else (the id used for another invoice, or twice) cannot be decided from the answer.
     */
    static ReadBack.Verdict judgePayment(JsonNode answer, ObjectNode sent, String transid) {
        if (!"success".equalsIgnoreCase(answer.path("result").asText())) {
            return new ReadBack.Verdict.CannotTell("GetTransactions did not answer success: " + answer.path("message").asText(""));
        }
        String invoice = sent.path("invoiceid").asText();
        List<JsonNode> withId = new ArrayList<>();
        List<String> otherInvoices = new ArrayList<>();
        for (JsonNode t : list(answer.path("transactions").path("transaction"))) {
            if (transid.equals(t.path("transid").asText(null))) {
                if (invoice.equals(t.path("invoiceid").asText())) {
                    withId.add(t);
                } else {
                    otherInvoices.add(t.path("invoiceid").asText());
                }
            }
        }
        if (withId.size() == 1 && otherInvoices.isEmpty()) {
            return new ReadBack.Verdict.Applied(withId.get(0));
        }
        if (withId.isEmpty() && otherInvoices.isEmpty()) {
            return new ReadBack.Verdict.NotApplied("no transaction with transid " + transid);
        }
        return new ReadBack.Verdict.CannotTell(withId.size() + " transaction(s) of invoice " + invoice
                + " and " + otherInvoices.size() + " of other invoices " + otherInvoices + " carry transid " + transid
                + ": it does not name this payment alone");
    }

    /** WHMCS nests a list twice and answers a single item as an object. */
    private static Iterable<JsonNode> list(JsonNode node) {
        if (node.isArray()) {
            return node;
        }
        return node.isObject() ? List.of(node) : List.of();
    }
}
