package io.whmcsbridge.billing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.whmcsbridge.model.EventTypes;
import io.whmcsbridge.runtime.catalogue.ActionCatalogue;
import io.whmcsbridge.runtime.catalogue.ActionSpec;
import io.whmcsbridge.runtime.catalogue.Param;
import io.whmcsbridge.runtime.catalogue.Violation;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The commands of billing-service: the 24 actions of the hosting billing API {@code whmcs.php}, typed
 * {@code whmcs.billing.<action>}, here, and the WHMCS core API actions named in its {@code commandCategories},
 * typed {@code whmcs.core.<Action>} ({@link CoreActions}). Nested names are objects in the command ({@code "params": {"firstname": ...}}
 * is sent as {@code params[firstname]}, {@code "invoices": [1, 2]} as {@code invoices[]} repeated).
 * The APIs: docs/apis/billing-whmcs-php.md and docs/apis/whmcs-core.md.
 */
@ApplicationScoped
public class BillingActions implements ActionCatalogue {
    public static final String FAMILY = "billing";
    /** The type prefix of the core API's commands ({@link CoreActions}). */
    public static final String CORE_PREFIX = "whmcs.core.";

    private static ActionSpec.Builder billing(String action, boolean idempotent, String description) {
        return ActionSpec.builder(EventTypes.commandType(FAMILY, action), action).idempotent(idempotent).describe(description)
                .reserved(HostingBillingGateway.RESERVED);
    }

    private static Param serverId() {
        return Param.id("id").required().describe("server ID");
    }

    /** Text fields of a nested object ({@code params[...]}, {@code profile_data[...]}), at most 1000 characters. */
    private static Param[] texts(String... names) {
        return Arrays.stream(names).map(n -> Param.string(n).maxLength(1000)).toArray(Param[]::new);
    }

    static final Param[] CONTACT_FIELDS = texts("firstname", "lastname", "email", "password1", "password2",
            "phonenumber", "companyname", "address1", "address2", "city", "state", "postcode", "country");
    static final Param[] PROFILE_FIELDS = Stream.concat(Stream.of(Param.integer("client_id").min(0).required()),
            Arrays.stream(texts("location", "billing_email", "billing_firstname", "billing_lastname", "co_smsnum", "ips",
                    "co_customertype", "form_id", "co_secret"))).toArray(Param[]::new);

    /** Two passwords that must match, when both are given. */
    private static Function<ObjectNode, Optional<Violation>> samePasswords(Function<ObjectNode, JsonNode> holder) {
        return p -> {
            JsonNode h = holder.apply(p);
            if (h == null || !h.isObject() || !h.hasNonNull("password1") && !h.hasNonNull("password2")) {
                return Optional.empty();
            }
            return h.path("password1").asText("").equals(h.path("password2").asText(""))
                    ? Optional.empty() : Optional.of(new Violation("password2", "must equal password1"));
        };
    }

    static final List<ActionSpec> BILLING = List.of(
            billing("add_contact", false, "Adds a contact person to the customer; params[...] as documented")
                    .params(Param.object("params").fields(CONTACT_FIELDS).describe("firstname, lastname, email, "
                            + "password1, password2, phonenumber, companyname, address1, address2, city, state, postcode, "
                            + "country"),
                            Param.string("type").maxLength(10).describe("0 for a random contact"))
                    .rule(samePasswords(p -> p.get("params")))
                    .secretParams("password1", "password2").noReadBack("no exact marker: get_contacts lists contacts, but nothing in a contact is unique to the command (the e-mail may be there already)").build(),
            billing("apply_credit", false, "Applies the customer's credit to an invoice")
                    .params(Param.id("invoice_id").required(), Param.money("amount").required().positive()
                            .describe("credit to apply")).noReadBack("no exact marker: credit applied shows only as an invoice's paid amount, the same for any application of that amount").build(),
            billing("create_addfunds", false, "Creates an add-funds invoice (top-up)")
                    .params(Param.money("amount").required().min(new java.math.BigDecimal("20"))
                                    .describe("top-up amount, at least 20"),
                            Param.string("description").maxLength(255), Param.bool("subscribe")
                                    .describe("automatic recurring payments")).noReadBack("no exact marker: the billing API's invoice answers carry id, status, date, total and items, nothing the command sets uniquely").build(),
            billing("delete_cancellation_request", true, "Deletes a cancellation request of a server")
                    .params(serverId().describe("server ID (relid)")).build(),
            billing("delete_contact", true, "Deletes a contact of the customer")
                    .params(Param.id("contact_id").required()).build(),
            billing("download_invoice", true, "An invoice as a base64 PDF (capped in size)")
                    .params(Param.id("invoice_id").required(), Param.oneOf("proforma_invoice", "0", "1"),
                            Param.oneOf("viewpdf", "0", "1")).build(),
            billing("generate_due_invoice", false, "Generates the next invoice of a server")
                    .params(serverId()).noReadBack("no exact marker: get_related_invoices shows the server's invoices, but not which command made one").build(),
            billing("get_billing_data", true, "Billing account and service status of a server")
                    .params(serverId(), Param.string("customer_name").maxLength(255)).build(),
            billing("get_cancellation_requests", true, "Active cancellation requests")
                    .params(Param.id("id").describe("server ID; all of the user when absent"),
                            Param.string("cancellation_type").maxLength(50), Param.string("billing_status").maxLength(50),
                            Param.date("period_from"), Param.date("period_to")).build(),
            billing("get_client", true, "The authenticated client")
                    .params(Param.email("email"), Param.bool("full")).build(),
            billing("get_clientgroups", true, "Customer groups").params().build(),
            billing("get_contacts", true, "Contacts of the customer")
                    .params(Param.email("email").describe("an e-mail sub-account")).build(),
            billing("get_invoice", true, "An invoice")
                    .params(Param.id("invoice_id").required(), Param.string("location").maxLength(50),
                            Param.oneOf("load_client_data", "0", "1")).build(),
            billing("get_invoices", true, "Invoices of the client")
                    .params(Param.string("location").maxLength(50)).build(),
            billing("get_related_invoices", true, "Invoices of a server")
                    .params(Param.id("account_id"), Param.id("id").describe("server ID")).build(),
            billing("getcredits", true, "Credit balance of the account").params().build(),
            billing("getpaymentgw", true, "Payment gateways for an invoice")
                    .params(Param.id("invoice_id").required()).build(),
            billing("mass_pay", false, "Pays several invoices in one transaction")
                    .params(Param.list("invoices").required().describe("at least 2 invoice IDs; sent as invoices[]"))
                    .rule(p -> {
                        JsonNode l = p.get("invoices");
                        if (l == null || !l.isArray()) {
                            return Optional.empty();
                        }
                        if (l.size() < 2) {
                            return Optional.of(new Violation("invoices", "needs at least 2 invoice IDs, got " + l.size()));
                        }
                        List<String> seen = new ArrayList<>();
                        for (JsonNode id : l) {
                            if (!id.asText().matches("[1-9]\\d{0,17}")) {
                                return Optional.of(new Violation("invoices", "must be invoice IDs, got '" + id.asText() + "'"));
                            }
                            if (seen.contains(id.asText())) {
                                return Optional.of(new Violation("invoices", "lists invoice " + id.asText() + " twice"));
                            }
                            seen.add(id.asText());
                        }
                        return Optional.empty();
                    }).noReadBack("no exact marker: transactions answers carry id, amount, date and the API's own description, nothing the command sets").build(),
            billing("request_cancellation", false, "Starts the cancellation of an order or subscription")
                    .params(serverId().describe("server ID to cancel"), Param.integer("cancellation_type").min(0),
                            Param.string("cancellation_reason").maxLength(1000), Param.money("refund").min(java.math.BigDecimal.ZERO),
                            Param.string("currency").maxLength(3), Param.money("service_price").min(java.math.BigDecimal.ZERO),
                            Param.string("refund_message").maxLength(1000), Param.string("refund_message_short").maxLength(255),
                            Param.id("clientid"), Param.string("billing").maxLength(50), Param.email("email"),
                            Param.id("last_invoice"), Param.id("prev_invoice_id"), Param.id("relid"),
                            Param.string("vat_msg").maxLength(255), Param.money("rec_before_tax"),
                            Param.money("total_with_tax"), Param.string("d_deploy_time").maxLength(50),
                            Param.string("d_bill_time").maxLength(50), Param.string("d_recurring").maxLength(50),
                            Param.string("d_period").maxLength(50), Param.string("cbp_adjusted").maxLength(255)).noReadBack("no exact marker: get_cancellation_requests shows a server's request, the same whichever command made it").build(),
            billing("request_subscription_cancellation", false, "Starts a bank subscription cancellation")
                    .params(serverId().describe("server ID (relid)"), Param.string("cancellation_type").maxLength(50),
                            Param.string("cancellation_reason").maxLength(1000)).noReadBack("no exact marker: the cancellation reads show a server's request, not which command made it").build(),
            billing("reset_password", false, "Starts or completes a password reset")
                    .params(Param.email("email"), Param.string("reset_token").maxLength(255),
                            Param.string("pass").maxLength(255), Param.string("code").maxLength(20),
                            Param.string("location").maxLength(50))
                    // the reset link's token, the new password and the one-time 2FA code: "code" is secret here
                    // only, where other "code" fields are currencies, promotions or errors
                    .secretParams("reset_token", "pass", "code").noReadBack("nothing to read: a reset link or a new password leaves no record the API answers").build(),
            billing("transactions", true, "Transactions, by client, server, invoice or id")
                    .params(Param.id("transaction_id"), Param.id("invoice_id"), Param.id("server_id")).build(),
            billing("update_client", true, "Updates the customer's profile (profile_data[...])")
                    .params(Param.object("profile_data").required().fields(PROFILE_FIELDS).describe("client_id, location, billing_email, "
                            + "billing_firstname, billing_lastname, co_smsnum, ips, co_customertype, form_id, co_secret"))
                    // "Secret word" of the client's profile
                    .secretParams("co_secret").build(),
            billing("update_contact", true, "Updates a contact")
                    .params(Param.id("contact_id").required(), Param.email("email").required(),
                            Param.string("firstname").maxLength(255), Param.string("lastname").maxLength(255),
                            Param.string("phonenumber").maxLength(32), Param.string("password1").maxLength(255),
                            Param.string("password2").maxLength(255))
                    .rule(samePasswords(p -> p))
                    .secretParams("password1", "password2").build());

    @Override
    public Collection<ActionSpec> actions() {
        List<ActionSpec> all = new ArrayList<>(BILLING);
        all.addAll(CoreActions.CORE);
        return all;
    }
}
