package io.whmcsbridge.runtime.ingress;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.security.identity.SecurityIdentity;
import io.whmcsbridge.runtime.catalogue.ActionCatalogue;
import io.whmcsbridge.runtime.catalogue.ActionSpec;
import io.whmcsbridge.runtime.config.BridgeConfig;
import io.whmcsbridge.runtime.config.BridgeConfig.Ingress.ApiKey;
import io.whmcsbridge.runtime.config.BridgeConfig.Ingress.Auth;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The ingress's callers: API keys (by the SHA-256 of the presented key, compared in constant time) or OpenID Connect
 * identities (by their roles), each with its {@link Scopes}. The configuration is checked at startup: a key that
 * cannot be read, or OIDC without an audience, stops the service instead of leaving the ingress more open than meant.
 */
@ApplicationScoped
public class IngressAuth {
    private static final Logger LOG = Logger.getLogger(IngressAuth.class);
    /** {@code api-keys.<name>=<hex>}: every type this service accepts, its webhooks, its own commands. */
    static final List<String> SHORT_FORM_TYPES = List.of("*");
    static final Set<String> SHORT_FORM_WEBHOOKS = Set.of("*");

    /** One configured key: its name, the SHA-256 of the key, what it may do. */
    record Key(String name, byte[] sha256, Scopes scopes) {
    }

    @Inject
    BridgeConfig config;
    @Inject
    ActionCatalogue catalogue;

    private volatile List<Key> keys;
    private volatile List<String> audience;

    void check(@Observes StartupEvent start) {
        Auth auth = config.ingress().auth();
        if (auth == Auth.OIDC) {
            List<String> audience = audience();
            if (audience.isEmpty() || audience.stream().anyMatch(a -> a.equalsIgnoreCase("any"))) {
                throw new IllegalStateException("whmcs.ingress.auth=oidc needs whmcs.ingress.oidc.audience "
                        + "(WHMCS_INGRESS_OIDC_AUDIENCE): the audience (aud) the provider puts in tokens for this service, "
                        + "not 'any'. Without it every token of the issuer, issued for any client, would be accepted");
            }
            LOG.infof("ingress: OIDC bearer tokens for audience %s; roles %s, %s[:<type pattern>], %s, %s[:<webhook>]",
                    audience, config.ingress().oidc().readAllRole(), config.ingress().oidc().sendRole(),
                    config.ingress().oidc().adminRole(), config.ingress().oidc().webhookRole());
        } else if (auth == Auth.API_KEY) {
            List<Key> all = keys();
            all.forEach(k -> LOG.infof("ingress: API key '%s' may send %s, call webhooks %s, read %s%s", k.name(),
                    k.scopes().describeTypes(), k.scopes().webhooks().isEmpty() ? "none" : k.scopes().webhooks(),
                    k.scopes().readAll() ? "every command" : "its own commands", k.scopes().admin() ? ", use /admin" : ""));
            if (all.isEmpty()) {
                LOG.warn("ingress: no API key is configured (whmcs.ingress.api-keys.<name>.sha256); every ingress request is refused");
            }
        } else {
            LOG.warn("ingress: whmcs.ingress.auth=none: every request may do everything; for a trusted local machine only");
        }
    }

    /** The audiences a token must name one of: whmcs.ingress.oidc.audience, else quarkus.oidc.token.audience. */
    List<String> audience() {
        List<String> audience = this.audience;
        if (audience == null) {
            audience = trimmed(config.ingress().oidc().audience().orElseGet(() -> ConfigProvider.getConfig()
                    .getOptionalValues("quarkus.oidc.token.audience", String.class).orElse(List.of())));
            this.audience = audience;
        }
        return audience;
    }

    /** Whether a verified token is for this service: its {@code aud} names one of {@link #audience()}. */
    boolean forThisService(SecurityIdentity identity) {
        if (!(identity.getPrincipal() instanceof JsonWebToken jwt) || jwt.getAudience() == null) {
            return false;
        }
        List<String> wanted = audience();
        return !wanted.isEmpty() && jwt.getAudience().stream().anyMatch(wanted::contains);
    }

    /** The configured keys, read and checked once. */
    List<Key> keys() {
        List<Key> k = keys;
        if (k == null) {
            k = read(config.ingress().apiKeys(), catalogue);
            keys = k;
        }
        return k;
    }

    /**
     * Reads {@code whmcs.ingress.api-keys}.
     *
     * @throws IllegalStateException naming the problem of a key that cannot be read
     */
    static List<Key> read(Map<String, ApiKey> configured, ActionCatalogue catalogue) {
        List<Key> keys = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        Map<String, String> byHash = new TreeMap<>();
        new TreeMap<>(configured).forEach((name, key) -> {
            String prefix = "whmcs.ingress.api-keys." + name;
            if (key.shortForm().isPresent() && key.sha256().isPresent()) {
                problems.add(prefix + " and " + prefix + ".sha256 are both set: keep one");
                return;
            }
            Optional<String> hex = key.sha256().or(key::shortForm).map(h -> h.trim().toLowerCase());
            if (hex.isEmpty() || hex.get().isEmpty()) {
                // e.g. docker-compose passing an unset .env variable: the key is simply not configured
                LOG.warnf("%s has scopes but no sha256: that key is not configured", prefix);
                return;
            }
            if (!hex.get().matches("[0-9a-f]{64}")) {
                problems.add(prefix + (key.sha256().isPresent() ? ".sha256" : "")
                        + " is not a hex SHA-256 (64 hex digits: printf %s \"$KEY\" | sha256sum)");
                return;
            }
            String twin = byHash.putIfAbsent(hex.get(), name);
            if (twin != null) {
                problems.add(prefix + " has the same SHA-256 as whmcs.ingress.api-keys." + twin + ": one key, one name");
                return;
            }
            boolean shortForm = key.shortForm().isPresent();
            List<String> types = key.types().map(IngressAuth::trimmed).orElse(shortForm ? SHORT_FORM_TYPES : List.of());
            for (String t : types) {
                String problem = Scopes.problem(t);
                if (problem != null) {
                    problems.add(prefix + ".types: " + problem);
                } else if (catalogue != null && catalogue.actions().stream().map(ActionSpec::type).noneMatch(a -> Scopes.matches(t, a))) {
                    LOG.warnf("%s.types: '%s' matches no command type of this service (%s)", prefix, t, catalogue.acceptedTypes());
                }
            }
            Set<String> webhooks = new LinkedHashSet<>(key.webhooks().map(IngressAuth::trimmed)
                    .orElse(shortForm ? List.copyOf(SHORT_FORM_WEBHOOKS) : List.of()));
            keys.add(new Key(name, HexFormat.of().parseHex(hex.get()), new Scopes(types, webhooks, key.readAll(), key.admin())));
        });
        if (!problems.isEmpty()) {
            throw new IllegalStateException("the ingress API keys cannot be read: " + String.join("; ", problems));
        }
        return List.copyOf(keys);
    }

    private static List<String> trimmed(List<String> values) {
        return values.stream().map(String::trim).filter(v -> !v.isEmpty()).toList();
    }

    /** The key whose SHA-256 is the presented key's, or null; every key is compared, in constant time. */
    Caller byKey(String presented) {
        byte[] hash = Sha256.of(presented);
        Key found = null;
        for (Key k : keys()) {
            if (MessageDigest.isEqual(hash, k.sha256())) {
                found = k;
            }
        }
        return found == null ? null : new Caller(found.name(), found.scopes());
    }

    /** An OIDC identity's scopes, from its roles (quarkus-oidc reads them from the token's role claim). */
    Caller byIdentity(SecurityIdentity identity) {
        return new Caller(identity.getPrincipal().getName(), scopes(identity.getRoles(), config.ingress().oidc()));
    }

    static Scopes scopes(Set<String> roles, BridgeConfig.Ingress.Oidc names) {
        List<String> types = new ArrayList<>();
        Set<String> webhooks = new LinkedHashSet<>();
        for (String role : roles) {
            if (role.equals(names.sendRole())) {
                types.addAll(SHORT_FORM_TYPES);
            } else if (role.startsWith(names.sendRole() + ":")) {
                String pattern = role.substring(names.sendRole().length() + 1);
                if (Scopes.problem(pattern) == null) {
                    types.add(pattern);
                }
            } else if (role.equals(names.webhookRole())) {
                webhooks.add("*");
            } else if (role.startsWith(names.webhookRole() + ":")) {
                webhooks.add(role.substring(names.webhookRole().length() + 1));
            }
        }
        return new Scopes(types, webhooks, roles.contains(names.readAllRole()), roles.contains(names.adminRole()));
    }
}
