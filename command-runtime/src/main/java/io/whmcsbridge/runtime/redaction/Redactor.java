package io.whmcsbridge.runtime.redaction;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.whmcsbridge.runtime.api.ApiGateway;
import io.whmcsbridge.runtime.catalogue.ActionSpec;
import io.whmcsbridge.runtime.config.BridgeConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes secrets from everything the service stores or publishes: values of fields with a secret name (the common
 * names plus the service's own, plus an action's own {@link ActionSpec#secretNames()}, its secret parameters and
 * answer fields, where the action is known) and every configured credential value wherever it appears in text.
 */
@ApplicationScoped
public class Redactor {
    public static final String MASK = "[REDACTED]";
    /** Names that hold secrets in every API family; compared lower-case with '-' read as '_'. */
    public static final Set<String> COMMON_SECRET_NAMES = Set.of("api_id", "token", "password", "api_password",
            "secret", "confirm_password", "password2", "accesskey", "password_md5", "passwordhash", "api_key",
            "apikey", "authorization", "identifier_secret", "new_password", "cardnum", "cvv");

    private final Set<String> names = new HashSet<>(COMMON_SECRET_NAMES);
    private final List<String> values = new ArrayList<>();
    /** The common and the service's names; built once the names and values are known. */
    private Rules serviceRules;
    /** The service's names plus an action's own secret names, per distinct set of those. */
    private final ConcurrentMap<Set<String>, Rules> actionRules = new ConcurrentHashMap<>();

    /** Which field names are secret and the pattern that finds them in free text. */
    private record Rules(Set<String> names, Pattern textPattern) {
        static Rules of(Set<String> names) {
            String alternatives = String.join("|", names.stream().sorted().map(n -> n.replace("_", "[_-]?")).toList());
            // "name":"value" (JSON), <name>value</name> (XML), name=value (forms, query strings, a token in a URL;
            // up to the next & or space, so in raw JSON text it may take more than the value: too much, never too
            // little), "name":123 (a JSON number or literal: a card number sent as a number). Every repetition is
            // possessive over a character class ("unrolled"): an alternation under * recursed once per character
            // and overflowed the stack on a long value.
            return new Rules(Set.copyOf(names), Pattern.compile("(?i)(\"(?:" + alternatives + ")\"\\s*:\\s*\")([^\"\\\\]*+(?:\\\\.[^\"\\\\]*+)*+)(\")"
                    + "|(<(?:" + alternatives + ")>)([^<]*)(</)"
                    + "|((?:^|[?&\\s])(?:" + alternatives + ")(?:%5B%5D|\\[\\])?=)([^&\\s]*)"
                    + "|(\"(?:" + alternatives + ")\"\\s*:\\s*)(-?[0-9][0-9.eE+-]*+|true|false)"));
        }
    }

    Redactor() {
    }

    @Inject
    Redactor(BridgeConfig config, ApiGateway gateway) {
        gateway.secretNames().forEach(n -> names.add(normalise(n)));
        for (BridgeConfig.Instance instance : config.instances().values()) {
            instance.credentials().values().forEach(this::addSecretValue);
        }
        compile();
    }

    /** For tests and tools outside CDI. */
    public static Redactor of(Set<String> extraNames, Iterable<String> secretValues) {
        Redactor r = new Redactor();
        extraNames.forEach(n -> r.names.add(normalise(n)));
        secretValues.forEach(r::addSecretValue);
        r.compile();
        return r;
    }

    private void addSecretValue(String v) {
        // Very short values would mask ordinary text; credentials are never that short.
        if (v != null && v.length() >= 4) {
            values.add(v);
        }
    }

    private void compile() {
        values.sort(Comparator.comparingInt(String::length).reversed());
        serviceRules = Rules.of(names);
    }

    /** The rules for an action: the service's, plus the action's own secret names if it has any. */
    private Rules rules(ActionSpec action) {
        if (action == null || action.secretParams().isEmpty() && action.secretAnswers().isEmpty()) {
            return serviceRules;
        }
        return actionRules.computeIfAbsent(action.secretNames(), own -> {
            Set<String> all = new HashSet<>(names);
            own.forEach(n -> all.add(normalise(n)));
            return Rules.of(all);
        });
    }

    /** Whether a field of this name is masked in every action of the service. */
    public boolean isSecretName(String name) {
        return isSecretName(name, null);
    }

    /** Whether a field of this name is masked in {@code action}'s params and results (null: any action). */
    public boolean isSecretName(String name, ActionSpec action) {
        return rules(action).names().contains(normalise(name));
    }

    /** A copy of {@code node} with the service's secrets masked; null stays null. */
    public JsonNode redact(JsonNode node) {
        return redact(node, (ActionSpec) null);
    }

    /**
     * A copy of {@code node} (the params or the result of {@code action}) with secrets masked: the service's and
     * the action's own secret names ({@link ActionSpec#secretNames()}); a null action masks the service's only.
     */
    public JsonNode redact(JsonNode node, ActionSpec action) {
        return mask(node, rules(action));
    }

    private JsonNode mask(JsonNode node, Rules rules) {
        if (node == null) {
            return null;
        }
        if (node.isObject()) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                if (rules.names().contains(normalise(e.getKey())) && !e.getValue().isNull() && !e.getValue().isContainerNode()) {
                    out.put(e.getKey(), MASK);
                } else {
                    out.set(e.getKey(), mask(e.getValue(), rules));
                }
            }
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            node.forEach(n -> out.add(mask(n, rules)));
            return out;
        }
        if (node.isTextual()) {
            String t = node.asText();
            String r = maskText(t, rules);
            return r.equals(t) ? node : TextNode.valueOf(r);
        }
        return node;
    }

    /** Masks secret values and the service's secret-named fields inside free text (raw API bodies, messages). */
    public String redactText(String text) {
        return redactText(text, (ActionSpec) null);
    }

    /** As {@link #redactText(String)}, with {@code action}'s own secret names masked too (null: none). */
    public String redactText(String text, ActionSpec action) {
        return maskText(text, rules(action));
    }

    private String maskText(String text, Rules rules) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String out = text;
        for (String v : values) {
            if (out.contains(v)) {
                out = out.replace(v, MASK);
            }
        }
        // Every form the pattern knows has one of these characters; most parameter values (a category, a domain, a
        // number) have none and need no regular expression run over them.
        if (out.indexOf('=') < 0 && out.indexOf(':') < 0 && out.indexOf('<') < 0) {
            return out;
        }
        Matcher m = rules.textPattern().matcher(out);
        if (!m.find()) {
            return out;
        }
        StringBuilder b = new StringBuilder();
        do {
            String replacement;
            if (m.group(1) != null) {
                replacement = m.group(1) + MASK + m.group(3);
            } else if (m.group(4) != null) {
                replacement = m.group(4) + MASK + m.group(6);
            } else if (m.group(7) != null) {
                replacement = m.group(7) + MASK;
            } else {
                replacement = m.group(9) + '"' + MASK + '"';
            }
            m.appendReplacement(b, Matcher.quoteReplacement(replacement));
        } while (m.find());
        m.appendTail(b);
        return b.toString();
    }

    private static String normalise(String name) {
        return name.toLowerCase(Locale.ROOT).replace('-', '_');
    }
}
