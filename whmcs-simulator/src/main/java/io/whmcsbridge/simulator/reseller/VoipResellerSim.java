package io.whmcsbridge.simulator.reseller;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.ext.web.Router;
import io.whmcsbridge.simulator.core.SimContext;
import io.whmcsbridge.simulator.core.SimReply;
import io.whmcsbridge.simulator.core.SimRequest;
import io.whmcsbridge.simulator.core.SimulatedApi;
import io.whmcsbridge.simulator.core.SimulatorSettings;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The VoIP reseller client functions (VoIP.ms's REST API; docs/apis/voip-reseller.md): {@code GET} or {@code POST}
 * {@value #PATH} with {@code api_username}, {@code api_password}, {@code method} and the function's parameters,
 * answering JSON whose {@code status} is {@code success} or an error word. Settings:
 * {@code reseller.api-username} (default {@value #DEFAULT_USERNAME}), {@code reseller.api-password} (default
 * {@value #DEFAULT_PASSWORD}).
 * <p>
 * State: clients (one seeded, 561115, as in the vendor's examples, with a plain-text password the API returns),
 * packages, charges, deposits, thresholds, balance-management settings, and a balance per client that charges
 * lower and payments raise. {@code test=true} checks a charge or payment without applying it. Where the vendor is
 * silent: every answer is HTTP 200 (the status word carries the outcome), amounts have at most 2 decimals
 * ({@code invalid_charge} / {@code invalid_payment} otherwise), and passwords need at least 8 characters
 * ({@code weak_password}).
 * <p>
 * Lists are PHP arrays: the vendor prints the seeded client's charges with keys 0, 1 and 3, and PHP's
 * {@code json_encode} writes an array whose keys are not 0..n-1 as a JSON object ({@code {"0":..,"1":..,"3":..}}),
 * so {@code getCharges} of 561115 answers an object while other lists are JSON arrays.
 * <p>Longer than 250 lines because it simulates one API: its functions and state.
 */
public final class VoipResellerSim implements SimulatedApi {
    public static final String NAME = "reseller";
    public static final String PATH = "/api/v1/rest.php";
    public static final String DEFAULT_USERNAME = "reseller@sim.example";
    public static final String DEFAULT_PASSWORD = "sim-reseller-pass-5e2a";
    public static final int SEEDED_CLIENT = 561115;
    public static final String SEEDED_CLIENT_PASSWORD = "johnspassword";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> METHODS = Set.of("addCharge", "addPayment", "getBalanceManagement", "getCharges",
            "getClientPackages", "getClients", "getClientThreshold", "getDeposits", "getPackages", "getResellerBalance",
            "setClient", "setClientThreshold", "signupClient");

    /** A movement of a client's balance: a charge (debit) or a deposit (credit). */
    public record Movement(int id, String date, BigDecimal amount, String description) {
    }

    /** A PHP array of movements: keys kept, a new element gets the highest key + 1, as {@code $a[] = ...} does. */
    private static final class PhpList {
        final LinkedHashMap<Integer, Movement> byKey = new LinkedHashMap<>();

        PhpList put(int key, Movement m) {
            byKey.put(key, m);
            return this;
        }

        void append(Movement m) {
            byKey.put(byKey.keySet().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1, m);
        }

        boolean sequential() {
            int expected = 0;
            for (int key : byKey.keySet()) {
                if (key != expected++) {
                    return false;
                }
            }
            return true;
        }
    }

    private final String username;
    private final String password;
    private final Map<Integer, Map<String, String>> clients = new LinkedHashMap<>();
    private final Map<Integer, PhpList> charges = new LinkedHashMap<>();
    private final Map<Integer, PhpList> deposits = new LinkedHashMap<>();
    private final Map<Integer, BigDecimal> balances = new LinkedHashMap<>();
    private final Map<Integer, Map<String, String>> thresholds = new LinkedHashMap<>();
    private int nextClient;
    private int nextMovement;

    public VoipResellerSim(SimulatorSettings settings) {
        this.username = settings.get("reseller.api-username", DEFAULT_USERNAME);
        this.password = settings.get("reseller.api-password", DEFAULT_PASSWORD);
        reset();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void mount(Router router, SimContext context) {
        router.route(PATH).handler(rc -> context.handle(rc, NAME, r -> r.param("method"), r -> handle(r, context)));
    }

    @Override
    public synchronized void reset() {
        clients.clear();
        charges.clear();
        deposits.clear();
        balances.clear();
        thresholds.clear();
        nextClient = SEEDED_CLIENT + 1;
        nextMovement = 475569;
        Map<String, String> john = new LinkedHashMap<>();
        john.put("client", Integer.toString(SEEDED_CLIENT));
        john.put("email", "john.doe@my-domain.com");
        john.put("password", SEEDED_CLIENT_PASSWORD);
        john.put("company", "Consulting");
        john.put("firstname", "John");
        john.put("lastname", "Doe");
        john.put("address", "5491 190TH");
        john.put("city", "OPA LOCKA");
        john.put("state", "FLORIDA");
        john.put("country", "UNITED STATES");
        john.put("zip", "33055");
        john.put("phone_number", "5551112222");
        john.put("balance_management", "1");
        clients.put(SEEDED_CLIENT, john);
        // the vendor's own examples, key 2 missing as printed
        charges.put(SEEDED_CLIENT, new PhpList()
                .put(0, new Movement(475568, "2010-10-29", new BigDecimal("2.00"), "DID5551234567"))
                .put(1, new Movement(475567, "2010-10-29", new BigDecimal("1.00"), "SETUP5551234567"))
                .put(3, new Movement(467988, "2010-09-15", new BigDecimal("3.00"), "SETUPPACKAGE:8378")));
        deposits.put(SEEDED_CLIENT, new PhpList()
                .put(0, new Movement(808639, "2010-10-15", new BigDecimal("4.00"), "Credit : 2 Setup Charges"))
                .put(1, new Movement(808384, "2010-11-30", new BigDecimal("10.00"), "Want To Keep Positive Balance")));
        balances.put(SEEDED_CLIENT, new BigDecimal("8.0588"));
        thresholds.put(SEEDED_CLIENT, Map.of("threshold", "130", "email", "john.doe@my-domain.com"));
    }

    /** A client's balance now. */
    public synchronized BigDecimal balance(int client) {
        return balances.get(client);
    }

    /** A client's record as the API stores it. */
    public synchronized Map<String, String> client(int id) {
        return clients.get(id) == null ? null : Map.copyOf(clients.get(id));
    }

    private synchronized SimReply handle(SimRequest r, SimContext context) {
        if (!r.has("api_username") || !r.has("api_password")) {
            return SimReply.authError(200, "application/json", status("missing_credentials"));
        }
        if (!username.equals(r.param("api_username")) || !password.equals(r.param("api_password"))) {
            return SimReply.authError(200, "application/json", status("invalid_credentials"));
        }
        String method = r.param("method");
        if (method == null || method.isEmpty()) {
            return error("missing_method");
        }
        if (!METHODS.contains(method)) {
            return error("invalid_method");
        }
        return switch (method) {
            case "addCharge" -> move(r, context, "charge", true);
            case "addPayment" -> move(r, context, "payment", false);
            case "getBalanceManagement" -> balanceManagement(r);
            case "getCharges" -> withClient(r, c -> list("charges", charges.get(c)));
            case "getDeposits" -> withClient(r, c -> list("deposits", deposits.get(c)));
            case "getClientPackages" -> withClient(r, c -> {
                ObjectNode ok = ok();
                ok.putArray("packages").addObject().put("value", "8378").put("description", "VoIP");
                return SimReply.json(ok.toString());
            });
            case "getClients" -> getClients(r);
            case "getClientThreshold" -> withClient(r, c -> {
                ObjectNode ok = ok();
                Map<String, String> t = thresholds.getOrDefault(c, Map.of("threshold", "", "email", ""));
                ok.putObject("threshold_information").put("threshold", t.get("threshold")).put("email", t.get("email"));
                return SimReply.json(ok.toString());
            });
            case "getPackages" -> packages(r);
            case "getResellerBalance" -> withClient(r, c -> {
                ObjectNode ok = ok();
                ok.putObject("balance").put("current_balance", balances.get(c).toPlainString())
                        .put("spent_total", "1.9012").put("calls_total", "56").put("time_total", "51:35")
                        .put("spent_today", "0.045").put("calls_today", "2").put("time_today", "2:50");
                return SimReply.json(ok.toString());
            });
            case "setClient" -> setClient(r, context);
            case "setClientThreshold" -> withClient(r, c -> {
                int threshold;
                try {
                    threshold = Integer.parseInt(r.param("threshold"));
                } catch (NumberFormatException | NullPointerException e) {
                    threshold = -1;
                }
                if (threshold < 1 || threshold > 250) {
                    return error("Invalid_threshold"); // capital I, as VoIP.ms publishes it
                }
                thresholds.put(c, Map.of("threshold", Integer.toString(threshold),
                        "email", r.has("email") ? r.param("email") : clients.get(c).get("email")));
                context.sideEffect(NAME, "threshold", Integer.toString(c), r.flatParams());
                return SimReply.json(ok().toString());
            });
            case "signupClient" -> signup(r, context);
            default -> error("invalid_method");
        };
    }

    private SimReply move(SimRequest r, SimContext context, String field, boolean charge) {
        return withClient(r, c -> {
            if (!r.has(field)) {
                return error("missing_" + field);
            }
            BigDecimal amount;
            try {
                amount = new BigDecimal(r.param(field).trim());
            } catch (NumberFormatException e) {
                return error("invalid_" + field);
            }
            if (amount.signum() <= 0 || amount.scale() > 2) {
                return error("invalid_" + field);
            }
            if (truthy(r.param("test"))) {
                return SimReply.json(ok().toString()); // checked, not applied
            }
            Movement m = new Movement(nextMovement++, LocalDate.now().toString(), amount.setScale(2, RoundingMode.UNNECESSARY),
                    r.has("description") ? r.param("description") : "");
            if (charge) {
                charges.computeIfAbsent(c, k -> new PhpList()).append(m);
                balances.put(c, balances.get(c).subtract(amount));
            } else {
                deposits.computeIfAbsent(c, k -> new PhpList()).append(m);
                balances.put(c, balances.get(c).add(amount));
            }
            context.sideEffect(NAME, field, Integer.toString(m.id()), r.flatParams());
            return SimReply.json(ok().toString());
        });
    }

    private SimReply balanceManagement(SimRequest r) {
        ObjectNode ok = ok();
        ArrayNode list = ok.putArray("balance_management");
        String wanted = r.param("balance_management");
        if (wanted == null || wanted.isEmpty() || wanted.equals("1")) {
            list.addObject().put("value", "1").put("description", "Hard - suspend the client");
        }
        if (wanted == null || wanted.isEmpty() || wanted.equals("2")) {
            list.addObject().put("value", "2").put("description", "Soft - notify only");
        }
        return list.isEmpty() ? error("invalid_balance_management") : SimReply.json(ok.toString());
    }

    private SimReply packages(SimRequest r) {
        String wanted = r.param("package");
        if (wanted != null && !wanted.isEmpty() && !wanted.equals("8378")) {
            return error("invalid_package");
        }
        ObjectNode ok = ok();
        ok.putArray("packages").addObject().put("package", "8378").put("name", "VoIP").put("markup_fixed", "0.01")
                .put("markup_percentage", "50").put("pulse", "60").put("international_route", "1")
                .put("canada_route", "1").put("monthly_fee", "2.00").put("setup_fee", "1.00").put("free_minutes", "0");
        return SimReply.json(ok.toString());
    }

    private SimReply getClients(SimRequest r) {
        String wanted = r.param("client");
        ObjectNode ok = ok();
        ArrayNode list = ok.putArray("clients");
        for (Map<String, String> c : clients.values()) {
            if (wanted == null || wanted.isEmpty() || wanted.equals(c.get("client")) || wanted.equalsIgnoreCase(c.get("email"))) {
                ObjectNode n = list.addObject();
                c.forEach(n::put);
            }
        }
        return list.isEmpty() ? error("no_client") : SimReply.json(ok.toString());
    }

    private SimReply setClient(SimRequest r, SimContext context) {
        return withClient(r, c -> {
            for (String required : List.of("email", "password", "firstname", "lastname", "phone_number")) {
                if (!r.has(required)) {
                    return error("missing_params");
                }
            }
            Map<String, String> client = clients.get(c);
            for (String field : List.of("email", "password", "company", "firstname", "lastname", "address", "city",
                    "state", "country", "zip", "phone_number", "balance_management")) {
                if (r.has(field)) {
                    client.put(field, r.param(field));
                }
            }
            context.sideEffect(NAME, "client-update", Integer.toString(c), r.flatParams());
            return SimReply.json(ok().toString());
        });
    }

    private SimReply signup(SimRequest r, SimContext context) {
        for (String required : List.of("firstname", "lastname", "address", "city", "state", "country", "zip",
                "phone_number", "email", "confirm_email", "password", "confirm_password")) {
            if (!r.has(required)) {
                return error("missing_params");
            }
        }
        String email = r.param("email");
        if (!email.matches("[^@\\s]+@[^@\\s]+\\.[^@\\s]+")) {
            return error("invalid_email");
        }
        if (!email.equals(r.param("confirm_email"))) {
            return error("mismatch_email_confirm");
        }
        if (!r.param("password").equals(r.param("confirm_password"))) {
            return error("mismatch_password_confirm");
        }
        if (r.param("password").length() < 8) {
            return error("weak_password");
        }
        if (clients.values().stream().anyMatch(c -> email.equalsIgnoreCase(c.get("email")))) {
            return error("used_email");
        }
        int id = nextClient++;
        Map<String, String> client = new LinkedHashMap<>();
        client.put("client", Integer.toString(id));
        for (String field : List.of("email", "password", "company", "firstname", "lastname", "address", "city", "state",
                "country", "zip", "phone_number")) {
            client.put(field, r.has(field) ? r.param(field) : "");
        }
        client.put("balance_management", r.has("balance_management") ? r.param("balance_management") : "1");
        clients.put(id, client);
        balances.put(id, BigDecimal.ZERO.setScale(4));
        charges.put(id, new PhpList());
        deposits.put(id, new PhpList());
        context.sideEffect(NAME, "signup", Integer.toString(id), r.flatParams());
        return SimReply.json(ok().put("client", Integer.toString(id)).toString());
    }

    private SimReply withClient(SimRequest r, java.util.function.IntFunction<SimReply> then) {
        String given = r.param("client");
        if (given == null || given.isEmpty()) {
            return error("missing_client");
        }
        int id;
        try {
            id = Integer.parseInt(given.trim());
        } catch (NumberFormatException e) {
            return error("invalid_client");
        }
        return clients.containsKey(id) ? then.apply(id) : error("invalid_client");
    }

    /** A list as json_encode writes a PHP array: a JSON array when the keys are 0..n-1, an object otherwise. */
    private static SimReply list(String field, PhpList movements) {
        ObjectNode ok = ok();
        PhpList php = movements == null ? new PhpList() : movements;
        ArrayNode array = php.sequential() ? ok.putArray(field) : null;
        ObjectNode keyed = array == null ? ok.putObject(field) : null;
        php.byKey.forEach((key, m) -> {
            ObjectNode n = array != null ? array.addObject() : keyed.putObject(Integer.toString(key));
            n.put("id", Integer.toString(m.id())).put("date", m.date())
                    .put("amount", m.amount().toPlainString()).put("description", m.description());
        });
        return SimReply.json(ok.toString());
    }

    private static ObjectNode ok() {
        return JSON.createObjectNode().put("status", "success");
    }

    private static String status(String word) {
        return JSON.createObjectNode().put("status", word).toString();
    }

    private static SimReply error(String word) {
        return SimReply.apiError(200, "application/json", status(word));
    }

    private static boolean truthy(String v) {
        return v != null && (v.equals("1") || v.equalsIgnoreCase("true") || v.equalsIgnoreCase("yes"));
    }
}
