package io.whmcsbridge.runtime.ingress;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import io.whmcsbridge.model.Json;
import io.whmcsbridge.runtime.config.BridgeConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

/**
 * Slows down guessing: a client address with {@code whmcs.ingress.auth-failures.max} failed authentications (401,
 * from an API key or an OIDC token) within {@code window} is answered 429 with {@code Retry-After} for a window,
 * before any key is looked at. IPv6 clients count by their /64 (one host usually has a whole /64). Per replica, in a
 * bounded map ({@link FailureWindows}). Health and metrics ({@code /q/*}) are never blocked. The presented key is
 * never logged, only the address.
 */
@ApplicationScoped
public class AuthFailureThrottle {
    private static final Logger LOG = Logger.getLogger(AuthFailureThrottle.class);
    /** Before authentication (200) and authorization (100), after CORS (300). */
    static final int PRIORITY = 250;

    @Inject
    BridgeConfig config;

    private volatile FailureWindows windows;

    void register(@Observes Filters filters) {
        filters.register(this::handle, PRIORITY);
    }

    private FailureWindows windows() {
        FailureWindows w = windows;
        if (w == null) {
            synchronized (this) {
                if (windows == null) {
                    BridgeConfig.Ingress.AuthFailures c = config.ingress().authFailures();
                    windows = new FailureWindows(c.max(), c.window().toNanos(), c.tracked());
                }
                w = windows;
            }
        }
        return w;
    }

    void handle(RoutingContext rc) {
        String path = rc.normalizedPath();
        if (path == null || path.startsWith("/q/")) {
            rc.next();
            return;
        }
        String client = client(rc.request().remoteAddress());
        long blocked = windows().blockedFor(client, System.nanoTime());
        if (blocked > 0) {
            long seconds = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(blocked + 999_999_999L));
            rc.response().setStatusCode(429)
                    .putHeader(HttpHeaders.RETRY_AFTER, Long.toString(seconds))
                    .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    .end(body("TOO_MANY_FAILED_AUTHENTICATIONS", "too many failed authentications from this address; "
                            + "try again in " + seconds + " s"));
            return;
        }
        rc.addHeadersEndHandler(v -> {
            if (rc.response().getStatusCode() == 401 && windows().failed(client, System.nanoTime())) {
                BridgeConfig.Ingress.AuthFailures c = config.ingress().authFailures();
                LOG.warnf("client %s: %d failed authentications within %s; answered 429 for %s", client, c.max(),
                        c.window(), c.window());
            }
        });
        rc.next();
    }

    /** The address a client is counted by: an IPv4 address, or an IPv6 address's /64. */
    static String client(SocketAddress address) {
        if (address == null || address.hostAddress() == null) {
            return "unknown";
        }
        return client(address.hostAddress());
    }

    static String client(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (h.indexOf(':') < 0) {
            return h; // IPv4 (or no IP address at all): as it is
        }
        try {
            // with a ':' getByName reads an IPv6 literal and never looks a name up
            InetAddress a = InetAddress.getByName(h);
            return a instanceof Inet6Address ? HexFormat.of().formatHex(a.getAddress(), 0, 8) + "::/64" : a.getHostAddress();
        } catch (Exception notAnAddress) {
            return h;
        }
    }

    private static String body(String code, String message) {
        try {
            return Json.MAPPER.writeValueAsString(new IngressProblem(429, code, message).body());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
