package io.whmcsbridge.simulator.core;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A request as a simulated API sees it. {@code params} merges the query string and a form-encoded body (the body
 * wins), keeping every value of a repeated name such as {@code invoices[]}.
 */
public record SimRequest(String method, String path, Map<String, String> pathParams, Map<String, List<String>> params,
        Map<String, String> headers, String body, String remoteIp) {

    public String param(String name) {
        List<String> v = params.get(name);
        return v == null || v.isEmpty() ? null : v.get(v.size() - 1);
    }

    public List<String> paramValues(String name) {
        return params.getOrDefault(name, List.of());
    }

    public boolean has(String name) {
        String v = param(name);
        return v != null && !v.isEmpty();
    }

    /** Header lookup ignoring case, as HTTP does. */
    public String header(String name) {
        for (Map.Entry<String, String> e : headers.entrySet()) {
            if (e.getKey().equalsIgnoreCase(name)) {
                return e.getValue();
            }
        }
        return null;
    }

    /** The parameters flattened to one string each, for the call record. */
    public Map<String, String> flatParams() {
        Map<String, String> flat = new LinkedHashMap<>();
        params.forEach((k, v) -> flat.put(k, String.join(",", v)));
        return flat;
    }
}
