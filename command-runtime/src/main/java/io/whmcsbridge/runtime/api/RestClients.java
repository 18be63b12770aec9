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
    private final Map<Key, Object> clients = new ConcurrentHashMap<>();

    /** One client per instance, path and interface; looked up on every call, so nothing is built for the lookup. */
    private record Key(String instance, String path, Class<?> api) {
    }

    public <T> T client(ApiInstance instance, Class<T> api) {
        return client(instance, "", api);
    }

    /**
     * A client whose base URI is the instance's base URL plus {@code path}, for APIs whose endpoint path is
     * configuration (an interface without a path of its own).
     */
    public <T> T client(ApiInstance instance, String path, Class<T> api) {
        return api.cast(clients.computeIfAbsent(new Key(instance.name(), path, api), k -> build(instance, path, api)));
    }

    private static Object build(ApiInstance instance, String path, Class<?> api) {
        String base = instance.baseUrl().toString();
        URI uri = URI.create(path.isEmpty() ? base
                : (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + (path.startsWith("/") ? path : "/" + path));
        return QuarkusRestClientBuilder.newBuilder()
                .baseUri(uri)
                .connectTimeout(instance.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(instance.readTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .property("microprofile.rest.client.disable.default.mapper", true)
                .property("io.quarkus.rest.client.connection-pool-size", Math.max(instance.maxInFlight(), 1) * 2)
                .build(api);
    }
}
