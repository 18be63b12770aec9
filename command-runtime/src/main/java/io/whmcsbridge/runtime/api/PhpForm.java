package io.whmcsbridge.runtime.api;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.MultivaluedMap;

import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Encodes parameters the way PHP's {@code http_build_query} does, which is what the WHMCS-family APIs read:
 * {@code true}/{@code false} as {@code 1}/{@code 0}, decimals in plain notation, objects as {@code name[key]},
 * lists as {@code name[]} repeated. {@link #body} writes names and values percent-encoded, so that a name cannot split
 * the form ({@code &}, {@code =}) whatever it holds: the REST client's own form writer encodes values only, which is
 * why gateways send {@link #body} as the request entity. Query parameters ({@link #query}) are encoded, names and
 * values, by the client's URI builder.
 */
public final class PhpForm {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private PhpForm() {
    }

    public static MultivaluedMap<String, String> encode(JsonNode params) {
        MultivaluedMap<String, String> form = new MultivaluedHashMap<>();
        if (params != null) {
            for (Iterator<Map.Entry<String, JsonNode>> it = params.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                add(form, e.getKey(), e.getValue());
            }
        }
        return form;
    }

    /**
     * {@link #encode(JsonNode)} with {@code action} added last: the request of the APIs that take the action as a form
     * field named {@code action} (Abuse Manager Pro, the hosting billing API, the WHMCS core API).
     */
    public static MultivaluedMap<String, String> withAction(JsonNode params, String action) {
        MultivaluedMap<String, String> form = encode(params);
        form.putSingle("action", action);
        return form;
    }

    public static void add(MultivaluedMap<String, String> form, String name, JsonNode value) {
        if (value == null || value.isNull()) {
            return;
        }
        if (value.isObject()) {
            value.fields().forEachRemaining(e -> add(form, name + "[" + e.getKey() + "]", e.getValue()));
        } else if (value.isArray()) {
            String listName = name.endsWith("[]") ? name : name + "[]";
            value.forEach(v -> add(form, listName, v));
        } else {
            form.add(name, scalar(value));
        }
    }

    public static String scalar(JsonNode value) {
        if (value.isBoolean()) {
            return value.booleanValue() ? "1" : "0";
        }
        if (value.isBigDecimal() || value.isFloatingPointNumber()) {
            return value.decimalValue().toPlainString();
        }
        return value.asText();
    }

    /**
     * The form as {@code application/x-www-form-urlencoded} text: {@code name=value} pairs joined by {@code &}, every
     * name and every value percent-encoded ({@link #component}).
     */
    public static String body(MultivaluedMap<String, String> form) {
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, List<String>> e : form.entrySet()) {
            for (String v : e.getValue()) {
                if (b.length() > 0) {
                    b.append('&');
                }
                b.append(component(e.getKey())).append('=').append(component(v == null ? "" : v));
            }
        }
        return b.toString();
    }

    /**
     * The form as query parameters for a REST client's {@code @RestQuery Map} (the first value of each name). Names
     * and values are left as they are: the client's URI builder ({@code UriBuilderImpl.clientQueryParam})
     * percent-encodes both, {@code %} included, so encoding them here would encode them twice. PhpFormTest and
     * HostileInputFuzzTest hold the client to that. Half of a surrogate pair becomes {@code ?}, as in {@link #body}
     * (UTF-8 has no such character): that builder throws on one.
     */
    public static Map<String, String> query(MultivaluedMap<String, String> form) {
        Map<String, String> query = new LinkedHashMap<>();
        form.forEach((k, v) -> {
            // two names that differ only in halves of surrogate pairs would become one: never merge a caller's pairs
            if (query.put(utf8(k), utf8(v.get(0) == null ? "" : v.get(0))) != null) {
                throw new IllegalArgumentException("two parameter names read the same once encoded as UTF-8");
            }
        });
        return query;
    }

    private static String utf8(String s) {
        return new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
    }

    /**
     * Percent-encodes UTF-8 text as RFC 3986 does for a URI component: everything but {@code A-Z a-z 0-9 - . _ ~}.
     * PHP decodes it in names and values alike.
     */
    public static String component(String s) {
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!unreserved(c)) {
                b = new StringBuilder(s.length() + 16).append(s, 0, i);
                for (byte x : s.substring(i).getBytes(StandardCharsets.UTF_8)) {
                    if (x >= 0 && unreserved((char) x)) {
                        b.append((char) x);
                    } else {
                        b.append('%').append(HEX[(x >> 4) & 0xf]).append(HEX[x & 0xf]);
                    }
                }
                break;
            }
        }
        return b == null ? s : b.toString();
    }

    private static boolean unreserved(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
                || c == '_' || c == '~';
    }
}
