package io.whmcsbridge.runtime.api;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.MultivaluedMap;

import java.util.Iterator;
import java.util.Map;

/**
 * Encodes parameters the way PHP's {@code http_build_query} does, which is what the WHMCS-family APIs read:
 * {@code true}/{@code false} as {@code 1}/{@code 0}, decimals in plain notation, objects as {@code name[key]},
 * lists as {@code name[]} repeated.
 */
public final class PhpForm {
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
}
