package io.whmcsbridge.simulator.billing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.ext.web.Router;
import io.whmcsbridge.simulator.core.SimContext;
import io.whmcsbridge.simulator.core.SimReply;
import io.whmcsbridge.simulator.core.SimRequest;
import io.whmcsbridge.simulator.core.SimulatedApi;
import io.whmcsbridge.simulator.core.SimulatorSettings;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Two APIs of one WHMCS installation, sharing its state.
 * <ul>
 * <li>{@value #BILLING_PATH}: the hosting billing API (docs/apis/billing-whmcs-php.md). Form POST (or GET) with
 * {@code action} and {@code token}; success is {@code "result":"OK"} or {@code "success"} and each failure comes in the
 * shape its page shows: {@code {"code":-1,"message"}}, {@code {"code":-3,"message"}} (request_cancellation),
 * {@code {"result":"-1","message"}} (get_invoices), {@code {"result":-1,"error"}} (get_related_invoices) and
 * add_contact's map of error keys. A wrong token answers {@code {"code":-1,"message":"Invalid token or access denied"}}
 * (the get_clientgroups page). Bodies of success have the fields of the pages' examples.</li>
 * <li>{@value #CORE_PATH}: the WHMCS core API (docs/apis/whmcs-core.md; {@code identifier}, {@code secret},
 * {@code action} in the body or the query string, {@code responsetype=json}; {@code result} success/error, money as
 * strings). Emulated: WhmcsDetails, GetClientsDetails, GetInvoices (paged by {@code limitstart}/{@code limitnum},
 * filtered by {@code userid} and {@code status}), GetInvoice, CreateInvoice, AddInvoicePayment, GetTransactions
 * (filtered by {@code invoiceid}, {@code clientid} and {@code transid}: the payments' state), AddCredit, GetCredits,
 * ModuleSuspend, and the actions whose parameters or answers carry secrets: AddPayMethod (a card or bank account; only
 * its last four digits are kept), CreateOAuthCredential and ListOAuthCredentials (the client secret), CreateSsoToken
 * (an access token and the single sign-on URL that carries it); other actions answer an error naming them.
 * {@code responsetype=xml} gives the same answers as WHMCS's XML ({@code <whmcsapi>}, a list repeats its element).
 * Client {@value #LEGACY_CLIENT} has a last name stored in Latin-1: its details answer {@value #JSON_ENCODING_ERROR} in
 * JSON and only XML carries them.</li>
 * </ul>
 * Settings: {@code billing.token}, {@code core.identifier}, {@code core.secret}.
 * <p>
 * Seed state: client 12345 (john.doe@example.com) with credit 150.50; servers 501 (two unpaid invoices, a bank
 * subscription), 502 (a paid invoice) and 503 (no invoices at all); invoices 1001-1004 (1004, not tied to a server,
 * has a 10 KB PDF); one transaction paying 1003; payment gateways paymaster and banktransfer. {@link #whmcsDown}
 * makes the installation behind the billing API unreachable, which each action reports with its page's failure.
 * Money is BigDecimal: the billing API sends JSON numbers, the core API strings ("15.95"), as their documents show.
 * <p>Longer than 250 lines because it simulates one installation's two APIs over one shared state (clients, invoices,
 * transactions).
 */
public final class BillingSim implements SimulatedApi {
    public static final String NAME = "billing";
    public static final String BILLING_PATH = "/whmcs.php";
    public static final String CORE_PATH = "/includes/api.php";
    public static final String DEFAULT_TOKEN = "sim-billing-token-3f9d";
    public static final String DEFAULT_IDENTIFIER = "sim-core-identifier";
    public static final String DEFAULT_SECRET = "sim-core-secret-81aa";
    public static final int CLIENT = 12345;
    /**
     * A client imported from an old installation: its last name is stored in Latin-1, not UTF-8. WHMCS then cannot
     * encode any answer that carries it as JSON ({@value #JSON_ENCODING_ERROR}); {@code responsetype=xml} works, and a
     * reader decoding UTF-8 sees the byte as U+FFFD, which is what the XML answer carries here.
     */
    public static final int LEGACY_CLIENT = 12346;
    public static final String JSON_ENCODING_ERROR =
            "Error generating JSON encoded response: Malformed UTF-8 characters, possibly incorrectly encoded";
    public static final String LOCATION = "whmcs_eu";
    private static final ObjectMapper JSON = JsonMapper.builder().nodeFactory(JsonNodeFactory.withExactBigDecimals(true)).build();
    private static final Set<String> LOCATIONS = Set.of("whmcs_eu", "whmcs_ru", "whmcs_com");
    private static final BigDecimal MIN_TOP_UP = new BigDecimal("20");

    /** An invoice: {@code paid} is what credit and payments have covered so far. */
    public record Invoice(int id, int userid, Integer server, BigDecimal total, BigDecimal paid, String status,
            String description, LocalDate date) {
        Invoice pay(BigDecimal amount) {
            BigDecimal now = paid.add(amount);
            return new Invoice(id, userid, server, total, now, now.compareTo(total) >= 0 ? "Paid" : status, description, date);
        }

        public BigDecimal balance() {
            return total.subtract(paid);
        }
    }

    /** A server (a hosting account) and its billing link. */
    public record Server(int id, int accountId, String status) {
    }

    public record CancellationRequest(int relid, String date, String reason, String type, String dueDate) {
    }

    public record Transaction(int id, String transid, List<Integer> invoices, Integer server, BigDecimal amount,
            String date, String description) {
    }

    /** A stored pay method: as WHMCS keeps it readable, only the last four digits of the card or account. */
    public record PayMethod(int id, int clientid, String type, String description, String lastFour, String expiry,
            String bankName) {
    }

    /** An OAuth credential of the core API: its secret is answered on creation and by ListOAuthCredentials. */
    public record OAuthCredential(int credentialId, String name, String grantType, String scope, Integer serviceId,
            String clientIdentifier, String clientSecret) {
    }

    private final String token;
    private final String identifier;
    private final String secret;
    private final Map<Integer, Invoice> invoices = new LinkedHashMap<>();
    private final Map<Integer, Server> servers = new LinkedHashMap<>();
    private final Map<Integer, Map<String, String>> contacts = new LinkedHashMap<>();
    private final Map<Integer, CancellationRequest> cancellationRequests = new LinkedHashMap<>();
    private final Map<Integer, Boolean> subscriptions = new LinkedHashMap<>();
    private final List<Transaction> transactions = new ArrayList<>();
    private final Map<Integer, String> services = new LinkedHashMap<>();
    private final Map<Integer, PayMethod> payMethods = new LinkedHashMap<>();
    private final List<OAuthCredential> oauthCredentials = new ArrayList<>();
    private final List<String> ssoTokens = new ArrayList<>();
    private BigDecimal credit;
    private String clientEmail;
    private boolean down;
    private int nextInvoice;
    private int nextContact;
    private int nextTransaction;
    private int nextPayMethod;

    public BillingSim(SimulatorSettings settings) {
        this.token = settings.get("billing.token", DEFAULT_TOKEN);
        this.identifier = settings.get("core.identifier", DEFAULT_IDENTIFIER);
        this.secret = settings.get("core.secret", DEFAULT_SECRET);
        reset();
    }

    @Override
    public String name() {
        return NAME;
    }

    /** Both APIs under one name, so faults and call records of the installation are one stream. */
    @Override
    public void mount(Router router, SimContext context) {
        router.route(BILLING_PATH).handler(rc -> context.handle(rc, NAME, r -> r.param("action"), r -> billing(r, context)));
        router.route(CORE_PATH).handler(rc -> context.handle(rc, NAME, r -> "core:" + r.param("action"), r -> core(r, context)));
    }

    @Override
    public synchronized void reset() {
        invoices.clear();
        servers.clear();
        contacts.clear();
        cancellationRequests.clear();
        subscriptions.clear();
        transactions.clear();
        services.clear();
        payMethods.clear();
        oauthCredentials.clear();
        ssoTokens.clear();
        nextPayMethod = 1;
        credit = new BigDecimal("150.50");
        clientEmail = "john.doe@example.com";
        down = false;
        LocalDate month = LocalDate.of(2026, 10, 1);
        addInvoice(new Invoice(1001, CLIENT, 501, new BigDecimal("25.00"), BigDecimal.ZERO, "Unpaid", "Server 501 monthly", month));
        addInvoice(new Invoice(1002, CLIENT, 501, new BigDecimal("40.00"), BigDecimal.ZERO, "Unpaid", "Server 501 traffic", month));
        addInvoice(new Invoice(1003, CLIENT, 502, new BigDecimal("15.95"), new BigDecimal("15.95"), "Paid", "Server 502 monthly", month));
        addInvoice(new Invoice(1004, CLIENT, null, new BigDecimal("60.00"), BigDecimal.ZERO, "Unpaid", "Licences", month));
        for (int id : new int[] { 501, 502, 503 }) {
            servers.put(id, new Server(id, 9000 + id, "Active"));
        }
        subscriptions.put(501, true);
        services.put(7001, "Active");
        nextInvoice = 2001;
        nextContact = 67890;
        nextTransaction = 90001;
        transactions.add(new Transaction(nextTransaction++, "PM-1003", List.of(1003), 502, new BigDecimal("15.95"),
                "2026-10-02T09:00:00Z", "Payment for invoice #1003"));
    }

    private void addInvoice(Invoice inv) {
        invoices.put(inv.id(), inv);
    }

    public synchronized Invoice invoice(int id) {
        return invoices.get(id);
    }

    public synchronized List<Invoice> invoices() {
        return List.copyOf(invoices.values());
    }

    public synchronized List<PayMethod> payMethods() {
        return List.copyOf(payMethods.values());
    }

    public synchronized List<OAuthCredential> oauthCredentials() {
        return List.copyOf(oauthCredentials);
    }

    /** Every access token CreateSsoToken has answered, in order. */
    public synchronized List<String> ssoTokens() {
        return List.copyOf(ssoTokens);
    }

    /** The WHMCS installation behind the billing API cannot be reached: actions answer their page's failure. */
    public synchronized void whmcsDown(boolean unreachable) {
        this.down = unreachable;
    }

    // ---- the billing API (whmcs.php) ----

    private synchronized SimReply billing(SimRequest r, SimContext context) {
        if (!token.equals(r.param("token"))) {
            // get_clientgroups' documented failure; an invalid or expired token is refused the same way
            return SimReply.authError(200, "application/json", code(-1, "Invalid token or access denied"));
        }
        String action = r.param("action");
        if (action == null) {
            return apiError(code(-1, "action is required"));
        }
        if (down) {
            return apiError(code(-1, unreachable(action)));
        }
        return switch (action) {
            case "add_contact" -> addContact(r, context);
            case "apply_credit" -> applyCredit(r, context);
            case "create_addfunds" -> createAddfunds(r, context);
            case "delete_cancellation_request" -> withServer(r, "id", s -> deleteCancellationRequest(s, r, context));
            case "delete_contact" -> deleteContact(r, context);
            case "download_invoice" -> downloadInvoice(r);
            case "generate_due_invoice" -> withServer(r, "id", s -> generateDueInvoice(s, r, context));
            case "get_billing_data" -> withServer(r, "id", s -> billingData(s));
            case "get_cancellation_requests" -> cancellationRequests(r);
            case "get_client" -> client(r);
            case "get_clientgroups" -> clientGroups();
            case "get_contacts" -> contacts(r);
            case "get_invoice" -> billingInvoice(r);
            case "get_invoices" -> billingInvoices(r);
            case "get_related_invoices" -> relatedInvoices(r);
            case "getcredits" -> ok(obj().put("result", "OK").put("message", credit));
            case "getpaymentgw" -> paymentGateways(r);
            case "mass_pay" -> massPay(r, context);
            case "request_cancellation" -> withServer(r, "id", s -> requestCancellation(s, r, context));
            case "request_subscription_cancellation" -> withServer(r, "id", s -> requestSubscriptionCancellation(s, r, context));
            case "reset_password" -> resetPassword(r, context);
            case "transactions" -> billingTransactions(r);
            case "update_client" -> updateClient(r, context);
            case "update_contact" -> updateContact(r, context);
            default -> apiError(code(-1, "unknown action " + action));
        };
    }

    private SimReply deleteCancellationRequest(Server s, SimRequest r, SimContext context) {
        if (cancellationRequests.remove(s.id()) == null) {
            return apiError(code(-1, "server " + s.id() + " doesn't have a relid data"));
        }
        context.sideEffect(NAME, "cancellation-request-deleted", Integer.toString(s.id()), r.flatParams());
        return ok(obj().put("result", "OK").put("productid", s.id()));
    }

    private SimReply deleteContact(SimRequest r, SimContext context) {
        Integer id = intParam(r, "contact_id");
        if (id == null || contacts.remove(id) == null) {
            return apiError(code(-1, "verification failed, subcontact not found"));
        }
        context.sideEffect(NAME, "contact-deleted", Integer.toString(id), r.flatParams());
        return ok(obj().put("result", "OK").put("action", "delete_contact").put("clientid", CLIENT));
    }

    private SimReply downloadInvoice(SimRequest r) {
        Invoice inv = invoiceParam(r, "invoice_id");
        if (inv == null) {
            return apiError(code(-1, "Error getting invoice data or access denied"));
        }
        return ok(obj().put("result", "success").put("message", pdf(inv)));
    }

    private SimReply generateDueInvoice(Server s, SimRequest r, SimContext context) {
        if (invoices.values().stream().anyMatch(i -> s.id() == nz(i.server()) && i.status().equals("Unpaid"))) {
            return apiError(code(-1, "next_invoice_blocked_by_upgrade"));
        }
        Invoice inv = new Invoice(nextInvoice++, CLIENT, s.id(), new BigDecimal("29.99"), BigDecimal.ZERO, "Unpaid",
                "Server " + s.id() + " next cycle", LocalDate.of(2026, 11, 1));
        addInvoice(inv);
        context.sideEffect(NAME, "invoice", Integer.toString(inv.id()), r.flatParams());
        ObjectNode body = obj().put("result", "OK");
        body.putArray("invoices").addObject().put("id", inv.id()).put("amount", inv.total())
                .put("currency", "USD").put("status", "Unpaid");
        return ok(body);
    }

    private SimReply billingData(Server s) {
        ObjectNode body = obj().put("result", "OK").put("action", "get_billing_data");
        body.putObject("data").put("account_id", s.accountId()).put("type_billing", LOCATION)
                .put("status", s.status()).put("customer_name", "John Doe").put("location", "EU-Central");
        return ok(body);
    }

    private SimReply client(SimRequest r) {
        String email = r.param("email");
        if (email != null && !email.isEmpty() && !email.equalsIgnoreCase(clientEmail)) {
            return apiError(code(-1, "Request failed for " + email + "@" + LOCATION + ": client not found"));
        }
        ObjectNode body = obj().put("result", "OK");
        body.putObject("client").put("id", CLIENT).put("email", clientEmail).put("firstname", "John")
                .put("lastname", "Doe").put("fullname", "John Doe").put("companyname", "Example Corp")
                .put("countrycode", "NL").put("currency_code", "USD").put("status", "Active").put("corporate", 0)
                .put("ip", "192.0.2.10").put("location", LOCATION);
        body.put("billing_location", LOCATION);
        body.putObject("groupdata").put("id", 2).put("groupname", "Enterprise");
        ObjectNode internal = body.putObject("internal").put("id", CLIENT).put("email", clientEmail).put("corporate", 0)
                .put("active_since", "2024-01-01");
        if ("1".equals(r.param("full")) || "true".equalsIgnoreCase(r.param("full"))) {
            internal.putArray("tags").add("vip");
        }
        return ok(body);
    }

    private static SimReply clientGroups() {
        ObjectNode body = obj().put("result", "OK").put("action", "get_clientgroups");
        ArrayNode groups = body.putObject("data").putArray("groups");
        groups.addObject().put("id", 1).put("groupname", "Resellers");
        groups.addObject().put("id", 2).put("groupname", "Enterprise");
        return ok(body);
    }

    private SimReply contacts(SimRequest r) {
        String email = r.param("email");
        if (email != null && !email.isEmpty() && !email.equalsIgnoreCase(clientEmail)
                && contacts.values().stream().noneMatch(c -> email.equalsIgnoreCase(c.get("email")))) {
            // a sub-account the client does not have
            return apiError(code(-1, "fail to get contacts list"));
        }
        ObjectNode body = obj().put("result", "OK").put("permission_contacts_granted", true);
        ArrayNode list = body.putArray("contacts");
        contacts.forEach((id, c) -> {
            ObjectNode n = list.addObject().put("id", id);
            for (String f : List.of("email", "firstname", "lastname", "phonenumber")) {
                if (c.containsKey(f)) {
                    n.put(f, c.get(f));
                }
            }
            n.put("permissions", "contacts");
        });
        return ok(body);
    }

    private SimReply billingInvoice(SimRequest r) {
        Invoice inv = invoiceParam(r, "invoice_id");
        if (inv == null) {
            return apiError(code(-1, "invalid invoice id " + nz(intParam(r, "invoice_id")) + " at " + LOCATION));
        }
        // "status" is the look-up's, as the page shows; the invoice's own status is invoicestatus
        ObjectNode body = obj().put("result", "OK").put("status", "success").put("invoiceid", inv.id())
                .put("invoicestatus", inv.status()).put("total", inv.total()).put("balance", inv.balance())
                .put("currencycode", "USD").put("billing", "whmcs");
        body.putObject("items").putArray("item").addObject().put("relid", nz(inv.server()))
                .put("inv_id", inv.id()).put("type", "Hosting").put("description", inv.description());
        if ("1".equals(r.param("load_client_data"))) {
            body.putObject("customer").putObject("client").put("firstname", "John").put("lastname", "Doe")
                    .put("email", clientEmail);
        }
        return ok(body);
    }

    private SimReply billingInvoices(SimRequest r) {
        String location = r.param("location");
        if (location != null && !location.isEmpty() && !LOCATIONS.contains(location)) {
            return apiError(obj().put("result", "-1").put("message", "Invalid billing location or invalid client id").toString());
        }
        ObjectNode body = obj().put("result", "OK").put("totalresults", invoices.size()).put("numreturned", invoices.size());
        ArrayNode list = body.putObject("invoices").putArray("invoice");
        invoices.values().forEach(i -> list.addObject().put("id", i.id()).put("userid", i.userid())
                .put("status", i.status()).put("date", i.date().toString()).put("total", i.total())
                .put("currency_code", "USD"));
        return ok(body);
    }

    private SimReply relatedInvoices(SimRequest r) {
        Integer accountId = intParam(r, "account_id");
        Integer id = intParam(r, "id");
        Server s = accountId != null
                ? servers.values().stream().filter(v -> v.accountId() == accountId).findFirst().orElse(null)
                : id == null ? null : servers.get(id);
        if (s == null) {
            String which = accountId != null ? "account " + accountId : "server " + (id == null ? "" : id);
            return apiError(obj().put("result", -1).put("error", which + " is not linked to the billing").toString());
        }
        ObjectNode body = obj().put("result", "OK");
        ArrayNode list = body.putArray("invoices");
        invoices.values().stream().filter(i -> s.id() == nz(i.server())).forEach(i -> list.addObject()
                .put("userid", i.userid()).put("status", i.status()).put("total", i.total())
                .put("currencycode", "USD").put("invoiceid", i.id()));
        return ok(body);
    }

    private SimReply paymentGateways(SimRequest r) {
        Invoice inv = invoiceParam(r, "invoice_id");
        if (inv == null) {
            return apiError(code(-1, "failed to retrieve payment gw list: invoice not found"));
        }
        ObjectNode body = obj().put("result", "OK");
        ObjectNode methods = body.putObject("methods");
        methods.putObject("paymaster").put("call", "https://bill.example/modules/gateways/paymaster.php?id=" + inv.id());
        methods.putObject("banktransfer").put("call", "<span style='text-align:left'>Please wire funds in favor of: Bank Details</span>");
        return ok(body);
    }

    private SimReply requestCancellation(Server s, SimRequest r, SimContext context) {
        if (invoices.values().stream().noneMatch(i -> s.id() == nz(i.server()))) {
            return apiError(code(-3, "whmcs_immediate_cancellation_no_invoices"));
        }
        String type = "1".equals(r.param("cancellation_type")) ? "Immediate" : "End of Billing Period";
        cancellationRequests.put(s.id(), new CancellationRequest(s.id(), "2026-11-23 10:00:00",
                r.has("cancellation_reason") ? r.param("cancellation_reason") : "User requested cancellation",
                type, "2026-12-01"));
        context.sideEffect(NAME, "cancellation-request", Integer.toString(s.id()), r.flatParams());
        return ok(obj().put("result", "OK"));
    }

    private SimReply requestSubscriptionCancellation(Server s, SimRequest r, SimContext context) {
        if (subscriptions.remove(s.id()) == null) {
            return apiError(code(-1, "sub_cancel_no_active_subscription"));
        }
        context.sideEffect(NAME, "subscription-cancellation", Integer.toString(s.id()), r.flatParams());
        return ok(obj().put("result", "OK").put("ticket", "JIRA-" + (10000 + s.id())));
    }

    private SimReply resetPassword(SimRequest r, SimContext context) {
        if (r.has("reset_token")) {
            return apiError(code(-1, "Invalid password reset token, please try again."));
        }
        if (r.has("email") && !r.param("email").equalsIgnoreCase(clientEmail)) {
            return apiError(code(-1, "user not found"));
        }
        context.sideEffect(NAME, "password-reset", Integer.toString(CLIENT), r.flatParams());
        ObjectNode body = obj().put("result", "OK").put("message", "Password reset link was sent to the registered email.");
        body.putObject("debug");
        return ok(body);
    }

    private SimReply billingTransactions(SimRequest r) {
        Integer server = intParam(r, "server_id");
        if (server != null && !servers.containsKey(server)) {
            return apiError(code(-1, "failed to retrieve transactions - server " + server + " is not linked to the billing"));
        }
        Integer invoice = intParam(r, "invoice_id");
        Integer txId = intParam(r, "transaction_id");
        ObjectNode body = obj().put("result", "OK").put("action", "transactions");
        ArrayNode list = body.putArray("transactions");
        transactions.stream()
                .filter(t -> txId == null || t.id() == txId)
                .filter(t -> invoice == null || t.invoices().contains(invoice))
                .filter(t -> server == null || server.equals(t.server()))
                .forEach(t -> list.addObject().put("transaction_id", t.id()).put("amount", t.amount())
                        .put("date", t.date()).put("description", t.description()).put("status", "Completed"));
        return ok(body);
    }

    private SimReply updateClient(SimRequest r, SimContext context) {
        String clientId = r.param("profile_data[client_id]");
        if (clientId == null || !clientId.equals(Integer.toString(CLIENT))) {
            return apiError(code(-1, "invalid profile data: client_id " + clientId + " is not yours"));
        }
        if (r.param("profile_data[billing_email]") != null && r.param("profile_data[billing_email]").isBlank()) {
            return apiError(code(-1, "invalid profile data: billing_email can't be empty"));
        }
        if (r.has("profile_data[billing_email]")) {
            clientEmail = r.param("profile_data[billing_email]");
        }
        context.sideEffect(NAME, "client-update", clientId, r.flatParams());
        return ok(obj().put("result", "OK").put("clientid", CLIENT)
                .put("location", r.has("profile_data[location]") ? r.param("profile_data[location]") : LOCATION)
                .put("billing_email", clientEmail).put("message", "Profile settings updated"));
    }

    private SimReply updateContact(SimRequest r, SimContext context) {
        Integer id = intParam(r, "contact_id");
        if (id == null || !contacts.containsKey(id) || !r.has("email")) {
            return apiError(code(-1, "fill_required_fields"));
        }
        Map<String, String> c = contacts.get(id);
        for (String f : List.of("email", "firstname", "lastname", "phonenumber")) {
            if (r.has(f)) {
                c.put(f, r.param(f));
            }
        }
        context.sideEffect(NAME, "contact-update", Integer.toString(id), r.flatParams());
        return ok(obj().put("result", "OK").put("clientid", CLIENT).put("location", LOCATION));
    }

    /** What each page says when WHMCS itself fails behind the API. */
    private static String unreachable(String action) {
        String why = "WHMCS at " + LOCATION + " is unreachable";
        return switch (action) {
            case "getcredits" -> "failed to retrieve account history at " + LOCATION + ", please contact support - " + why;
            case "transactions" -> "failed to retrieve transactions - " + why;
            case "get_contacts" -> "fail to get contacts list";
            case "getpaymentgw" -> "failed to retrieve payment gw list: " + why;
            case "get_client" -> "Request failed for client@" + LOCATION + ": " + why;
            case "get_clientgroups" -> "failed to get client groups - " + why;
            default -> action + " failed - " + why;
        };
    }

    private SimReply cancellationRequests(SimRequest r) {
        Integer id = intParam(r, "id");
        if (id != null && !servers.containsKey(id)) {
            return apiError(code(-1, "server " + id + " doesn't have a relid data"));
        }
        String from = r.param("period_from");
        String to = r.param("period_to");
        ObjectNode body = obj().put("result", "OK");
        ArrayNode list = body.putArray("message");
        cancellationRequests.values().stream()
                .filter(c -> id == null || c.relid() == id)
                .filter(c -> !r.has("cancellation_type") || c.type().equalsIgnoreCase(r.param("cancellation_type")))
                .filter(c -> !r.has("billing_status") || "Active".equalsIgnoreCase(r.param("billing_status")))
                .filter(c -> from == null || from.isEmpty() || c.date().substring(0, 10).compareTo(from) >= 0)
                .filter(c -> to == null || to.isEmpty() || c.date().substring(0, 10).compareTo(to) <= 0)
                .forEach(c -> list.addObject().put("relid", c.relid()).put("cr_date", c.date()).put("cr_reason", c.reason())
                        .put("cr_type", c.type()).put("due_date", c.dueDate()).put("name_client", "John Doe")
                        .put("billing_status", "Active").put("corporate", "N"));
        return ok(body);
    }

    private SimReply addContact(SimRequest r, SimContext context) {
        String email = r.param("params[email]");
        ObjectNode errors = obj();
        if (r.param("params[firstname]") == null || r.param("params[firstname]").isBlank()) {
            errors.put("message_firstname_incorrect", "message_firstname_incorrect");
        }
        if (email == null || !email.matches("[^@\\s]+@[^@\\s]+\\.[^@\\s]+")) {
            errors.put("message_email_incorrect", "message_email_incorrect");
        } else if (email.equalsIgnoreCase(clientEmail) || contacts.values().stream().anyMatch(c -> email.equalsIgnoreCase(c.get("email")))) {
            errors.put("email_registered", "email_registered");
        }
        String phone = r.param("params[phonenumber]");
        if (phone != null && !phone.isEmpty() && !phone.matches("\\+?[0-9 .()-]{6,20}")) {
            errors.put("message_phone_incorrect_format", "message_phone_incorrect_format");
        }
        if (!errors.isEmpty()) {
            ObjectNode body = obj().put("-1", "fill_required_fields");
            body.setAll(errors);
            return apiError(body.toString());
        }
        int id = nextContact++;
        Map<String, String> c = new LinkedHashMap<>();
        for (String f : List.of("firstname", "lastname", "email", "phonenumber", "companyname", "city", "country")) {
            if (r.has("params[" + f + "]")) {
                c.put(f, r.param("params[" + f + "]"));
            }
        }
        contacts.put(id, c);
        context.sideEffect(NAME, "contact", Integer.toString(id), r.flatParams());
        return ok(obj().put("result", "success").put("clientid", CLIENT).put("contactid", id)
                .put("firstname", c.get("firstname")).put("lastname", c.get("lastname")).put("email", email));
    }

    /**
     * "If the credit amount exceeds the invoice total, the maximum possible amount is applied." More than the credit
     * balance is WHMCS's ApplyCredit refusing, which this API passes on inside a success, as its page's example shows.
     */
    private SimReply applyCredit(SimRequest r, SimContext context) {
        Invoice inv = invoiceParam(r, "invoice_id");
        if (inv == null || !inv.status().equals("Unpaid")) {
            return apiError(code(-1, "invalid invoice id " + nz(intParam(r, "invoice_id")) + " at " + LOCATION + " status - "
                    + (inv == null ? "Unknown" : inv.status())));
        }
        BigDecimal amount = decimal(r.param("amount"));
        if (amount == null || amount.signum() <= 0) {
            return apiError(code(-1, "invalid amount"));
        }
        BigDecimal applied = amount.min(inv.balance());
        if (applied.compareTo(credit) > 0) {
            return ok(obj().put("result", "success").put("message", "WHMCS ApplyCredit failed: "
                    + obj().put("error", "Amount exceeds customer credit balance")));
        }
        credit = credit.subtract(applied);
        invoices.put(inv.id(), inv.pay(applied));
        context.sideEffect(NAME, "credit-applied", Integer.toString(inv.id()), r.flatParams());
        return ok(obj().put("result", "success").put("message", "Applied " + applied.toPlainString() + " credit to invoice " + inv.id()));
    }

    private SimReply createAddfunds(SimRequest r, SimContext context) {
        BigDecimal amount = decimal(r.param("amount"));
        if (amount == null || amount.compareTo(MIN_TOP_UP) < 0) {
            return apiError(code(-1, "minimal payment amount is 20."));
        }
        Invoice inv = new Invoice(nextInvoice++, CLIENT, null, amount, BigDecimal.ZERO, "Unpaid",
                r.has("description") ? r.param("description") : "Add funds", LocalDate.of(2026, 11, 23));
        addInvoice(inv);
        context.sideEffect(NAME, "addfunds-invoice", Integer.toString(inv.id()), r.flatParams());
        ObjectNode body = obj().put("result", "OK").put("action", "create_addfunds")
                .put("message", "Invoice " + inv.id() + " created");
        body.putObject("invoice").put("id", inv.id()).put("total", amount).put("status", "Unpaid").put("currency", "USD");
        return ok(body);
    }

    /** Pays every listed invoice with one transaction; nothing is paid when one of them cannot be. */
    private SimReply massPay(SimRequest r, SimContext context) {
        List<String> ids = r.paramValues("invoices[]");
        if (ids.size() < 2) {
            return apiError(code(-1, "mass_pay_requires_2_invoices"));
        }
        BigDecimal total = BigDecimal.ZERO;
        List<Invoice> paying = new ArrayList<>();
        for (String id : ids) {
            Invoice inv = id.matches("\\d{1,9}") ? invoices.get(Integer.parseInt(id)) : null;
            if (inv == null || !inv.status().equals("Unpaid")) {
                return apiError(code(-1, "invalid invoice id " + id + " at " + LOCATION));
            }
            paying.add(inv);
            total = total.add(inv.balance());
        }
        // one combined invoice, paid by one transaction
        Invoice combined = new Invoice(nextInvoice++, CLIENT, null, total, total, "Paid", "Mass payment " + ids,
                LocalDate.of(2026, 11, 23));
        addInvoice(combined);
        paying.forEach(i -> invoices.put(i.id(), i.pay(i.balance())));
        List<Integer> paid = new ArrayList<>(paying.stream().map(Invoice::id).toList());
        paid.add(combined.id());
        transactions.add(new Transaction(nextTransaction++, "MP-" + combined.id(), paid, null, total,
                java.time.Instant.now().toString(), "Mass payment of invoices " + String.join(", ", ids)));
        context.sideEffect(NAME, "mass-pay", Integer.toString(combined.id()), r.flatParams());
        return ok(obj().put("result", "OK").put("invoiceid", combined.id()));
    }

    // ---- the WHMCS core API (includes/api.php) ----

    /** The core API in the format asked for: {@code responsetype=xml} renders the same answer as WHMCS's XML. */
    private synchronized SimReply core(SimRequest r, SimContext context) {
        SimReply json = coreJson(r, context);
        if (!"xml".equalsIgnoreCase(r.param("responsetype"))) {
            return json;
        }
        ObjectNode body;
        try {
            body = (ObjectNode) JSON.readTree(json.body());
        } catch (Exception e) {
            return json;
        }
        StringBuilder x = new StringBuilder("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<whmcsapi version=\"8.13.1\">");
        x.append("<action>").append(escapeXml(r.param("action") == null ? "" : r.param("action"))).append("</action>");
        body.fields().forEachRemaining(f -> xml(x, f.getKey(), f.getValue()));
        x.append("</whmcsapi>");
        return new SimReply(json.status(), "text/xml", x.toString(), json.outcome(), json.authFailed());
    }

    /** WHMCS's XML: a field is an element, a list repeats the element of its name. */
    private static void xml(StringBuilder x, String name, JsonNode v) {
        if (v.isArray()) {
            v.forEach(item -> xml(x, name, item));
            return;
        }
        x.append('<').append(name).append('>');
        if (v.isObject()) {
            v.fields().forEachRemaining(f -> xml(x, f.getKey(), f.getValue()));
        } else if (!v.isNull()) {
            x.append(escapeXml(v.asText()));
        }
        x.append("</").append(name).append('>');
    }

    private static String escapeXml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private SimReply coreJson(SimRequest r, SimContext context) {
        if (!identifier.equals(r.param("identifier")) || !secret.equals(r.param("secret"))) {
            return SimReply.authError(200, "application/json", coreError("Authentication Failed"));
        }
        String action = r.param("action");
        if (action == null) {
            return apiError(coreError("Command Not Found"));
        }
        return switch (action) {
            case "WhmcsDetails" -> ok(coreOk().set("whmcs", obj().put("version", "8.13.1").put("canonicalversion", "8.13.1-release.1")));
            case "GetClientsDetails" -> {
                String cid = r.param("clientid");
                String email = r.param("email");
                if ((cid != null && cid.equals(Integer.toString(CLIENT))) || (email != null && email.equalsIgnoreCase(clientEmail))) {
                    yield ok(coreOk().put("userid", CLIENT).put("id", CLIENT).put("email", clientEmail)
                            .put("firstname", "John").put("lastname", "Doe").put("credit", credit.toPlainString()));
                }
                if (cid != null && cid.equals(Integer.toString(LEGACY_CLIENT))) {
                    if (!"xml".equalsIgnoreCase(r.param("responsetype"))) {
                        yield apiError(coreError(JSON_ENCODING_ERROR));
                    }
                    // "M\xFCller" stored as Latin-1: read as UTF-8 it is M\uFFFDller
                    yield ok(coreOk().put("userid", LEGACY_CLIENT).put("id", LEGACY_CLIENT)
                            .put("email", "j.mueller@example.de").put("firstname", "J\u00fcrgen")
                            .put("lastname", "M\uFFFDller").put("credit", "0.00"));
                }
                yield apiError(coreError("Client Not Found"));
            }
            case "GetInvoices" -> {
                int start = Math.max(0, intParamOr(r, "limitstart", 0));
                int num = Math.max(1, intParamOr(r, "limitnum", 25));
                Integer user = intParam(r, "userid");
                List<Invoice> all = invoices.values().stream()
                        .filter(i -> user == null || i.userid() == user)
                        .filter(i -> !r.has("status") || i.status().equalsIgnoreCase(r.param("status"))).toList();
                List<Invoice> page = all.subList(Math.min(start, all.size()), Math.min(start + num, all.size()));
                ObjectNode body = coreOk().put("totalresults", all.size()).put("startnumber", start).put("numreturned", page.size());
                ArrayNode list = body.putObject("invoices").putArray("invoice");
                page.forEach(i -> list.addObject().put("id", i.id()).put("userid", i.userid()).put("status", i.status())
                        .put("date", i.date().toString()).put("total", i.total().toPlainString()).put("currencycode", "USD"));
                yield ok(body);
            }
            case "GetInvoice" -> {
                Invoice inv = invoiceParam(r, "invoiceid");
                yield inv == null ? apiError(coreError("Invoice ID Not Found"))
                        : ok(coreOk().put("invoiceid", inv.id()).put("userid", inv.userid()).put("status", inv.status())
                                .put("total", inv.total().toPlainString()).put("balance", inv.balance().toPlainString()));
            }
            case "CreateInvoice" -> {
                if (!Integer.toString(CLIENT).equals(r.param("userid"))) {
                    yield apiError(coreError("Invalid User ID"));
                }
                BigDecimal amount = decimal(r.param("itemamount1"));
                Invoice inv = new Invoice(nextInvoice++, CLIENT, null, amount == null ? BigDecimal.ZERO : amount,
                        BigDecimal.ZERO, "Unpaid", r.param("itemdescription1"), LocalDate.of(2026, 11, 23));
                addInvoice(inv);
                context.sideEffect(NAME, "core-invoice", Integer.toString(inv.id()), r.flatParams());
                yield ok(coreOk().put("invoiceid", inv.id()).put("status", "Unpaid"));
            }
            case "AddInvoicePayment" -> {
                Invoice inv = invoiceParam(r, "invoiceid");
                if (inv == null) {
                    yield apiError(coreError("Invoice ID Not Found"));
                }
                // WHMCS does not reject a repeated transid: a second call is a second payment
                BigDecimal amount = r.has("amount") ? decimal(r.param("amount")) : inv.balance();
                invoices.put(inv.id(), inv.pay(amount == null ? BigDecimal.ZERO : amount));
                transactions.add(new Transaction(nextTransaction++, r.param("transid"), List.of(inv.id()), inv.server(),
                        amount, r.param("date"), "Invoice Payment (" + r.param("gateway") + ")"));
                context.sideEffect(NAME, "core-payment", r.param("transid"), r.flatParams());
                yield ok(coreOk());
            }
            case "GetTransactions" -> {
                // as WHMCS: filtered by invoiceid, clientid and transid (exactly), the list nested twice, money as strings
                Integer invoice = intParam(r, "invoiceid");
                Integer clientId = intParam(r, "clientid");
                String transid = r.param("transid");
                List<Transaction> found = transactions.stream()
                        .filter(t -> invoice == null || t.invoices().contains(invoice))
                        .filter(t -> clientId == null || clientId == CLIENT)
                        .filter(t -> transid == null || transid.equals(t.transid())).toList();
                ObjectNode body = coreOk().put("totalresults", found.size()).put("startnumber", 0)
                        .put("numreturned", found.size());
                ArrayNode list = body.putObject("transactions").putArray("transaction");
                found.forEach(t -> list.addObject().put("id", t.id()).put("userid", CLIENT).put("currency", 0)
                        .put("date", t.date() == null ? "" : t.date())
                        .put("description", t.description()).put("amountin", t.amount() == null ? "0.00" : t.amount().toPlainString())
                        .put("fees", "0.00").put("amountout", "0.00").put("rate", "1.00000")
                        .put("transid", t.transid() == null ? "" : t.transid())
                        .put("invoiceid", t.invoices().isEmpty() ? 0 : t.invoices().get(0)).put("refundid", 0));
                yield ok(body);
            }
            case "AddCredit" -> {
                BigDecimal amount = decimal(r.param("amount"));
                if (!Integer.toString(CLIENT).equals(r.param("clientid")) || amount == null) {
                    yield apiError(coreError("Client ID Not Found"));
                }
                credit = credit.add(amount);
                context.sideEffect(NAME, "core-credit", r.param("clientid"), r.flatParams());
                yield ok(coreOk().put("newbalance", credit.toPlainString()));
            }
            case "GetCredits" -> {
                if (!Integer.toString(CLIENT).equals(r.param("clientid"))) {
                    yield apiError(coreError("Client ID Not Found"));
                }
                ObjectNode body = coreOk().put("totalresults", 1).put("clientid", CLIENT);
                body.putObject("credits").putArray("credit").addObject().put("id", 1).put("date", "2026-10-01")
                        .put("description", "Balance").put("amount", credit.toPlainString());
                yield ok(body);
            }
            case "AddPayMethod" -> addPayMethod(r, context);
            case "CreateOAuthCredential" -> createOAuthCredential(r, context);
            case "ListOAuthCredentials" -> {
                ArrayNode clients = JSON.createArrayNode();
                oauthCredentials.stream().filter(c -> !r.has("grantType") || c.grantType().equals(r.param("grantType")))
                        .forEach(c -> clients.add(credential(c)));
                ObjectNode body = coreOk().put("totalresults", clients.size());
                body.set("clients", clients);
                yield ok(body);
            }
            case "CreateSsoToken" -> createSsoToken(r, context);
            case "ModuleSuspend" -> {
                Integer id = intParam(r, "serviceid");
                if (id == null || !services.containsKey(id)) {
                    yield apiError(coreError("Service ID Not Found"));
                }
                services.put(id, "Suspended");
                context.sideEffect(NAME, "core-suspend", Integer.toString(id), r.flatParams());
                yield ok(coreOk());
            }
            default -> apiError(coreError("the simulator does not emulate " + action));
        };
    }

    /**
     * WHMCS's AddPayMethod: {@code clientid}, {@code type} (CreditCard by default, BankAccount, RemoteCreditCard,
     * RemoteBankAccount), {@code description}, {@code gateway_module_name}, the card's {@code card_number},
     * {@code card_expiry} (MMYY), {@code card_start}, {@code card_issue_number}, or the account's {@code bank_name},
     * {@code bank_account_type}, {@code bank_code} (sort code or routing number), {@code bank_account};
     * {@code set_as_default}. Answers {@code result}, {@code clientid}, {@code paymethodid}.
     */
    private SimReply addPayMethod(SimRequest r, SimContext context) {
        if (!Integer.toString(CLIENT).equals(r.param("clientid"))) {
            return apiError(coreError("Client ID Not Found"));
        }
        String type = r.has("type") ? r.param("type") : "CreditCard";
        boolean card = type.equals("CreditCard") || type.equals("RemoteCreditCard");
        if (!card && !type.equals("BankAccount") && !type.equals("RemoteBankAccount")) {
            return apiError(coreError("Invalid Pay Method Type. Should be one of 'BankAccount', 'CreditCard', "
                    + "'RemoteBankAccount' or 'RemoteCreditCard'"));
        }
        String number = card ? r.param("card_number") : r.param("bank_account");
        if (number == null || !number.replace(" ", "").matches("\\d{4,19}")) {
            return apiError(coreError(card ? "Invalid Card Number" : "Invalid Bank Account Number"));
        }
        if (card && (r.param("card_expiry") == null || !r.param("card_expiry").matches("\\d{4}"))) {
            return apiError(coreError("Expiry Date is required in MMYY format"));
        }
        if (!card && !r.has("bank_name")) {
            return apiError(coreError("Bank Name is required"));
        }
        String digits = number.replace(" ", "");
        PayMethod m = new PayMethod(nextPayMethod++, CLIENT, type, r.has("description") ? r.param("description") : "",
                digits.substring(digits.length() - 4), card ? r.param("card_expiry") : null, r.param("bank_name"));
        payMethods.put(m.id(), m);
        context.sideEffect(NAME, "core-paymethod", Integer.toString(m.id()), Map.of("type", type));
        return ok(coreOk().put("clientid", CLIENT).put("paymethodid", m.id()));
    }

    /**
     * WHMCS's CreateOAuthCredential: {@code grantType} (single_sign_on or authorization_code), {@code scope},
     * {@code name}, {@code serviceId} (single sign-on), {@code description}, {@code logoUri}, {@code redirectUri}.
     * Answers {@code credentialId}, {@code clientIdentifier} and {@code clientSecret}.
     */
    private SimReply createOAuthCredential(SimRequest r, SimContext context) {
        String grant = r.param("grantType");
        if (!"single_sign_on".equals(grant) && !"authorization_code".equals(grant)) {
            return apiError(coreError("Invalid Grant Type. Must be one of single_sign_on or authorization_code"));
        }
        if (!r.has("scope")) {
            return apiError(coreError("A scope is required"));
        }
        if (grant.equals("single_sign_on") && intParam(r, "serviceId") == null) {
            return apiError(coreError("A serviceId is required for the single_sign_on grant type"));
        }
        int id = oauthCredentials.size() + 1;
        OAuthCredential c = new OAuthCredential(id, r.has("name") ? r.param("name") : "Credential " + id, grant,
                r.param("scope"), intParam(r, "serviceId"), "WHMCS." + random(16), random(40));
        oauthCredentials.add(c);
        context.sideEffect(NAME, "core-oauth-credential", Integer.toString(id), Map.of("grantType", grant));
        return ok(coreOk().put("credentialId", id).put("clientIdentifier", c.clientIdentifier())
                .put("clientSecret", c.clientSecret()));
    }

    /** A credential as ListOAuthCredentials lists it, secret included. */
    private static ObjectNode credential(OAuthCredential c) {
        ObjectNode n = obj().put("credentialId", c.credentialId()).put("name", c.name()).put("description", "")
                .put("grantTypes", c.grantType()).put("scope", c.scope()).put("clientIdentifier", c.clientIdentifier())
                .put("clientSecret", c.clientSecret()).put("uuid", java.util.UUID.nameUUIDFromBytes(
                        c.clientIdentifier().getBytes(StandardCharsets.UTF_8)).toString())
                .put("logoUri", "").put("redirectUri", "").put("createdAt", "2026-11-23 10:00:00");
        if (c.serviceId() != null) {
            n.put("serviceId", c.serviceId());
        }
        return n;
    }

    /**
     * WHMCS's CreateSsoToken: {@code client_id} or {@code user_id}, {@code destination}, {@code service_id},
     * {@code domain_id}, {@code sso_redirect_path}. Answers {@code access_token} and {@code redirect_url}, the
     * single sign-on URL, which carries the same token in its query.
     */
    private SimReply createSsoToken(SimRequest r, SimContext context) {
        String client = r.param("client_id");
        if (client == null && r.param("user_id") == null) {
            return apiError(coreError("A client_id or user_id is required"));
        }
        if (client != null && !client.equals(Integer.toString(CLIENT))) {
            return apiError(coreError("Client ID Not Found"));
        }
        String token = random(40);
        ssoTokens.add(token);
        String host = r.header("Host") == null ? "127.0.0.1" : r.header("Host");
        context.sideEffect(NAME, "core-sso-token", client == null ? r.param("user_id") : client, Map.of());
        return ok(coreOk().put("access_token", token)
                .put("redirect_url", "http://" + host + "/oauth/singlesignon.php?access_token=" + token));
    }

    /** Letters and digits, as WHMCS's generated identifiers, secrets and tokens. */
    private static String random(int length) {
        String alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
        StringBuilder b = new StringBuilder(length);
        java.util.concurrent.ThreadLocalRandom rnd = java.util.concurrent.ThreadLocalRandom.current();
        for (int i = 0; i < length; i++) {
            b.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
        }
        return b.toString();
    }

    // ---- helpers ----

    private SimReply withServer(SimRequest r, String param, Function<Server, SimReply> then) {
        Integer id = intParam(r, param);
        Server s = id == null ? null : servers.get(id);
        if (s == null) {
            return apiError(code(-1, "Server not found"));
        }
        return then.apply(s);
    }

    private static int nz(Integer v) {
        return v == null ? 0 : v;
    }

    private Invoice invoiceParam(SimRequest r, String name) {
        Integer id = intParam(r, name);
        return id == null ? null : invoices.get(id);
    }

    private static Integer intParam(SimRequest r, String name) {
        try {
            return r.has(name) ? Integer.valueOf(r.param(name).trim()) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static int intParamOr(SimRequest r, String name, int fallback) {
        Integer v = intParam(r, name);
        return v == null ? fallback : v;
    }

    private static BigDecimal decimal(String v) {
        try {
            return v == null ? null : new BigDecimal(v.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** A small PDF; invoice 1004's is 10 KB, to exercise a client's size cap. */
    private static String pdf(Invoice inv) {
        StringBuilder s = new StringBuilder("%PDF-1.4\n% invoice " + inv.id() + " total " + inv.total().toPlainString() + "\n");
        if (inv.id() == 1004) {
            s.append("x".repeat(10_000));
        }
        s.append("\n%%EOF\n");
        return Base64.getEncoder().encodeToString(s.toString().getBytes(StandardCharsets.US_ASCII));
    }

    private static ObjectNode obj() {
        return JSON.createObjectNode();
    }

    private static ObjectNode coreOk() {
        return obj().put("result", "success");
    }

    private static String coreError(String message) {
        return obj().put("result", "error").put("message", message).toString();
    }

    private static String code(int code, String message) {
        return obj().put("code", code).put("message", message).toString();
    }

    private static SimReply ok(ObjectNode body) {
        return SimReply.json(body.toString());
    }

    private static SimReply apiError(String body) {
        return SimReply.apiError(200, "application/json", body);
    }
}
