package io.whmcsbridge.runtime.ingress;

import java.util.List;
import java.util.Set;

/**
 * What an authenticated caller may do: send which command types (exact {@code whmcs.abuse.create}, every type under
 * a prefix {@code whmcs.abuse.*}, or {@code *}: every type this service accepts), call which webhooks, read every
 * caller's commands or only its own, and use {@code /admin/*}.
 */
public record Scopes(List<String> types, Set<String> webhooks, boolean readAll, boolean admin) {
    /** Nothing: a caller nobody authenticated. */
    public static final Scopes NONE = new Scopes(List.of(), Set.of(), false, false);
    /** Everything: {@code whmcs.ingress.auth=none} (a trusted local machine). */
    public static final Scopes ALL = new Scopes(List.of("*"), Set.of("*"), true, true);

    public Scopes {
        types = List.copyOf(types);
        webhooks = Set.copyOf(webhooks);
    }

    public boolean maySend(String type) {
        return type != null && types.stream().anyMatch(p -> matches(p, type));
    }

    public boolean mayCall(String webhook) {
        return webhooks.contains("*") || webhooks.contains(webhook);
    }

    static boolean matches(String pattern, String type) {
        if (pattern.equals("*")) {
            return true;
        }
        if (pattern.endsWith(".*")) {
            return type.startsWith(pattern.substring(0, pattern.length() - 1));
        }
        return pattern.equals(type);
    }

    /** Why a type pattern is not one of the three forms, or null when it is. */
    static String problem(String pattern) {
        if (pattern.isEmpty()) {
            return "an empty type";
        }
        if (pattern.equals("*")) {
            return null;
        }
        String stem = pattern.endsWith(".*") ? pattern.substring(0, pattern.length() - 2) : pattern;
        if (stem.isEmpty() || !stem.matches("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*")) {
            return "'" + pattern + "' is not a command type, a prefix ending in .* (whmcs.abuse.*) or *";
        }
        return null;
    }

    /** For messages: the types a caller may send. */
    String describeTypes() {
        return types.isEmpty() ? "no command types" : String.join(", ", types);
    }
}
