package io.whmcsbridge.runtime.config;

import io.smallrye.config.ConfigValue;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TracingConfigSourceTest {

    static ConfigValue endpoint(String value) {
        return ConfigValue.builder().withName(TracingConfigSource.ENDPOINT).withValue(value).build();
    }

    @Test
    void withoutAnEndpointTheSdkIsDisabled() {
        assertEquals(Map.of("quarkus.otel.sdk.disabled", "true"), TracingConfigSource.derived(null));
        assertEquals(Map.of("quarkus.otel.sdk.disabled", "true"), TracingConfigSource.derived(endpoint("  ")));
    }

    @Test
    void anEndpointTurnsTheSdkOnAndIsWhereTracesGo() {
        assertEquals(Map.of("quarkus.otel.sdk.disabled", "false",
                "quarkus.otel.exporter.otlp.traces.endpoint", "http://collector:4317"),
                TracingConfigSource.derived(endpoint(" http://collector:4317 ")));
    }
}
