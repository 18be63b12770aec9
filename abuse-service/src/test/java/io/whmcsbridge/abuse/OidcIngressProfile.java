package io.whmcsbridge.abuse;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.Map;

/**
 * The ingress with OpenID Connect bearer tokens instead of API keys. Tokens are verified locally against a public
 * key (quarkus.oidc.public-key), as with a provider's signing key, so no provider has to run. Roles come from the
 * token's {@code groups} claim (quarkus-oidc's default for JWTs).
 */
public class OidcIngressProfile implements QuarkusTestProfile {
    static final String PRIVATE_KEY = "abuse.it.oidc.private-key";
    static final String PUBLIC_KEY = "abuse.it.oidc.public-key";
    /** The audience tokens for this service carry (the provider's client id of the service). */
    static final String AUDIENCE = "whmcs-abuse-service";

    /** One key pair per JVM, kept in system properties because the test runs in another class loader. */
    static synchronized void ensureKeys() {
        if (System.getProperty(PRIVATE_KEY) == null) {
            try {
                KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
                gen.initialize(2048);
                KeyPair pair = gen.generateKeyPair();
                System.setProperty(PRIVATE_KEY, Base64.getEncoder().encodeToString(pair.getPrivate().getEncoded()));
                System.setProperty(PUBLIC_KEY, Base64.getEncoder().encodeToString(pair.getPublic().getEncoded()));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        ensureKeys();
        return Map.of(
                "whmcs.ingress.auth", "oidc",
                "quarkus.oidc.tenant-enabled", "true",
                "quarkus.oidc.application-type", "service",
                "quarkus.oidc.public-key", System.getProperty(PUBLIC_KEY),
                "whmcs.ingress.oidc.audience", AUDIENCE);
    }
}
