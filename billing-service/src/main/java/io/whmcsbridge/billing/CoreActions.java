package io.whmcsbridge.billing;

import io.whmcsbridge.runtime.catalogue.ActionSpec;
import io.whmcsbridge.runtime.catalogue.Param;
import io.whmcsbridge.runtime.catalogue.Violation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The WHMCS core API's commands, {@code whmcs.core.<Action>}: every action named in its {@code commandCategories}
 * (docs/apis/whmcs-core.md), with parameters where WHMCS documents them and open otherwise. Part of
 * {@link BillingActions}' catalogue.
 */
final class CoreActions {

    private CoreActions() {
    }

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
                ActionSpec.Builder b = ActionSpec.builder(BillingActions.CORE_PREFIX + action, action)
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
}
