package io.whmcsbridge.abuse;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.whmcsbridge.runtime.store.CommandLog;
import io.whmcsbridge.runtime.testing.ServiceTestResource;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;

import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** whmcs.ingress.auth=oidc: bearer tokens of an OpenID Connect provider instead of API keys. */
@QuarkusTest
@Order(4)
@TestProfile(OidcIngressProfile.class)
@QuarkusTestResource(value = ServiceTestResource.class, initArgs = @ResourceArg(name = "family", value = "abuse"))
class AbuseOidcIngressIT {

    @Test
    void aValidTokenIsAcceptedAndItsSubjectIsTheCaller() throws Exception {
        OidcIngressProfile.ensureKeys();
        PrivateKey key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(
                Base64.getDecoder().decode(System.getProperty(OidcIngressProfile.PRIVATE_KEY))));
        String id = "oidc-" + UUID.randomUUID();
        String body = "{\"id\":\"" + id + "\",\"type\":\"whmcs.abuse.create\",\"params\":{\"service_id\":41,\"category\":\"Spam\"}}";

        Response ok = given().header("Authorization", "Bearer " + token(key, "ops-team"))
                .contentType(ContentType.JSON).body(body).post("/commands");
        assertEquals(202, ok.statusCode(), ok.asString());
        String source = QuarkusTransaction.requiringNew().call(() -> CommandLog.<CommandLog>findById(id).source);
        assertEquals("http:ops-team", source, "the token's user is recorded as the command's source");

        PrivateKey other = KeyPairGenerator.getInstance("RSA").generateKeyPair().getPrivate();
        assertEquals(401, given().header("Authorization", "Bearer " + token(other, "intruder"))
                .contentType(ContentType.JSON).body(body).post("/commands").statusCode(), "a token signed by another key");
        assertEquals(401, given().header("Authorization", "Bearer " + AbuseIngressIT.KEY)
                .contentType(ContentType.JSON).body(body).post("/commands").statusCode(), "API keys are not accepted in oidc mode");
        assertEquals(401, given().contentType(ContentType.JSON).body(body).post("/commands").statusCode());
        assertEquals(200, given().get("/q/health/live").statusCode());
    }

    /** A signed JWT (RS256) as a provider issues one. */
    static String token(PrivateKey key, String user) throws Exception {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        long now = Instant.now().getEpochSecond();
        String header = b64.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String claims = b64.encodeToString(("{\"iss\":\"https://idp.example\",\"sub\":\"" + user
                + "\",\"preferred_username\":\"" + user + "\",\"iat\":" + now + ",\"exp\":" + (now + 300) + "}")
                .getBytes(StandardCharsets.UTF_8));
        Signature rs256 = Signature.getInstance("SHA256withRSA");
        rs256.initSign(key);
        rs256.update((header + "." + claims).getBytes(StandardCharsets.US_ASCII));
        return header + "." + claims + "." + b64.encodeToString(rs256.sign());
    }

}
