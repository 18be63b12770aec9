package io.whmcsbridge.runtime.api;

import io.whmcsbridge.runtime.config.BridgeConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The configured API instances of this service (their guards: {@code guard.InstanceGuards}). */
@ApplicationScoped
public class ApiInstances {
    private final Map<String, ApiInstance> instances = new TreeMap<>();

    ApiInstances() {
    }

    @Inject
    public ApiInstances(BridgeConfig config) {
        config.instances().forEach((name, c) -> {
            instances.put(name, new ApiInstance(name, c.baseUrl(), Map.copyOf(c.credentials()),
                    Map.copyOf(c.options()), c.connectTimeout(), c.readTimeout(), c.maxInFlight(), c.rateLimit(),
                    c.maxAnswerBytes()));
        });
    }

    public Optional<ApiInstance> get(String name) {
        return Optional.ofNullable(instances.get(name));
    }

    public Map<String, ApiInstance> all() {
        return Collections.unmodifiableMap(instances);
    }
}
