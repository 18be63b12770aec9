package io.whmcsbridge.abuse;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
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
import java.util.List;
import java.util.stream.Collectors;

import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * whmcs.ingress.auth=oidc: bearer tokens of an OpenID Connect provider instead of API keys. The token must be for
 * this service (its audience) and its roles (the {@code groups} claim here) say what the caller may do.
 */
@QuarkusTest
@Order(4)
@TestProfile(OidcIngressProfile.class)
@QuarkusTestResource(value = ServiceTestResource.class, initArgs = @ResourceArg(name = "family", value = "abuse"))
class AbuseOidcIngressIT {
    static final String AUDIENCE = OidcIngressProfile.AUDIENCE;

    static PrivateKey key() throws Exception {
        OidcIngressProfile.ensureKeys();
        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(
                Base64.getDecoder().decode(System.getProperty(OidcIngressProfile.PRIVATE_KEY))));
    }

    static String command(String id) {
        return "{\"id\":\"" + id + "\",\"type\":\"whmcs.abuse.create\",\"params\":{\"service_id\":41,\"category\":\"Spam\"}}";
    }

    static RequestSpecification bearer(String token) {
        return given().header("Authorization", "Bearer " + token);
    }

    @Test
    void aValidTokenIsAcceptedAndItsSubjectIsTheCaller() throws Exception {
        PrivateKey key = key();
        String id = "oidc-" + UUID.randomUUID();
        String body = command(id);

        Response ok = bearer(token(key, "ops-team", AUDIENCE, List.of("whmcs-send"))).contentType(ContentType.JSON)
                .body(body).post("/commands");
        assertEquals(202, ok.statusCode(), ok.asString());
        String source = QuarkusTransaction.requiringNew().call(() -> CommandLog.<CommandLog>findById(id).source);
        assertEquals("http:ops-team", source, "the token's user is recorded as the command's source");

        PrivateKey other = KeyPairGenerator.getInstance("RSA").generateKeyPair().getPrivate();
        assertEquals(401, bearer(token(other, "intruder", AUDIENCE, List.of("whmcs-send")))
                .contentType(ContentType.JSON).body(body).post("/commands").statusCode(), "a token signed by another key");
        assertEquals(401, bearer(AbuseIngressIT.KEY)
                .contentType(ContentType.JSON).body(body).post("/commands").statusCode(), "API keys are not accepted in oidc mode");
        assertEquals(401, given().contentType(ContentType.JSON).body(body).post("/commands").statusCode());
        assertEquals(200, given().get("/q/health/live").statusCode());
    }

    @Test
    void aTokenForAnotherAudienceOrWithoutOneIsRefused() throws Exception {
        PrivateKey key = key();
        String id = "oidc-aud-" + UUID.randomUUID();
        Response elsewhere = bearer(token(key, "ops-team", "billing-portal", List.of("whmcs-send", "whmcs-admin")))
                .contentType(ContentType.JSON).body(command(id)).post("/commands");
        assertEquals(401, elsewhere.statusCode(), "a token the issuer made for another client: " + elsewhere.asString());
        assertEquals(401, bearer(token(key, "ops-team", null, List.of("whmcs-send", "whmcs-admin")))
                .contentType(ContentType.JSON).body(command(id)).post("/commands").statusCode(), "a token without aud");
        assertEquals(401, bearer(token(key, "ops-team", "billing-portal", List.of("whmcs-admin")))
                .get("/admin/instances").statusCode());
        String recorded = QuarkusTransaction.requiringNew().call(() -> {
            CommandLog row = CommandLog.findById(id);
            return row == null ? null : row.source;
        });
        assertEquals(null, recorded, "nothing was recorded");
    }

    @Test
    void rolesSayWhatATokenMayDo() throws Exception {
        PrivateKey key = key();
        String noRole = token(key, "someone", AUDIENCE, List.of());
        String sender = token(key, "sender", AUDIENCE, List.of("whmcs-send"));
        String otherSender = token(key, "other-sender", AUDIENCE, List.of("whmcs-send:whmcs.abuse.create"));
        String reader = token(key, "auditor", AUDIENCE, List.of("whmcs-read-all"));
        String admin = token(key, "operator", AUDIENCE, List.of("whmcs-admin"));

        String id = "oidc-roles-" + UUID.randomUUID();
        Response refused = bearer(noRole).contentType(ContentType.JSON).body(command(id)).post("/commands");
        assertEquals(403, refused.statusCode(), "a token without a role: " + refused.asString());
        assertEquals(403, bearer(reader).contentType(ContentType.JSON).body(command(id)).post("/commands").statusCode());
        assertEquals(404, bearer(reader).get("/commands/" + id).statusCode(), "nothing was recorded");

        assertEquals(202, bearer(sender).contentType(ContentType.JSON).body(command(id)).post("/commands").statusCode());
        assertEquals(200, bearer(sender).get("/commands/" + id).statusCode(), "the sender reads its command");
        assertEquals(404, bearer(otherSender).get("/commands/" + id).statusCode(), "another sender does not");
        assertEquals(200, bearer(reader).get("/commands/" + id).statusCode(), "whmcs-read-all reads every command");
        String own = "oidc-roles-own-" + UUID.randomUUID();
        assertEquals(202, bearer(otherSender).contentType(ContentType.JSON).body(command(own)).post("/commands").statusCode(),
                "whmcs-send:<type> sends that type");

        assertEquals(403, bearer(sender).get("/admin/instances").statusCode());
        assertEquals(403, bearer(noRole).post("/admin/instances/wrongkey/circuit/reset").statusCode());
        assertEquals(200, bearer(admin).post("/admin/instances/wrongkey/circuit/reset").statusCode());
        assertEquals(200, bearer(admin).get("/admin/instances").statusCode());
        assertEquals(403, bearer(sender).contentType(ContentType.JSON).body("{\"alerts\":[]}")
                .post("/webhooks/alertmanager").statusCode(), "the webhook has its own role");
        assertEquals(200, bearer(token(key, "alertmanager", AUDIENCE, List.of("whmcs-webhook:alertmanager")))
                .contentType(ContentType.JSON).body("{\"alerts\":[]}").post("/webhooks/alertmanager").statusCode());
    }

    /** A signed JWT (RS256) as a provider issues one; {@code audience} null leaves out {@code aud}. */
    static String token(PrivateKey key, String user, String audience, List<String> groups) throws Exception {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        long now = Instant.now().getEpochSecond();
        String header = b64.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String roles = groups.stream().map(g -> "\"" + g + "\"").collect(Collectors.joining(",", "[", "]"));
        String claims = b64.encodeToString(("{\"iss\":\"https://idp.example\",\"sub\":\"" + user
                + "\",\"preferred_username\":\"" + user + "\""
                + (audience == null ? "" : ",\"aud\":\"" + audience + "\"")
                + ",\"groups\":" + roles + ",\"iat\":" + now + ",\"exp\":" + (now + 300) + "}")
                .getBytes(StandardCharsets.UTF_8));
        Signature rs256 = Signature.getInstance("SHA256withRSA");
        rs256.initSign(key);
        rs256.update((header + "." + claims).getBytes(StandardCharsets.US_ASCII));
        return header + "." + claims + "." + b64.encodeToString(rs256.sign());
    }

}
