package io.whmcsbridge.reseller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.whmcsbridge.model.CloudEvent;
import io.whmcsbridge.runtime.testing.BadInputCorpus;
import io.whmcsbridge.runtime.testing.BridgeTestClient;
import io.whmcsbridge.runtime.testing.SecretScan;
import io.whmcsbridge.runtime.testing.ServiceTestResource;
import io.whmcsbridge.runtime.testing.SimulatorTestResource;
import io.whmcsbridge.simulator.WhmcsSimulator;
import io.whmcsbridge.simulator.core.Fault;
import io.whmcsbridge.simulator.core.RecordedCall;
import io.whmcsbridge.simulator.core.SideEffect;
import io.whmcsbridge.simulator.reseller.VoipResellerSim;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import static io.whmcsbridge.runtime.testing.BridgeTestClient.command;
import static io.whmcsbridge.runtime.testing.BridgeTestClient.newId;
import static io.whmcsbridge.runtime.testing.BridgeTestClient.params;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** reseller-service end to end: the real broker, the real database, the simulated VoIP reseller API. */
@QuarkusTest
@Order(1)
@QuarkusTestResource(value = ServiceTestResource.class, initArgs = @ResourceArg(name = "family", value = "reseller"))
class ResellerCommandsIT {
    static final Duration WAIT = Duration.ofSeconds(30);
    static final int JOHN = VoipResellerSim.SEEDED_CLIENT;
    static BridgeTestClient client;

    WhmcsSimulator sim = SimulatorTestResource.simulator();

    @BeforeAll
    static void connect() {
        client = new BridgeTestClient("reseller");
    }

    @AfterAll
    static void disconnect() {
        client.close();
    }

    static String type(String function) {
        return "whmcs.reseller." + function;
    }

    JsonNode run(String function, ObjectNode params, String instance) {
        String id = newId();
        client.send("client-" + params.path("client").asText("none"), command(id, type(function), params, instance));
        return client.awaitResult(id, WAIT).data();
    }

    JsonNode run(String function, ObjectNode params) {
        return run(function, params, null);
    }

    /** Each function once with what the vendor page shows, and once with what the API refuses. */
    static Stream<Arguments> functions() {
        String unique = UUID.randomUUID().toString().substring(0, 8);
        return Stream.of(
                arguments("addCharge", params("client", JOHN, "charge", "0.50", "description", "it"), "status",
                        params("client", 999, "charge", "0.50"), "invalid_client"),
                arguments("addPayment", params("client", JOHN, "payment", "0.50", "description", "it"), "status",
                        params("client", 999, "payment", "0.50"), "invalid_client"),
                arguments("getBalanceManagement", params("balance_management", 1), "balance_management",
                        params("balance_management", 9), "invalid_balance_management"),
                arguments("getCharges", params("client", JOHN), "charges", params("client", 999), "invalid_client"),
                arguments("getClientPackages", params("client", JOHN), "packages", params("client", 999), "invalid_client"),
                arguments("getClients", params("client", JOHN), "clients", params("client", "nobody@example.org"), "no_client"),
                arguments("getClientThreshold", params("client", JOHN), "threshold_information", params("client", 999), "invalid_client"),
                arguments("getDeposits", params("client", JOHN), "deposits", params("client", 999), "invalid_client"),
                arguments("getPackages", params("package", 8378), "packages", params("package", 1), "invalid_package"),
                arguments("getResellerBalance", params("client", JOHN), "balance", params("client", 999), "invalid_client"),
                arguments("setClient", params("client", JOHN, "email", "john.doe@my-domain.com", "password", "johnspassword",
                        "firstname", "John", "lastname", "Doe", "phone_number", "5551112222"), "status",
                        params("client", 999, "email", "x@example.org", "password", "xxxxxxxx", "firstname", "X",
                                "lastname", "Y", "phone_number", "1"), "invalid_client"),
                arguments("setClientThreshold", params("client", JOHN, "threshold", 10), "status",
                        params("client", 999, "threshold", 10), "invalid_client"),
                arguments("signupClient", signup("new-" + unique + "@example.org", "Secret-" + unique), "client",
                        signup("john.doe@my-domain.com", "Secret-" + unique), "used_email"));
    }

    static ObjectNode signup(String email, String password) {
        return params("firstname", "Ann", "lastname", "Lee", "address", "1 Main St", "city", "Springfield",
                "state", "OR", "country", "UNITED STATES", "zip", "97477", "phone_number", "5550001111",
                "email", email, "confirm_email", email, "password", password, "confirm_password", password);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("functions")
    void eachFunctionSucceedsAndFailsAsTheApiSays(String function, ObjectNode good, String field, ObjectNode bad,
            String word) {
        JsonNode ok = run(function, good);
        assertEquals("SUCCEEDED", ok.path("status").asText(), ok.toString());
        assertTrue(ok.path("response").has(field), function + " answers " + field + ": " + ok);
        JsonNode failed = run(function, bad);
        assertEquals("FAILED", failed.path("status").asText(), failed.toString());
        assertEquals(word, failed.path("error").path("code").asText(), failed.toString());
    }

    @Test
    void theSameFunctionsWorkOverPost() {
        JsonNode ok = run("getResellerBalance", params("client", JOHN), "post");
        assertEquals("SUCCEEDED", ok.path("status").asText(), ok.toString());
        RecordedCall last = sim.context().calls().get(sim.context().calls().size() - 1);
        assertEquals("POST", last.method());
        assertEquals("getResellerBalance", last.params().get("method"));
    }

    @Test
    void aChargeThenABalanceReadShowsIt() {
        BigDecimal before = sim.api(VoipResellerSim.class).balance(JOHN);
        JsonNode charged = run("addCharge", params("client", JOHN, "charge", "1.25", "description", "call minutes"));
        assertEquals("SUCCEEDED", charged.path("status").asText(), charged.toString());
        JsonNode balance = run("getResellerBalance", params("client", JOHN));
        BigDecimal shown = new BigDecimal(balance.path("response").path("balance").path("current_balance").asText());
        assertEquals(0, before.subtract(new BigDecimal("1.25")).compareTo(shown),
                "balance " + before + " - 1.25 = " + shown);
        // the charge is listed; the vendor page's list with a gap in its keys still reaches us as an array
        JsonNode listed = run("getCharges", params("client", JOHN)).path("response").path("charges");
        assertTrue(listed.isArray(), listed.toString());
        JsonNode last = listed.get(listed.size() - 1);
        assertEquals("call minutes", last.path("description").asText(), listed.toString());
        assertEquals(0, new BigDecimal("1.25").compareTo(new BigDecimal(last.path("amount").asText())));
        // test=true checks without applying
        run("addCharge", params("client", JOHN, "charge", "3.00", "test", true));
        assertEquals(0, shown.compareTo(sim.api(VoipResellerSim.class).balance(JOHN)), "a test charge changes nothing");
    }

    @Test
    void aDuplicateAddPaymentCommandIdCausesOnePayment() {
        String id = newId();
        String marker = "payment-" + id;
        CloudEvent payment = command(id, type("addPayment"), params("client", JOHN, "payment", "5.00",
                "description", marker), null);
        client.send("client-" + JOHN, payment);
        CloudEvent first = client.awaitResult(id, WAIT);
        client.send("client-" + JOHN, payment);
        List<CloudEvent> both = client.awaitResults(id, 2, WAIT);
        assertEquals(first.id(), both.get(1).id(), "the stored result is published again");
        long payments = sim.context().sideEffects().stream()
                .filter(e -> e.kind().equals("payment") && marker.equals(e.params().get("description"))).count();
        assertEquals(1, payments, "one payment for one command id");
    }

    @Test
    void aTimeoutAfterTheChargeIsUnknownAndNotSentAgain() {
        String marker = "hang-" + newId();
        sim.context().failNext(VoipResellerSim.NAME, 1, Fault.Once.HANG_AFTER_EFFECT);
        JsonNode result = run("addCharge", params("client", JOHN, "charge", "0.10", "description", marker));
        assertEquals("UNKNOWN", result.path("status").asText(), result.toString());
        long charges = sim.context().sideEffects().stream()
                .filter(e -> e.kind().equals("charge") && marker.equals(e.params().get("description"))).count();
        assertEquals(1, charges, "charged once, never resent");
    }

    @Test
    void aReadIsRetriedAfterA503() {
        sim.context().failNext(VoipResellerSim.NAME, 1, Fault.Once.DROP);
        sim.context().setFault(VoipResellerSim.NAME, Fault.errors(1.0, 503));
        String id = newId();
        client.send("k-503", command(id, type("getPackages"), params(), null));
        // a dropped connection, then a 503; the API heals as soon as the 503 has been answered
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (sim.context().calls().stream().noneMatch(c -> "getPackages".equals(c.action()) && "HTTP_503".equals(c.outcome()))
                && System.nanoTime() < deadline) {
            sleep(2);
        }
        sim.context().clearFaults();
        JsonNode result = client.awaitResult(id, WAIT).data();
        assertEquals("SUCCEEDED", result.path("status").asText(), result.toString());
        assertTrue(result.path("attempts").asInt() >= 3, "retried after the drop and the 503: " + result);
    }

    @Test
    void validationRejectsBeforeAnyCall() {
        int calls = sim.context().calls().size();
        // threshold out of 1..250
        assertRejected(run("setClientThreshold", params("client", JOHN, "threshold", 251)), "threshold");
        assertRejected(run("setClientThreshold", params("client", JOHN, "threshold", 0)), "threshold");
        // confirmations that differ
        ObjectNode mismatch = signup("a@example.org", "Secret-123");
        mismatch.put("confirm_email", "b@example.org");
        assertRejected(run("signupClient", mismatch), "confirm_email");
        ObjectNode pw = signup("a@example.org", "Secret-123");
        pw.put("confirm_password", "Secret-124");
        assertRejected(run("signupClient", pw), "confirm_password");
        // money: negative, zero, over-precise, a word
        assertRejected(run("addCharge", params("client", JOHN, "charge", "-1.00")), "charge");
        assertRejected(run("addCharge", params("client", JOHN, "charge", "0")), "charge");
        assertRejected(run("addPayment", params("client", JOHN, "payment", "4.999")), "payment");
        assertRejected(run("addPayment", params("client", JOHN, "payment", "lots")), "payment");
        // required client missing
        assertRejected(run("getCharges", params()), "client");
        assertEquals(calls, sim.context().calls().size(), "nothing reached the API");
    }

    @Test
    void wrongCredentialsFailOnceAndOpenTheCircuit() {
        long before = sim.context().calls().stream().filter(RecordedCall::authFailed).count();
        JsonNode first = run("getPackages", params(), "wrongpass");
        assertEquals("invalid_credentials", first.path("error").path("code").asText(), first.toString());
        JsonNode second = run("getPackages", params(), "wrongpass");
        assertEquals("CIRCUIT_OPEN", second.path("error").path("code").asText(), second.toString());
        assertEquals(before + 1, sim.context().calls().stream().filter(RecordedCall::authFailed).count(),
                "one refused login reached the API");
    }

    @Test
    void clientPasswordsReachNoLogTableOrEvent() throws Exception {
        String planted = "canary-" + UUID.randomUUID().toString().substring(0, 12);
        String email = "canary-" + UUID.randomUUID().toString().substring(0, 8) + "@example.org";
        JsonNode created = run("signupClient", signup(email, planted));
        assertEquals("SUCCEEDED", created.path("status").asText(), created.toString());
        JsonNode clients = run("getClients", params("client", email));
        assertEquals("SUCCEEDED", clients.path("status").asText());
        JsonNode listed = clients.path("response").path("clients").get(0);
        assertEquals(email, listed.path("email").asText());
        assertFalse(listed.path("password").asText().contains(planted), "the password is removed from the result");
        JsonNode all = run("getClients", params());
        assertTrue(all.path("response").path("clients").size() >= 2);
        SecretScan scan = SecretScan.of("reseller");
        scan.assertAbsent(planted);
        scan.assertAbsent(VoipResellerSim.SEEDED_CLIENT_PASSWORD);
        scan.assertAbsent(VoipResellerSim.DEFAULT_PASSWORD);
        // every answer published so far, walked like the catalogue: no field looks secret without being declared
        ResellerSecretsTest.walk().answers(scan.answers()).assertEverySecretDeclared();
    }

    @Test
    void badInputCorpusIsRejectedOrDeadLettered() {
        String good = newId();
        BadInputCorpus.assertHandled(client, "reseller", type("addCharge"), command(good, type("getPackages"), params(), null), () -> sim.context().calls().size());
    }

    static void assertRejected(JsonNode result, String field) {
        assertEquals("REJECTED", result.path("status").asText(), result.toString());
        assertTrue(result.path("error").path("message").asText().contains(field), result.toString());
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
