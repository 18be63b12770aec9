package io.whmcsbridge.simulator.core;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Credentials and knobs of the simulated APIs, by key ({@code abuse.api-id}, ...). Each API documents its keys
 * and defaults; the standalone program also reads them from environment variables ({@code SIM_ABUSE_API_ID}).
 */
public final class SimulatorSettings {
    private final Map<String, String> values = new HashMap<>();

    public SimulatorSettings set(String key, String value) {
        values.put(key, value);
        return this;
    }

    public String get(String key, String defaultValue) {
        String v = values.get(key);
        if (v == null) {
            v = System.getenv("SIM_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_'));
        }
        return v == null ? defaultValue : v;
    }

    public int getInt(String key, int defaultValue) {
        return Integer.parseInt(get(key, Integer.toString(defaultValue)));
    }
}
