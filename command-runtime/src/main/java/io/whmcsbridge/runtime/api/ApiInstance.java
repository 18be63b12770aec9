package io.whmcsbridge.runtime.api;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

/** One configured API endpoint, as a gateway uses it. Credentials are secrets: never log this record. */
public record ApiInstance(String name, URI baseUrl, Map<String, String> credentials, Map<String, String> options,
        Duration connectTimeout, Duration readTimeout, int maxInFlight, double rateLimit, long maxAnswerBytes) {

    /** The default cap of an answer ({@code whmcs.instances.<name>.max-answer-bytes}): 8 MiB. */
    public static final long DEFAULT_MAX_ANSWER_BYTES = 8L * 1024 * 1024;

    public ApiInstance(String name, URI baseUrl, Map<String, String> credentials, Map<String, String> options,
            Duration connectTimeout, Duration readTimeout, int maxInFlight, double rateLimit) {
        this(name, baseUrl, credentials, options, connectTimeout, readTimeout, maxInFlight, rateLimit,
                DEFAULT_MAX_ANSWER_BYTES);
    }

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
