package io.whmcsbridge.runtime.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.whmcsbridge.runtime.catalogue.ActionCatalogue;
import io.whmcsbridge.runtime.catalogue.ActionSpec;
import io.whmcsbridge.runtime.catalogue.Param;
import io.whmcsbridge.runtime.redaction.Redactor;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Walks a service's whole catalogue and fails on every field that looks like a secret (by its name) but is not
 * declared: neither a name the {@link Redactor} masks everywhere (the common names, the gateway's
 * {@code secretNames()}) nor one the action declares ({@link ActionSpec#secretParams()},
 * {@link ActionSpec#secretAnswers()}), nor an explicitly allowed name with its reason.
 * <p>
 * The fields walked, per action: the catalogue's parameters, the <em>field sheet</em> (a test resource listing, per
 * command type, the parameters and answer fields its API documents and the simulator answers, since open-ended
 * actions list no parameters in the catalogue and no catalogue lists answers) and any answer seen
 * ({@link #answers}, e.g. {@link SecretScan#answers()} after an IT). The sheet must name every action of the
 * catalogue and nothing else, and every name an action declares must be one of its fields (a misspelt declaration
 * masks nothing). Sheet format, one line per command type and side, names separated by spaces:
 * <pre>
 * # comment
 * whmcs.core.AddPayMethod params: clientid type card_number card_expiry bank_code bank_account
 * whmcs.core.AddPayMethod answer: result clientid paymethodid
 * whmcs.billing.add_contact params: params.firstname params.password1
 * whmcs.billing.getpaymentgw answer: methods.&lt;gateway&gt;.call
 * </pre>
 * A dotted name is a path (each part is checked), {@code []} marks list items, a part in angle brackets stands for
 * keys that are data (ids, gateway names) and is not checked.
 */
public final class SecretCatalogue {
    /**
     * Parts of a name (lower case, camelCase split) that make a field look secret wherever they occur in it; "pw" at
     * the end of a word (rootpw).
     */
    static final Pattern LOOKS_SECRET = Pattern.compile("pass|pwd|secret|token|key|card|cvv|cvc|iban|account|acct|code"
            + "|auth|credential|hash|salt|private|routing|bank|security|expir|expdate|issue_?num|ssn|session|cookie"
            + "|bearer|signature|pw(?![a-z])");
    /** Parts that look secret only as a whole word: short ones that occur inside ordinary words (shipping, footprint). */
    static final Set<String> SECRET_WORDS = Set.of("pin", "otp", "mfa", "tfa", "twofa", "sig");

    /**
     * Names that look secret but are not, in every service, each with the reason. Anything else a service
     * considers harmless is allowed in its own test, with its reason ({@link #allow}).
     */
    public static final Map<String, String> NOT_SECRET = Map.ofEntries(
            Map.entry("postcode", "the postal code of an address"),
            Map.entry("zipcode", "the postal code of an address"),
            Map.entry("countrycode", "an ISO country code"),
            Map.entry("country_code", "an ISO country code"),
            Map.entry("currencycode", "an ISO currency code"),
            Map.entry("currency_code", "an ISO currency code"),
            Map.entry("statecode", "the region code of an address"),
            Map.entry("error_code", "the API's error code, e.g. AMP001"),
            Map.entry("promocode", "a promotion code, made to be handed out to customers"));

    private final ActionCatalogue catalogue;
    private final Redactor redactor;
    /** command type -> path -> where it was found (params, answer, a sheet line). */
    private final Map<String, Map<String, String>> fields = new TreeMap<>();
    private final Set<String> sheetTypes = new HashSet<>();
    private final List<String> sheetProblems = new ArrayList<>();
    /** "" for every action of the service, else a command type -> name (normalised) -> reason. */
    private final Map<String, Map<String, String>> allowed = new LinkedHashMap<>();
    private final Set<String> allowUsed = new HashSet<>();

    private SecretCatalogue(ActionCatalogue catalogue, Collection<String> serviceSecretNames) {
        this.catalogue = catalogue;
        this.redactor = Redactor.of(Set.copyOf(serviceSecretNames), List.of());
        for (ActionSpec a : catalogue.actions()) {
            Map<String, String> f = fields.computeIfAbsent(a.type(), t -> new LinkedHashMap<>());
            for (Param p : a.params()) {
                f.putIfAbsent(p.name(), "a catalogue parameter");
            }
        }
    }

    /** A walk of {@code catalogue}; {@code serviceSecretNames} are its gateway's {@code secretNames()}. */
    public static SecretCatalogue of(ActionCatalogue catalogue, Collection<String> serviceSecretNames) {
        return new SecretCatalogue(catalogue, serviceSecretNames);
    }

    /** Reads the field sheet at {@code resource} on the test class path (format in the class comment). */
    public SecretCatalogue fieldSheet(String resource) throws IOException {
        String text;
        try (InputStream in = SecretCatalogue.class.getClassLoader().getResourceAsStream(resource)) {
            assertTrue(in != null, "no field sheet " + resource + " on the test class path");
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        int n = 0;
        for (String line : text.split("\n")) {
            n++;
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            String[] head = l.split("\\s+", 3);
            if (head.length < 2 || !(head[1].equals("params:") || head[1].equals("answer:"))) {
                sheetProblems.add(resource + ":" + n + ": expected '<command type> params:|answer: names...', got: " + l);
                continue;
            }
            String type = head[0];
            sheetTypes.add(type);
            if (catalogue.byType(type).isEmpty()) {
                sheetProblems.add(resource + ":" + n + ": " + type + " is not a command of the catalogue");
                continue;
            }
            String side = head[1].equals("params:") ? "a parameter" : "an answer field";
            if (head.length == 3) {
                for (String path : head[2].split("\\s+")) {
                    fields.get(type).putIfAbsent(path, side + " (" + resource + ":" + n + ")");
                }
            }
        }
        return this;
    }

    /** Adds every field name of {@code answer} (at any depth) to {@code type}'s fields. */
    public SecretCatalogue answer(String type, JsonNode answer) {
        Map<String, String> f = fields.get(type);
        if (f != null && answer != null) {
            collect(answer, "", f);
        }
        return this;
    }

    /** {@link #answer} for each (command type, answer) pair. */
    public SecretCatalogue answers(Collection<Map.Entry<String, JsonNode>> answers) {
        answers.forEach(e -> answer(e.getKey(), e.getValue()));
        return this;
    }

    private static void collect(JsonNode node, String prefix, Map<String, String> into) {
        if (node.isArray()) {
            node.forEach(item -> collect(item, prefix.isEmpty() ? prefix : prefix + "[]", into));
        } else if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String path = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
                into.putIfAbsent(path, "an answer field seen");
                collect(e.getValue(), path, into);
            }
        }
    }

    /** {@code name} looks secret but is not, in any action of this service. */
    public SecretCatalogue allow(String name, String reason) {
        return allow("", name, reason);
    }

    /** {@code name} looks secret but is not, in the action {@code type}. */
    public SecretCatalogue allow(String type, String name, String reason) {
        assertTrue(reason != null && !reason.isBlank(), "an allowed name needs its reason: " + name);
        assertTrue(type.isEmpty() || catalogue.byType(type).isPresent(), "allowed for an unknown command type: " + type);
        allowed.computeIfAbsent(type, t -> new LinkedHashMap<>()).put(normalise(name), reason);
        return this;
    }

    /** Whether a single name part (no dots) looks like a secret by the heuristic. */
    public static boolean looksSecret(String name) {
        String words = name.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
        if (LOOKS_SECRET.matcher(words).find()) {
            return true;
        }
        for (String w : words.split("[^a-z]+")) {
            if (SECRET_WORDS.contains(w)) {
                return true;
            }
        }
        return false;
    }

    /** Fails with every undeclared secret-looking field, every misspelt declaration and every stale allowance. */
    public void assertEverySecretDeclared() {
        List<String> problems = new ArrayList<>(sheetProblems);
        if (!sheetTypes.isEmpty()) {
            for (ActionSpec a : catalogue.actions()) {
                if (!sheetTypes.contains(a.type())) {
                    problems.add(a.type() + ": missing from the field sheet (list its documented parameters and answer)");
                }
            }
        }
        for (ActionSpec a : catalogue.actions()) {
            Map<String, String> f = fields.get(a.type());
            Set<String> parts = new LinkedHashSet<>();
            for (Map.Entry<String, String> e : f.entrySet()) {
                for (String part : e.getKey().split("\\.")) {
                    part = part.replace("[]", "");
                    if (part.isEmpty() || part.startsWith("<")) {
                        continue;
                    }
                    parts.add(normalise(part));
                    if (looksSecret(part) && !redactor.isSecretName(part, a) && !allowed(a.type(), part)) {
                        problems.add(a.type() + ": '" + e.getKey() + "' (" + e.getValue() + ") looks secret but is "
                                + "not declared: add '" + part + "' to secretParams/secretAnswers of the action (or to "
                                + "the gateway's secretNames), or allow it with the reason it is not a secret");
                    }
                }
            }
            for (String declared : a.secretNames()) {
                if (!parts.contains(normalise(declared))) {
                    problems.add(a.type() + ": declares '" + declared + "' secret, but neither its parameters nor its "
                            + "answer have such a field");
                }
            }
        }
        allowed.forEach((type, names) -> names.keySet().forEach(n -> {
            if (!allowUsed.contains(type + " " + n)) {
                problems.add((type.isEmpty() ? "the service" : type) + ": allows '" + n + "', which no field of it needs");
            }
        }));
        assertTrue(problems.isEmpty(), problems.size() + " problem(s) with the declared secrets:\n" + String.join("\n", problems));
    }

    private boolean allowed(String type, String part) {
        String n = normalise(part);
        for (String scope : List.of(type, "")) {
            Map<String, String> names = allowed.get(scope);
            if (names != null && names.containsKey(n)) {
                allowUsed.add(scope + " " + n);
                return true;
            }
        }
        return NOT_SECRET.containsKey(n);
    }

    /** As the Redactor compares names: lower case, '-' read as '_'. */
    private static String normalise(String name) {
        return name.toLowerCase(Locale.ROOT).replace('-', '_');
    }
}
