package io.whmcsbridge.simulator.billing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.ext.web.Router;
import io.whmcsbridge.simulator.SimContext;
import io.whmcsbridge.simulator.SimReply;
import io.whmcsbridge.simulator.SimRequest;
import io.whmcsbridge.simulator.SimulatedApi;
import io.whmcsbridge.simulator.SimulatorSettings;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Two APIs of one WHMCS installation. {@value #BILLING_PATH}: the hosting billing API of seed 002 (form POST with
 * {@code action} and {@code token}; success {@code "result":"OK"|"success"}; failures in the seed's five shapes,
 * each action with the shape its page shows). {@value #CORE_PATH}: the WHMCS core API of seed 003 ({@code identifier},
 * {@code secret}, {@code action}, {@code responsetype=json}; {@code result} success/error), emulating the actions
 * API-NOTES.md describes (GetClientsDetails, GetInvoices with paging, GetInvoice, CreateInvoice, AddInvoicePayment,
 * AddCredit, GetCredits, ModuleSuspend, WhmcsDetails); other documented actions answer an error saying they are
 * not emulated. Settings: {@code billing.token}, {@code core.identifier}, {@code core.secret}.
 * <p>
 * State: client 12345 with a credit balance of 150.50, invoices 1001-1004 (1004 has a 10 KB PDF), servers 501
 * (two unpaid invoices, a bank subscription) and 502, contacts, cancellation requests, transactions. Money is
 * BigDecimal; the core API sends it as strings ("15.95"), the billing API as JSON numbers, as their pages show.
 */
public final class BillingSim implements SimulatedApi {
    public static final String NAME = "billing";
    public static final String BILLING_PATH = "/whmcs.php";
    public static final String CORE_PATH = "/includes/api.php";
    public static final String DEFAULT_TOKEN = "sim-billing-token-3f9d";
    public static final String DEFAULT_IDENTIFIER = "sim-core-identifier";
    public static final String DEFAULT_SECRET = "sim-core-secret-81aa";
    public static final int CLIENT = 12345;
    private static final ObjectMapper JSON = JsonMapper.builder().nodeFactory(JsonNodeFactory.withExactBigDecimals(true)).build();
    private static final Set<String> LOCATIONS = Set.of("whmcs_eu", "whmcs_ru", "whmcs_com");

    /** An invoice as the simulator keeps it. */
    public record Invoice(int id, int userid, Integer server, BigDecimal total, String status, String description) {
        Invoice paid() {
            return new Invoice(id, userid, server, total, "Paid", description);
        }
    }

    private final String token;
    private final String identifier;
    private final String secret;
    private final Map<Integer, Invoice> invoices = new LinkedHashMap<>();
    private final Map<Integer, Map<String, String>> contacts = new LinkedHashMap<>();
    private final Set<Integer> cancellationRequests = new LinkedHashSet<>();
    private final Set<Integer> subscriptions = new LinkedHashSet<>();
    private final List<ObjectNode> transactions = new ArrayList<>();
    private final Map<Integer, String> services = new LinkedHashMap<>();
    private BigDecimal credit;
    private String clientEmail;
    private int nextInvoice;
    private int nextContact;
    private int nextTransaction;

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

    @Override
    public void mount(Router router, SimContext context) {
        router.route(BILLING_PATH).handler(rc -> context.handle(rc, NAME, r -> r.param("action"), r -> billing(r, context)));
        router.route(CORE_PATH).handler(rc -> context.handle(rc, NAME, r -> "core:" + r.param("action"), r -> core(r, context)));
    }

    @Override
    public synchronized void reset() {
        invoices.clear();
        contacts.clear();
        cancellationRequests.clear();
        subscriptions.clear();
        transactions.clear();
        services.clear();
        credit = new BigDecimal("150.50");
        clientEmail = "john.doe@example.com";
        invoices.put(1001, new Invoice(1001, CLIENT, 501, new BigDecimal("25.00"), "Unpaid", "Server 501 monthly"));
        invoices.put(1002, new Invoice(1002, CLIENT, 501, new BigDecimal("40.00"), "Unpaid", "Server 501 traffic"));
        invoices.put(1003, new Invoice(1003, CLIENT, 502, new BigDecimal("15.95"), "Paid", "Server 502 monthly"));
        invoices.put(1004, new Invoice(1004, CLIENT, null, new BigDecimal("60.00"), "Unpaid", "Licences"));
        subscriptions.add(501);
        services.put(7001, "Active");
        nextInvoice = 2001;
        nextContact = 67890;
        nextTransaction = 90001;
    }

    public synchronized BigDecimal credit() {
        return credit;
    }

    public synchronized Invoice invoice(int id) {
        return invoices.get(id);
    }

    public synchronized List<Invoice> invoices() {
        return List.copyOf(invoices.values());
    }

    public synchronized String serviceStatus(int id) {
        return services.get(id);
    }

    // ---- the billing API (whmcs.php) ----

    private synchronized SimReply billing(SimRequest r, SimContext context) {
        if (!token.equals(r.param("token"))) {
            // the failure the seed shows for get_clientgroups; an invalid or expired token is refused the same way
            return SimReply.authError(200, "application/json", code(-1, "Invalid token or access denied"));
        }
        String action = r.param("action");
        if (action == null) {
            return apiError(code(-1, "action is required"));
        }
        return switch (action) {
            case "add_contact" -> addContact(r, context);
            case "apply_credit" -> applyCredit(r, context);
            case "create_addfunds" -> createAddfunds(r, context);
            case "delete_cancellation_request" -> withServer(r, id -> {
                if (!cancellationRequests.remove(id)) {
                    return apiError(code(-1, "server " + id + " doesn't have a relid data"));
                }
                context.sideEffect(NAME, "cancellation-request-deleted", Integer.toString(id), r.flatParams());
                return ok(obj().put("result", "OK").put("productid", id));
            });
            case "delete_contact" -> {
                Integer id = intParam(r, "contact_id");
                if (id == null || contacts.remove(id) == null) {
                    yield apiError(code(-1, "verification failed, subcontact not found"));
                }
                context.sideEffect(NAME, "contact-deleted", Integer.toString(id), r.flatParams());
                yield ok(obj().put("result", "OK").put("action", "delete_contact").put("clientid", CLIENT));
            }
            case "download_invoice" -> {
                Invoice inv = invoiceParam(r, "invoice_id");
                if (inv == null) {
                    yield apiError(code(-1, "Error getting invoice data or access denied"));
                }
                yield ok(obj().put("result", "success").put("message", pdf(inv)));
            }
            case "generate_due_invoice" -> withServer(r, id -> {
                if (invoices.values().stream().anyMatch(i -> id.equals(i.server()) && i.status().equals("Unpaid"))) {
                    return apiError(code(-1, "next_invoice_blocked_by_upgrade"));
                }
                Invoice inv = new Invoice(nextInvoice++, CLIENT, id, new BigDecimal("29.99"), "Unpaid", "Server " + id + " next cycle");
                invoices.put(inv.id(), inv);
                context.sideEffect(NAME, "invoice", Integer.toString(inv.id()), r.flatParams());
                ObjectNode body = obj().put("result", "OK");
                body.putArray("invoices").addObject().put("id", inv.id()).put("amount", inv.total())
                        .put("currency", "USD").put("status", "Unpaid");
                return ok(body);
            });
            case "get_billing_data" -> withServer(r, id -> {
                ObjectNode body = obj().put("result", "OK").put("action", "get_billing_data");
                body.putObject("data").put("account_id", 9000 + id).put("type_billing", "whmcs_eu").put("status", "Active")
                        .put("customer_name", "John Doe").put("location", "EU-Central");
                return ok(body);
            });
            case "get_cancellation_requests" -> {
                Integer id = intParam(r, "id");
                if (id != null && !isServer(id)) {
                    yield apiError(code(-1, "server " + id + " doesn't have a relid data"));
                }
                ObjectNode body = obj().put("result", "OK");
                ArrayNode list = body.putArray("requests");
                cancellationRequests.stream().filter(s -> id == null || s.equals(id))
                        .forEach(s -> list.addObject().put("id", s).put("type", "Immediate").put("status", "Pending"));
                yield ok(body);
            }
            case "get_client" -> {
                String email = r.param("email");
                if (email != null && !email.isEmpty() && !email.equalsIgnoreCase(clientEmail)) {
                    yield apiError(code(-1, "Request failed for " + email + "@whmcs_eu: client not found"));
                }
                ObjectNode body = obj().put("result", "OK");
                body.putObject("client").put("id", CLIENT).put("email", clientEmail).put("firstname", "John")
                        .put("lastname", "Doe").put("credit", credit).putArray("tags").add("vip");
                yield ok(body);
            }
            case "get_clientgroups" -> {
                ObjectNode body = obj().put("result", "OK");
                ArrayNode groups = body.putArray("groups");
                groups.addObject().put("id", 1).put("groupname", "Resellers");
                groups.addObject().put("id", 2).put("groupname", "Enterprise");
                yield ok(body);
            }
            case "get_contacts" -> {
                ObjectNode body = obj().put("result", "OK");
                ArrayNode list = body.putArray("contacts");
                contacts.forEach((id, c) -> {
                    ObjectNode n = list.addObject().put("id", id);
                    c.forEach((k, v) -> {
                        if (!k.startsWith("password")) {
                            n.put(k, v);
                        }
                    });
                });
                yield ok(body);
            }
            case "get_invoice" -> {
                Invoice inv = invoiceParam(r, "invoice_id");
                if (inv == null) {
                    yield apiError(code(-1, "invalid invoice id " + r.param("invoice_id") + " at whmcs_eu"));
                }
                ObjectNode body = obj().put("result", "OK").put("status", inv.status()).put("invoiceid", inv.id())
                        .put("total", inv.total()).put("currencycode", "USD").put("billing", "whmcs");
                body.putObject("items").putArray("item").addObject().put("relid", inv.server() == null ? 0 : inv.server())
                        .put("inv_id", inv.id()).put("type", "Hosting");
                yield ok(body);
            }
            case "get_invoices" -> {
                String location = r.param("location");
                if (location != null && !location.isEmpty() && !LOCATIONS.contains(location)) {
                    yield apiError(json(obj().put("result", "-1").put("message", "Invalid billing location or invalid client id")));
                }
                yield ok(invoiceList(invoices.values().stream().toList()));
            }
            case "get_related_invoices" -> {
                Integer id = intParam(r, "id");
                if (id == null || !isServer(id)) {
                    yield apiError(json(obj().put("result", -1).put("error", "server " + r.param("id") + " is not linked to the billing")));
                }
                yield ok(invoiceList(invoices.values().stream().filter(i -> id.equals(i.server())).toList()));
            }
            case "getcredits" -> ok(obj().put("result", "OK").put("message", credit));
            case "getpaymentgw" -> {
                Invoice inv = invoiceParam(r, "invoice_id");
                if (inv == null) {
                    yield apiError(code(-1, "failed to retrieve payment gw list: invoice not found"));
                }
                ObjectNode body = obj().put("result", "OK");
                ObjectNode methods = body.putObject("methods");
                methods.putObject("paymaster").put("call", "https://bill.example/modules/gateways/paymaster.php?id=" + inv.id());
                methods.putObject("banktransfer").put("call", "<span>Please wire funds in favor of: Bank Details</span>");
                yield ok(body);
            }
            case "mass_pay" -> massPay(r, context);
            case "request_cancellation" -> withServer(r, id -> {
                if (invoices.values().stream().noneMatch(i -> id.equals(i.server()))) {
                    return apiError(code(-3, "whmcs_immediate_cancellation_no_invoices"));
                }
                cancellationRequests.add(id);
                context.sideEffect(NAME, "cancellation-request", Integer.toString(id), r.flatParams());
                return ok(obj().put("result", "OK"));
            });
            case "request_subscription_cancellation" -> withServer(r, id -> {
                if (!subscriptions.remove(id)) {
                    return apiError(code(-1, "sub_cancel_no_active_subscription"));
                }
                context.sideEffect(NAME, "subscription-cancellation", Integer.toString(id), r.flatParams());
                return ok(obj().put("result", "OK").put("ticket", "JIRA-" + (10000 + id)));
            });
            case "reset_password" -> {
                if (r.has("reset_token")) {
                    yield apiError(code(-1, "Invalid password reset token, please try again."));
                }
                if (r.has("email") && !r.param("email").equalsIgnoreCase(clientEmail)) {
                    yield apiError(code(-1, "user not found"));
                }
                context.sideEffect(NAME, "password-reset", Integer.toString(CLIENT), r.flatParams());
                yield ok(obj().put("result", "OK").put("message", "Password reset link was sent to the registered email."));
            }
            case "transactions" -> {
                ObjectNode body = obj().put("result", "OK").put("action", "transactions");
                ArrayNode list = body.putArray("transactions");
                Integer invoice = intParam(r, "invoice_id");
                transactions.stream().filter(t -> invoice == null || t.path("invoices").toString().contains(Integer.toString(invoice)))
                        .forEach(list::add);
                yield ok(body);
            }
            case "update_client" -> {
                String clientId = r.param("profile_data[client_id]");
                if (clientId == null || !clientId.equals(Integer.toString(CLIENT))) {
                    yield apiError(code(-1, "invalid profile data: client_id " + clientId + " is not yours"));
                }
                if (r.param("profile_data[billing_email]") != null && r.param("profile_data[billing_email]").isBlank()) {
                    yield apiError(code(-1, "invalid profile data: billing_email can't be empty"));
                }
                if (r.has("profile_data[billing_email]")) {
                    clientEmail = r.param("profile_data[billing_email]");
                }
                context.sideEffect(NAME, "client-update", clientId, r.flatParams());
                yield ok(obj().put("result", "OK").put("clientid", CLIENT).put("location", r.param("profile_data[location]"))
                        .put("billing_email", clientEmail).put("message", "Profile settings updated"));
            }
            case "update_contact" -> {
                Integer id = intParam(r, "contact_id");
                if (id == null || !contacts.containsKey(id) || !r.has("email") || r.param("email").isBlank()) {
                    yield apiError(code(-1, "fill_required_fields"));
                }
                Map<String, String> c = contacts.get(id);
                for (String f : List.of("email", "firstname", "lastname", "phonenumber")) {
                    if (r.has(f)) {
                        c.put(f, r.param(f));
                    }
                }
                context.sideEffect(NAME, "contact-update", Integer.toString(id), r.flatParams());
                yield ok(obj().put("result", "OK").put("clientid", CLIENT).put("location", "whmcs_eu"));
            }
            default -> apiError(code(-1, "unknown action " + action));
        };
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
        if (!errors.isEmpty()) {
            ObjectNode body = obj().put("-1", "fill_required_fields");
            body.setAll(errors);
            return apiError(json(body));
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

    private SimReply applyCredit(SimRequest r, SimContext context) {
        Invoice inv = invoiceParam(r, "invoice_id");
        if (inv == null || !inv.status().equals("Unpaid")) {
            return apiError(code(-1, "invalid invoice id " + r.param("invoice_id") + " at whmcs_eu status - "
                    + (inv == null ? "Unknown" : inv.status())));
        }
        BigDecimal amount = decimal(r.param("amount"));
        if (amount == null || amount.signum() <= 0) {
            return apiError(code(-1, "invalid amount"));
        }
        // "If the credit amount exceeds the invoice total, the maximum possible amount is applied."
        BigDecimal applied = amount.min(inv.total()).min(credit);
        credit = credit.subtract(applied);
        if (applied.compareTo(inv.total()) >= 0) {
            invoices.put(inv.id(), inv.paid());
        }
        context.sideEffect(NAME, "credit-applied", Integer.toString(inv.id()), r.flatParams());
        return ok(obj().put("result", "success").put("message", "Applied " + applied.toPlainString() + " to invoice " + inv.id()));
    }

    private SimReply createAddfunds(SimRequest r, SimContext context) {
        BigDecimal amount = decimal(r.param("amount"));
        if (amount == null || amount.compareTo(new BigDecimal("20")) < 0) {
            return apiError(code(-1, "minimal payment amount is 20."));
        }
        Invoice inv = new Invoice(nextInvoice++, CLIENT, null, amount, "Unpaid",
                r.has("description") ? r.param("description") : "Add funds");
        invoices.put(inv.id(), inv);
        context.sideEffect(NAME, "addfunds-invoice", Integer.toString(inv.id()), r.flatParams());
        ObjectNode body = obj().put("result", "OK").put("action", "create_addfunds")
                .put("message", "Invoice " + inv.id() + " created");
        body.putObject("invoice").put("id", inv.id()).put("total", amount).put("status", "Unpaid").put("currency", "USD");
        return ok(body);
    }

    private SimReply massPay(SimRequest r, SimContext context) {
        List<String> ids = r.paramValues("invoices[]");
        if (ids == null || ids.size() < 2) {
            return apiError(code(-1, "mass_pay_requires_2_invoices"));
        }
        BigDecimal total = BigDecimal.ZERO;
        List<Invoice> paying = new ArrayList<>();
        for (String id : ids) {
            Invoice inv;
            try {
                inv = invoices.get(Integer.parseInt(id));
            } catch (NumberFormatException e) {
                inv = null;
            }
            if (inv == null || !inv.status().equals("Unpaid")) {
                return apiError(code(-1, "invalid invoice id " + id + " at whmcs_eu"));
            }
            paying.add(inv);
            total = total.add(inv.total());
        }
        // one combined invoice, paid by one transaction
        Invoice combined = new Invoice(nextInvoice++, CLIENT, null, total, "Paid", "Mass payment " + ids);
        invoices.put(combined.id(), combined);
        paying.forEach(i -> invoices.put(i.id(), i.paid()));
        ObjectNode tx = obj().put("transaction_id", nextTransaction++).put("amount", total)
                .put("date", java.time.Instant.now().toString()).put("description", "Mass payment").put("status", "Completed");
        ArrayNode paid = tx.putArray("invoices");
        ids.forEach(paid::add);
        transactions.add(tx);
        context.sideEffect(NAME, "mass-pay", Integer.toString(combined.id()), r.flatParams());
        return ok(obj().put("result", "OK").put("invoiceid", combined.id()));
    }

    // ---- the WHMCS core API (includes/api.php) ----

    private synchronized SimReply core(SimRequest r, SimContext context) {
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
                    ObjectNode body = coreOk().put("userid", CLIENT).put("id", CLIENT).put("email", clientEmail)
                            .put("firstname", "John").put("lastname", "Doe").put("credit", credit.toPlainString());
                    yield ok(body);
                }
                yield apiError(coreError("Client Not Found"));
            }
            case "GetInvoices" -> {
                int start = intParamOr(r, "limitstart", 0);
                int num = intParamOr(r, "limitnum", 25);
                List<Invoice> all = invoices.values().stream()
                        .filter(i -> !r.has("status") || i.status().equalsIgnoreCase(r.param("status"))).toList();
                List<Invoice> page = all.subList(Math.min(start, all.size()), Math.min(start + num, all.size()));
                ObjectNode body = coreOk().put("totalresults", all.size()).put("startnumber", start).put("numreturned", page.size());
                ArrayNode list = body.putObject("invoices").putArray("invoice");
                page.forEach(i -> list.addObject().put("id", i.id()).put("userid", i.userid()).put("status", i.status())
                        .put("total", i.total().toPlainString()).put("currencycode", "USD"));
                yield ok(body);
            }
            case "GetInvoice" -> {
                Invoice inv = invoiceParam(r, "invoiceid");
                yield inv == null ? apiError(coreError("Invoice ID Not Found"))
                        : ok(coreOk().put("invoiceid", inv.id()).put("status", inv.status()).put("total", inv.total().toPlainString()));
            }
            case "CreateInvoice" -> {
                if (!Integer.toString(CLIENT).equals(r.param("userid"))) {
                    yield apiError(coreError("Invalid User ID"));
                }
                BigDecimal amount = decimal(r.param("itemamount1"));
                Invoice inv = new Invoice(nextInvoice++, CLIENT, null, amount == null ? BigDecimal.ZERO : amount, "Unpaid",
                        r.param("itemdescription1"));
                invoices.put(inv.id(), inv);
                context.sideEffect(NAME, "core-invoice", Integer.toString(inv.id()), r.flatParams());
                yield ok(coreOk().put("invoiceid", inv.id()).put("status", "Unpaid"));
            }
            case "AddInvoicePayment" -> {
                Invoice inv = invoiceParam(r, "invoiceid");
                if (inv == null) {
                    yield apiError(coreError("Invoice ID Not Found"));
                }
                // WHMCS does not reject a repeated transid: a second call is a second payment
                invoices.put(inv.id(), inv.paid());
                ObjectNode tx = obj().put("transaction_id", nextTransaction++).put("transid", r.param("transid"))
                        .put("amount", inv.total()).put("status", "Completed");
                tx.putArray("invoices").add(Integer.toString(inv.id()));
                transactions.add(tx);
                context.sideEffect(NAME, "core-payment", r.param("transid"), r.flatParams());
                yield ok(coreOk());
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
                ObjectNode body = coreOk().put("totalresults", 1);
                body.putObject("credits").putArray("credit").addObject().put("id", 1).put("amount", credit.toPlainString());
                yield ok(body);
            }
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

    // ---- helpers ----

    private SimReply withServer(SimRequest r, java.util.function.Function<Integer, SimReply> then) {
        Integer id = intParam(r, "id");
        if (id == null || !isServer(id)) {
            return apiError(code(-1, "Server not found"));
        }
        return then.apply(id);
    }

    private static boolean isServer(int id) {
        return id == 501 || id == 502;
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

    private ObjectNode invoiceList(List<Invoice> list) {
        ObjectNode body = obj().put("result", "OK");
        ArrayNode a = body.putArray("invoices");
        list.forEach(i -> a.addObject().put("userid", i.userid()).put("status", i.status()).put("total", i.total())
                .put("currencycode", "USD").put("invoiceid", i.id()));
        return body;
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

    private static String json(ObjectNode n) {
        return n.toString();
    }

    private static SimReply ok(ObjectNode body) {
        return SimReply.json(body.toString());
    }

    private static SimReply apiError(String body) {
        return SimReply.apiError(200, "application/json", body);
    }
}
