package io.whmcsbridge.runtime.ingress;

import io.whmcsbridge.runtime.config.BridgeConfig;
import io.whmcsbridge.runtime.config.BridgeConfig.Ingress.Auth;
import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;
import org.jboss.logging.Logger;

import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;

/**
 * Authenticates callers of {@link IngressSecured} endpoints with bearer API keys. Only SHA-256 hashes of the keys
 * are configured, and a presented key is compared by its hash in constant time, so neither the configuration nor a
 * log ever holds a usable key. The caller's name (the key's name) is set as the request property
 * {@link #CALLER}.
 */
@Provider
@IngressSecured
@Priority(Priorities.AUTHENTICATION)
public class CallerFilter implements ContainerRequestFilter {
    public static final String CALLER = "whmcs.caller";
    private static final Logger LOG = Logger.getLogger(CallerFilter.class);

    // Looked up per request: providers are created at static init, before runtime configuration exists.
    @Inject
    Instance<BridgeConfig> configs;

    @Override
    public void filter(ContainerRequestContext request) {
        BridgeConfig config = configs.get();
        Auth auth = config.ingress().auth();
        if (auth == Auth.NONE) {
            request.setProperty(CALLER, "anonymous");
            return;
        }
        if (auth == Auth.OIDC) {
            // quarkus-oidc has authenticated the bearer token before this filter, when it is configured
            var principal = request.getSecurityContext() == null ? null : request.getSecurityContext().getUserPrincipal();
            if (principal == null) {
                refuse(request, "send Authorization: Bearer <token> from the configured OpenID Connect provider");
                return;
            }
            request.setProperty(CALLER, principal.getName());
            return;
        }
        Map<String, String> keys = config.ingress().apiKeys();
        if (keys.isEmpty()) {
            refuse(request, "no API keys are configured on this service: set whmcs.ingress.api-keys.<name> to the "
                    + "SHA-256 (hex) of a key");
            return;
        }
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() == 7) {
            refuse(request, "send Authorization: Bearer <API key>");
            return;
        }
        byte[] presented = Sha256.of(header.substring(7).trim());
        String caller = null;
        for (Map.Entry<String, String> e : keys.entrySet()) {
            byte[] expected;
            try {
                expected = HexFormat.of().parseHex(e.getValue().trim().toLowerCase());
            } catch (IllegalArgumentException notHex) {
                LOG.warnf("whmcs.ingress.api-keys.%s is not a hex SHA-256; ignored", e.getKey());
                continue;
            }
            if (MessageDigest.isEqual(presented, expected)) {
                caller = e.getKey();
            }
        }
        if (caller == null) {
            refuse(request, "the API key is not one of this service's keys");
            return;
        }
        request.setProperty(CALLER, caller);
    }

    private static void refuse(ContainerRequestContext request, String message) {
        request.abortWith(Response.status(401).type(MediaType.APPLICATION_JSON)
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
                .entity(new IngressProblem(401, "UNAUTHENTICATED", message).body()).build());
    }
}
