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
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The commands of billing-service: the 24 actions of the hosting billing API {@code whmcs.php}, typed
 * {@code whmcs.billing.<action>}, and the WHMCS core API actions named in its {@code commandCategories},
 * typed {@code whmcs.core.<Action>}. Nested names are objects in the command ({@code "params": {"firstname": ...}}
 * is sent as {@code params[firstname]}, {@code "invoices": [1, 2]} as {@code invoices[]} repeated).
 * The APIs: docs/apis/billing-whmcs-php.md and docs/apis/whmcs-core.md.
 */
@ApplicationScoped
public class BillingActions implements ActionCatalogue {
    public static final String FAMILY = "billing";
    public static final String CORE_PREFIX = "whmcs.core.";

    private static ActionSpec.Builder billing(String action, boolean idempotent, String description) {
        return ActionSpec.builder(EventTypes.commandType(FAMILY, action), action).idempotent(idempotent).describe(description)
                .reserved(HostingBillingGateway.RESERVED);
    }

    private static Param serverId() {
        return Param.id("id").required().describe("server ID");
    }

    /** Nested object parameters (params[...], profile_data[...]) checked field by field. */
    private static Function<ObjectNode, Optional<Violation>> nested(String object, Map<String, Param> fields,
            String... required) {
        return p -> {
            JsonNode o = p.get(object);
            if (o == null || o.isNull()) {
                return required.length == 0 ? Optional.empty()
                        : Optional.of(new Violation(object, "is required, with " + String.join(", ", required)));
            }
            if (!o.isObject()) {
                return Optional.of(new Violation(object, "must be an object of " + String.join(", ", fields.keySet())));
            }
            for (String r : required) {
                if (!o.hasNonNull(r) || o.get(r).asText().isBlank()) {
                    return Optional.of(new Violation(object + "[" + r + "]", "is required"));
                }
            }
            for (var it = o.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!fields.containsKey(f)) {
                    return Optional.of(new Violation(object + "[" + f + "]", "is not a documented field"));
                }
                JsonNode v = o.get(f);
                if (!v.isValueNode()) {
                    return Optional.of(new Violation(object + "[" + f + "]", "must be a single value"));
                }
                if (fields.get(f).kind() == io.whmcsbridge.runtime.catalogue.ParamKind.INTEGER
                        && !v.asText().matches("\\d{1,18}")) {
                    return Optional.of(new Violation(object + "[" + f + "]", "must be a whole number"));
                }
                if (v.asText().length() > 1000 || v.asText().chars().anyMatch(ch -> ch < 0x20 && ch != '\t')) {
                    return Optional.of(new Violation(object + "[" + f + "]", "is too long or contains control characters"));
                }
            }
            return Optional.empty();
        };
    }

    private static Map<String, Param> strings(String... names) {
        Map<String, Param> m = new java.util.LinkedHashMap<>();
        for (String n : names) {
            m.put(n, Param.string(n));
        }
        return m;
    }

    static final Map<String, Param> CONTACT_FIELDS = strings("firstname", "lastname", "email", "password1", "password2",
            "phonenumber", "companyname", "address1", "address2", "city", "state", "postcode", "country");
    static final Map<String, Param> PROFILE_FIELDS;

    static {
        Map<String, Param> m = strings("location", "billing_email", "billing_firstname", "billing_lastname",
                "co_smsnum", "ips", "co_customertype", "form_id", "co_secret");
        m.put("client_id", Param.integer("client_id"));
        PROFILE_FIELDS = m;
    }

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
                    .params(Param.object("params").describe("firstname, lastname, email, password1, password2, "
                            + "phonenumber, companyname, address1, address2, city, state, postcode, country"),
                            Param.string("type").maxLength(10).describe("0 for a random contact"))
                    .rule(nested("params", CONTACT_FIELDS))
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
                    .params(Param.object("profile_data").required().describe("client_id, location, billing_email, "
                            + "billing_firstname, billing_lastname, co_smsnum, ips, co_customertype, form_id, co_secret"))
                    .rule(nested("profile_data", PROFILE_FIELDS, "client_id"))
                    // "Secret word" of the client's profile
                    .secretParams("co_secret").build(),
            billing("update_contact", true, "Updates a contact")
                    .params(Param.id("contact_id").required(), Param.email("email").required(),
                            Param.string("firstname").maxLength(255), Param.string("lastname").maxLength(255),
                            Param.string("phonenumber").maxLength(32), Param.string("password1").maxLength(255),
                            Param.string("password2").maxLength(255))
                    .rule(samePasswords(p -> p))
                    .secretParams("password1", "password2").build());

    /** Core API actions that only read: safe to send again. */
    static final java.util.Set<String> CORE_READS = java.util.Set.of("GetClients", "GetClientsDetails", "GetOrders",
            "GetProducts", "GetPromotions", "GetInvoice", "GetInvoices", "GetQuotes", "GetCredits", "GetPayMethods",
            "DomainGetNameservers", "DomainGetWhoisInfo", "DomainWhois", "GetTLDPricing", "GetTicket", "GetTickets",
            "GetSupportDepartments", "WhmcsDetails", "GetStats", "GetConfigurationValue", "GetActivityLog",
            "GetCurrencies", "ValidateLogin", "ListOAuthCredentials", "GetUsers", "GetPermissionsList", "GetProject",
            "GetProjects", "GetAffiliates");

    /** The core API's commandCategories, in their documented order. */
    static final Map<String, List<String>> CORE_CATEGORIES = coreCategories();

    private static Map<String, List<String>> coreCategories() {
        Map<String, List<String>> m = new java.util.LinkedHashMap<>();
        m.put("Clients", List.of("AddClient", "UpdateClient", "DeleteClient", "GetClients", "GetClientsDetails", "CloseClient", "CreateClientInvite"));
        m.put("Orders", List.of("AddOrder", "CancelOrder", "DeleteOrder", "GetOrders", "AcceptOrder", "PendingOrder", "FraudOrder", "GetProducts", "GetPromotions"));
        m.put("Billing", List.of("CreateInvoice", "UpdateInvoice", "GetInvoice", "GetInvoices", "AddInvoicePayment", "GenInvoices", "CreateQuote", "GetQuotes", "AddCredit", "GetCredits", "CapturePayment", "AddPayMethod", "GetPayMethods"));
        m.put("Domains", List.of("DomainRegister", "DomainRenew", "DomainTransfer", "DomainRelease", "DomainGetNameservers", "DomainUpdateNameservers", "DomainGetWhoisInfo", "DomainWhois", "GetTLDPricing"));
        m.put("Support", List.of("OpenTicket", "GetTicket", "GetTickets", "UpdateTicket", "DeleteTicket", "AddTicketReply", "GetSupportDepartments"));
        m.put("Services", List.of("ModuleCreate", "ModuleTerminate", "ModuleSuspend", "ModuleUnsuspend", "ModuleChangePackage", "UpdateClientProduct"));
        m.put("System", List.of("WhmcsDetails", "GetStats", "GetConfigurationValue", "SetConfigurationValue", "GetActivityLog", "SendEmail", "GetCurrencies"));
        m.put("Authentication", List.of("ValidateLogin", "CreateSsoToken", "CreateOAuthCredential", "ListOAuthCredentials"));
        m.put("Users", List.of("AddUser", "GetUsers", "UpdateUser", "GetPermissionsList", "UpdateUserPermissions"));
        m.put("Projects", List.of("CreateProject", "GetProject", "GetProjects", "UpdateProject", "AddProjectTask", "UpdateProjectTask"));
        m.put("Affiliates", List.of("AffiliateActivate", "GetAffiliates"));
        return m;
    }

    /** Core list actions that page with limitstart/limitnum; {@code all_pages} makes the service collect every page. */
    static final java.util.Set<String> CORE_PAGED = java.util.Set.of("GetClients", "GetOrders", "GetInvoices", "GetQuotes",
            "GetTickets", "GetUsers", "GetActivityLog");

    /** Required parameters where WHMCS's documentation names them (docs/apis/whmcs-core.md); others pass through. */
    private static final Map<String, List<Param>> CORE_KNOWN = Map.of(
            "GetClientsDetails", List.of(Param.id("clientid"), Param.email("email")),
            "AddCredit", List.of(Param.id("clientid").required(), Param.string("description").required().maxLength(1000),
                    Param.money("amount").required().positive()),
            "CreateInvoice", List.of(Param.id("userid").required()),
            "GetInvoice", List.of(Param.id("invoiceid").required()),
            "GetCredits", List.of(Param.id("clientid").required()),
            // transid: set to the command id when absent, so a payment whose answer was lost can be found again
            "AddInvoicePayment", List.of(Param.id("invoiceid").required(), Param.string("transid").maxLength(255)
                    .describe("the payment's transaction id; the command id when absent (its read-back finds it by this)"),
                    Param.string("gateway").required().maxLength(100), Param.string("date").required().maxLength(30),
                    Param.money("amount").positive()),
            "ModuleSuspend", List.of(Param.id("serviceid").required(), Param.string("suspendreason").maxLength(255)),
            "GetInvoices", List.of(Param.integer("limitstart").min(0), Param.integer("limitnum").min(1),
                    Param.id("userid"), Param.string("status").maxLength(30)));

    /** The secret parameters and answer fields of one core action. */
    record Secrets(List<String> params, List<String> answers) {
        static Secrets params(String... names) {
            return new Secrets(List.of(names), List.of());
        }

        static Secrets answers(String... names) {
            return new Secrets(List.of(), List.of(names));
        }
    }

    /**
     * What WHMCS's API reference names as secrets of the core actions (the vendor names actions only): card and bank
     * account data, passwords and a security question's answer, domain transfer (EPP) codes, service and root
     * passwords, a gateway's stored card token, a ticket's access key, an OAuth client secret, a single sign-on token.
     */
    static final Map<String, Secrets> CORE_SECRETS = Map.ofEntries(
            Map.entry("AddClient", Secrets.params("password2", "securityqans", "cardnum", "expdate", "startdate",
                    "issuenumber", "cvv", "bankcode", "bankacct")),
            Map.entry("UpdateClient", Secrets.params("password2", "securityqans", "cardnum", "expdate", "startdate",
                    "issuenumber", "cvv", "bankcode", "bankacct")),
            Map.entry("GetClientsDetails", Secrets.answers("securityqans")),
            Map.entry("AddOrder", Secrets.params("eppcode", "rootpw")),
            // the domains' EPP codes of an order, as GetOrders lists it
            Map.entry("GetOrders", Secrets.answers("transfersecret")),
            // a ticket's access key: with the ticket number it opens the ticket without a login
            Map.entry("OpenTicket", Secrets.answers("c")),
            Map.entry("GetTicket", Secrets.answers("c")),
            Map.entry("GetTickets", Secrets.answers("c")),
            Map.entry("AcceptOrder", Secrets.params("servicepassword")),
            Map.entry("AddPayMethod", Secrets.params("card_number", "card_cvv", "card_expiry", "card_start",
                    "card_issue_number", "bank_code", "bank_account")),
            Map.entry("GetPayMethods", Secrets.answers("remote_token", "issue_number")),
            Map.entry("CapturePayment", Secrets.params("cvv")),
            Map.entry("DomainTransfer", Secrets.params("eppcode")),
            Map.entry("UpdateClientProduct", Secrets.params("servicepassword")),
            Map.entry("ValidateLogin", new Secrets(List.of("password2"), List.of("passwordhash"))),
            Map.entry("CreateSsoToken", Secrets.answers("access_token")),
            Map.entry("CreateOAuthCredential", Secrets.answers("clientSecret")),
            Map.entry("ListOAuthCredentials", Secrets.answers("clientSecret")),
            Map.entry("AddUser", Secrets.params("password2")));

    static final List<ActionSpec> CORE = coreActions();

    private static List<ActionSpec> coreActions() {
        List<ActionSpec> specs = new ArrayList<>();
        CORE_CATEGORIES.forEach((category, actions) -> {
            for (String action : actions) {
                ActionSpec.Builder b = ActionSpec.builder(CORE_PREFIX + action, action)
                        .idempotent(CORE_READS.contains(action))
                        .describe("WHMCS core API, " + category + (CORE_KNOWN.containsKey(action) ? "" : "; parameters as WHMCS documents them"))
                        .openParams();
                List<Param> known = new ArrayList<>(CORE_KNOWN.getOrDefault(action, List.of()));
                if (CORE_PAGED.contains(action)) {
                    if (known.stream().noneMatch(p -> p.name().equals("limitstart"))) {
                        known.add(Param.integer("limitstart").min(0));
                        known.add(Param.integer("limitnum").min(1));
                    }
                    known.add(Param.bool("all_pages").describe("collect every page (up to options.max-pages), not sent to WHMCS"));
                }
                if (!known.isEmpty()) {
                    b.params(known.toArray(Param[]::new));
                }
                b.reserved(WhmcsCoreGateway.RESERVED);
                if (!CORE_READS.contains(action)) {
                    b.readBack(CoreReadBacks.of(action));
                }
                Secrets secrets = CORE_SECRETS.get(action);
                if (secrets != null) {
                    b.secretParams(secrets.params().toArray(String[]::new)).secretAnswers(secrets.answers().toArray(String[]::new));
                }
                if (action.equals("GetClientsDetails")) {
                    b.rule(p -> p.hasNonNull("clientid") || p.hasNonNull("email") ? Optional.empty()
                            : Optional.of(new Violation("clientid", "clientid or email is required")));
                }
                specs.add(b.build());
            }
        });
        return List.copyOf(specs);
    }

    @Override
    public Collection<ActionSpec> actions() {
        List<ActionSpec> all = new ArrayList<>(BILLING);
        all.addAll(CORE);
        return all;
    }
}
