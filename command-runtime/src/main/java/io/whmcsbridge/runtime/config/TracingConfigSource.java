package io.whmcsbridge.runtime.config;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;
import org.eclipse.microprofile.config.spi.ConfigSource;

import java.util.List;
import java.util.Map;

/**
 * Derives Quarkus' OpenTelemetry switches from the one key an operator sets, {@value #ENDPOINT}: with it the SDK is on
 * and exports spans there over OTLP; without it the SDK is disabled, so nothing is exported and the pipeline's spans
 * are no-ops. Ordinal {@value #ORDINAL}, below every properties file and the environment: an explicit
 * {@code quarkus.otel.sdk.disabled} (a test's in-memory exporter) still wins.
 */
public class TracingConfigSource implements ConfigSourceFactory {
    public static final String ENDPOINT = "whmcs.tracing.otlp-endpoint";
    static final int ORDINAL = 50;

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        return List.of(new PropertiesConfigSource(derived(context.getValue(ENDPOINT)), "whmcs-tracing", ORDINAL));
    }

    static Map<String, String> derived(ConfigValue endpoint) {
        String url = endpoint == null || endpoint.getValue() == null ? "" : endpoint.getValue().trim();
        if (url.isEmpty()) {
            return Map.of("quarkus.otel.sdk.disabled", "true");
        }
        return Map.of("quarkus.otel.sdk.disabled", "false", "quarkus.otel.exporter.otlp.traces.endpoint", url);
    }
}
