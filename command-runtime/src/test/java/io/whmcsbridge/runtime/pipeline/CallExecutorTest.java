package io.whmcsbridge.runtime.pipeline;

import io.whmcsbridge.model.Json;
import io.whmcsbridge.runtime.api.ApiInstance;
import io.whmcsbridge.runtime.catalogue.ActionSpec;
import io.whmcsbridge.runtime.config.BridgeConfig;
import io.whmcsbridge.runtime.guard.InstanceGuard;
import io.whmcsbridge.runtime.guard.InstanceGuards;
import io.whmcsbridge.runtime.guard.MemoryCircuitStore;
import io.whmcsbridge.runtime.ops.BridgeMetrics;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CallExecutorTest {

    /** A BridgeConfig whose processing settings are the defaults that matter here (1 attempt). */
    static BridgeConfig config() {
        BridgeConfig.Processing processing = (BridgeConfig.Processing) Proxy.newProxyInstance(
                CallExecutorTest.class.getClassLoader(), new Class<?>[] { BridgeConfig.Processing.class },
                (p, m, a) -> switch (m.getName()) {
                    case "maxAttempts" -> 1;
                    case "initialBackoff", "maxBackoff" -> Duration.ofMillis(10);
                    default -> throw new UnsupportedOperationException(m.getName());
                });
        return (BridgeConfig) Proxy.newProxyInstance(CallExecutorTest.class.getClassLoader(),
                new Class<?>[] { BridgeConfig.class }, (p, m, a) -> {
                    if (m.getName().equals("processing")) {
                        return processing;
                    }
                    throw new UnsupportedOperationException(m.getName());
                });
    }

    @Test
    void anErrorInsideACallGivesItsPermitBack() throws Exception {
        InstanceGuard guard = new InstanceGuard("default", 1, 0, new MemoryCircuitStore(), "replica-1", 10_000, () -> 1);
        CallExecutor executor = new CallExecutor();
        executor.config = config();
        executor.guards = new InstanceGuards() {
            @Override
            public InstanceGuard get(String name) {
                return guard;
            }
        };
        executor.metrics = new BridgeMetrics() {
            @Override
            public void apiCall(String action, String instance, String outcome, Duration took) {
            }
        };
        executor.gateway = (instance, action, params) -> {
            throw new StackOverflowError("deep");
        };
        ApiInstance instance = new ApiInstance("default", URI.create("http://127.0.0.1:1"), Map.of(), Map.of(),
                Duration.ofSeconds(1), Duration.ofSeconds(1), 1, 0);
        ActionSpec action = ActionSpec.builder("whmcs.test.get", "get").idempotent(true).build();

        assertThrows(StackOverflowError.class, () -> executor.execute(instance, action, Json.MAPPER.createObjectNode()));
        assertEquals(0, guard.inFlight(), "the permit went back");
        assertThrows(StackOverflowError.class, () -> executor.execute(instance, action, Json.MAPPER.createObjectNode()),
                "the next call gets the only permit (it would wait forever for a lost one)");
        assertEquals(0, guard.inFlight());
    }
}
