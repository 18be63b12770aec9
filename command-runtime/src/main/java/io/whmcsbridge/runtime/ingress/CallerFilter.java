package io.whmcsbridge.runtime.ingress;

import io.quarkus.security.identity.SecurityIdentity;
import io.whmcsbridge.runtime.config.BridgeConfig;
import io.whmcsbridge.runtime.config.BridgeConfig.Ingress.Auth;
import jakarta.inject.Inject;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.lang.reflect.AnnotatedElement;

/**
 * Authenticates callers of {@link IngressSecured} endpoints and of everything under {@code /admin}, and sets who they
 * are and what they may do ({@link Caller}) as the request property {@link #CALLER}. API keys: only SHA-256 hashes
 * are configured and a presented key is compared by its hash in constant time, so neither the configuration nor a
 * log ever holds a usable key. {@code /admin/*} needs the admin scope (403 otherwise), whatever the endpoint; what a
 * caller may send or read is checked where that happens ({@link CommandResource}, {@link CommandIngress}).
 * Repeated failures are slowed down by {@link AuthFailureThrottle}.
 */
public class CallerFilter {
    public static final String CALLER = "whmcs.caller";

    // Client proxies: filters may be created before runtime configuration exists.
    @Inject
    IngressAuth auth;
    @Inject
    SecurityIdentity identity;
    @Inject
    jakarta.enterprise.inject.Instance<BridgeConfig> configs;

    @ServerRequestFilter(priority = Priorities.AUTHENTICATION)
    public Response filter(ContainerRequestContext request, ResourceInfo resource) {
        boolean admin = isAdmin(request, resource);
        if (!admin && !annotated(resource.getResourceClass()) && !annotated(resource.getResourceMethod())) {
            return null;
        }
        Auth mode = configs.get().ingress().auth();
        Caller caller;
        if (mode == Auth.NONE) {
            caller = new Caller("anonymous", Scopes.ALL);
        } else if (mode == Auth.OIDC) {
            // quarkus-oidc has checked the bearer token (issuer's signature, expiry) before this filter
            if (identity == null || identity.isAnonymous()) {
                return unauthenticated("send Authorization: Bearer <token> from the configured OpenID Connect provider");
            }
            if (!auth.forThisService(identity)) {
                return unauthenticated("the token is not for this service (its audience, aud)");
            }
            caller = auth.byIdentity(identity);
        } else {
            if (auth.keys().isEmpty()) {
                return unauthenticated("no API keys are configured on this service: set whmcs.ingress.api-keys.<name>.sha256 "
                        + "to the SHA-256 (hex) of a key");
            }
            String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
            if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.substring(7).isBlank()) {
                return unauthenticated("send Authorization: Bearer <API key>");
            }
            caller = auth.byKey(header.substring(7).trim());
            if (caller == null) {
                return unauthenticated("the API key is not one of this service's keys");
            }
        }
        if (admin && !caller.scopes().admin()) {
            return problem(new IngressProblem(403, "FORBIDDEN", "'" + caller.name() + "' may not use /admin"));
        }
        request.setProperty(CALLER, caller);
        return null;
    }

    private static boolean annotated(AnnotatedElement e) {
        return e != null && e.isAnnotationPresent(IngressSecured.class);
    }

    /** Anything under /admin, by the matched resource's paths and by the request path. */
    static boolean isAdmin(ContainerRequestContext request, ResourceInfo resource) {
        String declared = path(resource.getResourceClass()) + "/" + path(resource.getResourceMethod());
        return firstSegmentIsAdmin(declared) || firstSegmentIsAdmin(request.getUriInfo().getPath());
    }

    private static String path(AnnotatedElement e) {
        Path p = e == null ? null : e.getAnnotation(Path.class);
        return p == null ? "" : p.value();
    }

    static boolean firstSegmentIsAdmin(String path) {
        for (String segment : path.split("/")) {
            if (!segment.isEmpty() && !segment.equals(".")) {
                return segment.equalsIgnoreCase("admin");
            }
        }
        return false;
    }

    private static Response unauthenticated(String message) {
        return Response.status(401).type(MediaType.APPLICATION_JSON).header(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
                .entity(new IngressProblem(401, "UNAUTHENTICATED", message).body()).build();
    }

    private static Response problem(IngressProblem p) {
        return Response.status(p.status()).type(MediaType.APPLICATION_JSON).entity(p.body()).build();
    }
}
