package io.whmcsbridge.runtime.api;

import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import jakarta.enterprise.context.ApplicationScoped;

import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Builds one REST client per API instance and interface, with the instance's base URL and timeouts. Clients
 * return every HTTP status as a {@link jakarta.ws.rs.core.Response} instead of throwing, so gateways read the
 * API's own error bodies.
 */
@ApplicationScoped
public class RestClients {
    private final Map<String, Object> clients = new ConcurrentHashMap<>();

    public <T> T client(ApiInstance instance, Class<T> api) {
        return client(instance, "", api);
    }

    /**
     * A client whose base URI is the instance's base URL plus {@code path}, for APIs whose endpoint path is
     * configuration (an interface without a path of its own).
     */
    public <T> T client(ApiInstance instance, String path, Class<T> api) {
        String base = instance.baseUrl().toString();
        URI uri = URI.create(path.isEmpty() ? base
                : (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + (path.startsWith("/") ? path : "/" + path));
        return api.cast(clients.computeIfAbsent(instance.name() + "|" + path + "|" + api.getName(), k -> QuarkusRestClientBuilder
                .newBuilder()
                .baseUri(uri)
                .connectTimeout(instance.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(instance.readTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .property("microprofile.rest.client.disable.default.mapper", true)
                .property("io.quarkus.rest.client.connection-pool-size", Math.max(instance.maxInFlight(), 1) * 2)
                .build(api)));
    }
}
