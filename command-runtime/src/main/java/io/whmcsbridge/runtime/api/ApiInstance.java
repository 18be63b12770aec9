package io.whmcsbridge.runtime.api;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

/** One configured API endpoint, as a gateway uses it. Credentials are secrets: never log this record. */
public record ApiInstance(String name, URI baseUrl, Map<String, String> credentials, Map<String, String> options,
        Duration connectTimeout, Duration readTimeout, int maxInFlight, double rateLimit) {

    /** A credential the service requires; a missing one is a configuration error, reported by name only. */
    public String credential(String key) {
        String v = credentials.get(key);
        if (v == null || v.isEmpty()) {
            throw new IllegalStateException("instance '" + name + "' has no credential '" + key
                    + "' (set whmcs.instances." + name + ".credentials." + key + ")");
        }
        return v;
    }

    public String option(String key, String defaultValue) {
        return options.getOrDefault(key, defaultValue);
    }

    @Override
    public String toString() {
        return "ApiInstance[" + name + " " + baseUrl + "]";
    }
}
