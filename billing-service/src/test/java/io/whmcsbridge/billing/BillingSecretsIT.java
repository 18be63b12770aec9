package io.whmcsbridge.billing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.whmcsbridge.model.Json;
import io.whmcsbridge.runtime.testing.SecretScan;
import io.whmcsbridge.runtime.testing.ServiceTestResource;
import io.whmcsbridge.simulator.billing.BillingSim;
import io.whmcsbridge.simulator.core.Fault;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import static io.restassured.RestAssured.given;
import static io.whmcsbridge.runtime.testing.BridgeTestClient.params;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Secrets in a command's parameters (a card number, a bank account) and in the API's answers (an OAuth client
 * secret, a single sign-on token) end up in no command_log column, no outbox row, no result event, no log line and
 * not in {@code GET /commands/{id}}; every answer seen is walked for undeclared secrets.
 */
@QuarkusTest
@Order(3)
@QuarkusTestResource(value = ServiceTestResource.class, initArgs = @ResourceArg(name = "family", value = "billing"))
class BillingSecretsIT extends BillingItSupport {
    /** Configured in application.properties (%test) only as its SHA-256. */
    static final String INGRESS_KEY = "billing-it-key-8e3a";

    static RequestSpecification authed() {
        return given().header("Authorization", "Bearer " + INGRESS_KEY);
    }

    static String digits(int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append(ThreadLocalRandom.current().nextInt(10));
        }
        return b.toString();
    }

    /** A CVV or a routing number: short enough to occur inside unrelated digits (a timestamp's fraction). */
    static boolean isShort(String secret) {
        return secret.length() < 10;
    }

    /** The command's status as the HTTP ingress shows it, once terminal. */
    static String status(String id) {
        Response r = authed().get("/commands/" + id + "?wait=20s");
        assertEquals(200, r.statusCode(), r.asString());
        return r.asString();
    }

    @Test
    void cardsOAuthSecretsAndSsoTokensReachNoTableEventLogOrStatus() throws Exception {
        String card = "4" + digits(15);
        // a leading zero: a JSON integer never has one, so no number another test stored (the bad-input corpus
        // stores lists 0, 1, 2, ...) can read as this CVV; found when the corpus ran before this test in CI
        String cvv = "0" + digits(2) + "7";
        String account = "9" + digits(11);
        String routing = "0" + digits(8);
        List<String> ids = new ArrayList<>();
        List<String> planted = new ArrayList<>(List.of(card, cvv, account, routing));

        // a card over Kafka, answered
        ObjectNode cardParams = params("clientid", 12345, "type", "CreditCard", "card_number", card, "card_cvv", cvv,
                "card_expiry", "1229", "description", "Visa");
        JsonNode added = run("whmcs.core.AddPayMethod", cardParams);
        assertStatus("SUCCEEDED", added);
        assertTrue(added.path("response").path("paymethodid").asInt() > 0, added.toString());
        ids.add(added.path("commandId").asText());
        assertEquals(card.substring(12), billing().payMethods().get(0).lastFour(), "the API was sent the real number");

        // a bank account over the HTTP ingress (written to the database and the outbox before it is published)
        Response posted = authed().contentType(ContentType.JSON).body(Json.MAPPER.writeValueAsString(Map.of(
                "type", "whmcs.core.AddPayMethod", "key", KEY, "params", Map.of("clientid", 12345, "type", "BankAccount",
                        "bank_name", "Example Bank", "bank_account_type", "Checking", "bank_code", routing,
                        "bank_account", account)))).post("/commands");
        assertEquals(202, posted.statusCode(), posted.asString());
        String bankId = Json.MAPPER.readTree(posted.asString()).path("commandId").asText();
        assertTrue(status(bankId).contains("\"SUCCEEDED\""), status(bankId));
        ids.add(bankId);

        // refused by the API, rejected before any call, and lost after the API took it
        JsonNode refused = run("whmcs.core.AddPayMethod", params("clientid", 9, "card_number", card, "card_expiry", "1229"));
        assertStatus("FAILED", refused);
        JsonNode rejected = run("whmcs.core.AddPayMethod", params("clientid", 12345, "card_number", card, "secret", "x"));
        assertRejected(rejected, "secret");
        sim.context().failNext(BillingSim.NAME, 1, Fault.Once.DROP_AFTER_EFFECT);
        JsonNode lost = run("whmcs.core.AddPayMethod", params("clientid", 12345, "card_number", card, "card_expiry", "1229"));
        assertStatus("UNKNOWN", lost);
        for (JsonNode r : List.of(refused, rejected, lost)) {
            ids.add(r.path("commandId").asText());
        }

        // secrets in the answers
        JsonNode oauth = run("whmcs.core.CreateOAuthCredential", params("grantType", "single_sign_on",
                "scope", "clientarea:sso", "serviceId", 7001, "name", "Portal"));
        assertStatus("SUCCEEDED", oauth);
        assertEquals("[REDACTED]", oauth.path("response").path("clientSecret").asText(), oauth.toString());
        assertTrue(oauth.path("response").path("clientIdentifier").asText().startsWith("WHMCS."), "not a secret: " + oauth);
        JsonNode listed = run("whmcs.core.ListOAuthCredentials", params());
        assertStatus("SUCCEEDED", listed);
        assertEquals("[REDACTED]", listed.path("response").path("clients").get(0).path("clientSecret").asText(), listed.toString());
        JsonNode sso = run("whmcs.core.CreateSsoToken", params("client_id", 12345, "destination", "clientarea:invoices"));
        assertStatus("SUCCEEDED", sso);
        assertEquals("[REDACTED]", sso.path("response").path("access_token").asText(), sso.toString());
        assertTrue(sso.path("response").path("redirect_url").asText().endsWith("/oauth/singlesignon.php?access_token=[REDACTED]"),
                sso.toString());
        for (JsonNode r : List.of(oauth, listed, sso)) {
            ids.add(r.path("commandId").asText());
        }
        planted.add(billing().oauthCredentials().get(0).clientSecret());
        planted.add(billing().ssoTokens().get(0));

        SecretScan scan = SecretScan.of("billing");
        for (String id : ids) {
            assertFalse(scan.rowsContaining(id).isEmpty(), "command_log has " + id);
            assertFalse(scan.recordsContaining(id).isEmpty(), "the result of " + id + " was published and scanned");
            String view = status(id);
            for (String secret : planted) {
                assertFalse(isShort(secret) ? SecretScan.containsAsToken(view, secret) : view.contains(secret),
                        "GET /commands/" + id + " shows " + secret + ": " + view);
            }
        }
        for (String secret : planted) {
            if (isShort(secret)) {
                scan.assertAbsentAsToken(secret);
            } else {
                scan.assertAbsent(secret);
            }
        }
        // every answer published so far, walked like the catalogue: no field looks secret without being declared
        BillingSecretsTest.walk().answers(scan.answers()).assertEverySecretDeclared();
    }
}
