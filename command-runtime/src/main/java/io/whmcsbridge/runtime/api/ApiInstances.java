package io.whmcsbridge.runtime.api;

import io.whmcsbridge.runtime.config.BridgeConfig;
import io.whmcsbridge.runtime.pipeline.InstanceGuard;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The configured API instances of this service, each with its guard (cap, rate limit, circuit). */
@ApplicationScoped
public class ApiInstances {
    private final Map<String, ApiInstance> instances = new TreeMap<>();
    private final Map<String, InstanceGuard> guards = new TreeMap<>();

    ApiInstances() {
    }

    @Inject
    public ApiInstances(BridgeConfig config) {
        config.instances().forEach((name, c) -> {
            instances.put(name, new ApiInstance(name, c.baseUrl(), Map.copyOf(c.credentials()),
                    Map.copyOf(c.options()), c.connectTimeout(), c.readTimeout(), c.maxInFlight(), c.rateLimit()));
            guards.put(name, new InstanceGuard(name, c.maxInFlight(), c.rateLimit()));
        });
    }

    public Optional<ApiInstance> get(String name) {
        return Optional.ofNullable(instances.get(name));
    }

    public InstanceGuard guard(String name) {
        return guards.get(name);
    }

    public Map<String, InstanceGuard> guards() {
        return Collections.unmodifiableMap(guards);
    }

    public Map<String, ApiInstance> all() {
        return Collections.unmodifiableMap(instances);
    }
}
