package io.whmcsbridge.simulator.reseller;

import com.fasterxml.jackson.databind.JsonNode;
import io.whmcsbridge.simulator.SimulatorOnTheWire;
import io.whmcsbridge.simulator.core.RecordedCall;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The simulated VoIP reseller API on the wire, called as VoIP.ms documents it: GET rest.php?api_username=...&method=... */
class VoipResellerSimTest extends SimulatorOnTheWire {
    static final String JOHN = Integer.toString(VoipResellerSim.SEEDED_CLIENT);

    static List<String> withCredentials(String method, String... nameValues) {
        List<String> pairs = new ArrayList<>(List.of("api_username", VoipResellerSim.DEFAULT_USERNAME,
                "api_password", VoipResellerSim.DEFAULT_PASSWORD, "method", method));
        pairs.addAll(List.of(nameValues));
        return pairs;
    }

    /** GET with everything in the query string, the documented form. */
    static JsonNode get(List<String> pairs) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(
                URI.create(sim.baseUrl() + VoipResellerSim.PATH + "?" + encode(pairs))).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), "every answer is 200, the status word tells: " + r.body());
        return JSON.readTree(r.body());
    }

    static JsonNode call(String method, String... nameValues) throws Exception {
        return get(withCredentials(method, nameValues));
    }

    @Test
    void credentialsAreCheckedBeforeTheMethod() throws Exception {
        // no credentials at all, then the right user with a wrong password
        assertEquals("missing_credentials", get(List.of("method", "getPackages")).path("status").asText());
        JsonNode wrong = get(List.of("api_username", VoipResellerSim.DEFAULT_USERNAME, "api_password", "nope",
                "method", "getPackages"));
        assertEquals("invalid_credentials", wrong.path("status").asText());
        assertTrue(sim.context().calls().stream().filter(RecordedCall::authFailed).count() >= 2);
        // right credentials, no or an unknown method
        assertEquals("missing_method", get(withCredentials("")).path("status").asText());
        assertEquals("invalid_method", call("getCountriesAndMore").path("status").asText());
    }

    @Test
    void theSeedsExamplesAreServed() throws Exception {
        JsonNode client = call("getClients", "client", JOHN).path("clients").get(0);
        assertEquals("john.doe@my-domain.com", client.path("email").asText());
        assertEquals(VoipResellerSim.SEEDED_CLIENT_PASSWORD, client.path("password").asText(),
                "the API hands out the password in plain text");
        JsonNode byEmail = call("getClients", "client", "john.doe@my-domain.com");
        assertEquals(JOHN, byEmail.path("clients").get(0).path("client").asText());
        assertEquals("no_client", call("getClients", "client", "nobody@example.org").path("status").asText());

        // printed with keys 0, 1, 3: json_encode makes that an object
        JsonNode charges = call("getCharges", "client", JOHN).path("charges");
        assertTrue(charges.isObject(), charges.toString());
        assertEquals("467988", charges.path("3").path("id").asText());
        JsonNode deposits = call("getDeposits", "client", JOHN).path("deposits");
        assertTrue(deposits.isArray(), deposits.toString());
        assertEquals(2, deposits.size());

        assertEquals("130", call("getClientThreshold", "client", JOHN).path("threshold_information").path("threshold").asText());
        assertEquals("8378", call("getClientPackages", "client", JOHN).path("packages").get(0).path("value").asText());
        assertEquals("2.00", call("getPackages", "package", "8378").path("packages").get(0).path("monthly_fee").asText());
        assertEquals("invalid_package", call("getPackages", "package", "1").path("status").asText());
        assertEquals("Hard - suspend the client", call("getBalanceManagement", "balance_management", "1")
                .path("balance_management").get(0).path("description").asText());
        assertEquals("8.0588", call("getResellerBalance", "client", JOHN).path("balance").path("current_balance").asText());
    }

    @Test
    void chargesAndPaymentsMoveTheBalance() throws Exception {
        assertEquals("success", call("addCharge", "client", JOHN, "charge", "1.25", "description", "minutes").path("status").asText());
        assertEquals("success", call("addPayment", "client", JOHN, "payment", "10.00").path("status").asText());
        // a test charge is checked and not applied
        assertEquals("success", call("addCharge", "client", JOHN, "charge", "3.00", "test", "1").path("status").asText());
        // 8.0588 - 1.25 + 10.00; amounts travel as strings
        assertEquals(new BigDecimal("16.8088"),
                new BigDecimal(call("getResellerBalance", "client", JOHN).path("balance").path("current_balance").asText()));
        // appended after key 3 as PHP's $a[] does
        assertEquals("1.25", call("getCharges", "client", JOHN).path("charges").path("4").path("amount").asText());
        assertEquals(3, call("getDeposits", "client", JOHN).path("deposits").size());
        assertEquals(1, sim.context().sideEffects().stream().filter(e -> e.kind().equals("charge")).count());
        assertEquals(1, sim.context().sideEffects().stream().filter(e -> e.kind().equals("payment")).count());
    }

    @Test
    void eachFunctionsErrorWords() throws Exception {
        assertEquals("missing_client", call("addCharge", "charge", "1.00").path("status").asText());
        assertEquals("invalid_client", call("addCharge", "client", "999", "charge", "1.00").path("status").asText());
        assertEquals("missing_charge", call("addCharge", "client", JOHN).path("status").asText());
        assertEquals("invalid_charge", call("addCharge", "client", JOHN, "charge", "-1").path("status").asText());
        assertEquals("invalid_charge", call("addCharge", "client", JOHN, "charge", "1.001").path("status").asText());
        assertEquals("missing_payment", call("addPayment", "client", JOHN).path("status").asText());
        assertEquals("invalid_payment", call("addPayment", "client", JOHN, "payment", "lots").path("status").asText());
        assertEquals("Invalid_threshold", call("setClientThreshold", "client", JOHN, "threshold", "251").path("status").asText());
        assertEquals("missing_params", call("setClient", "client", JOHN, "email", "a@example.org").path("status").asText());
        assertEquals(0, sim.context().sideEffects().size(), "refused calls change nothing");
    }

    @Test
    void signupCreatesAClientAndRefusesBadForms() throws Exception {
        List<String> form = List.of("firstname", "Ann", "lastname", "Lee", "address", "1 Main St", "city", "Springfield",
                "state", "OR", "country", "UNITED STATES", "zip", "97477", "phone_number", "5550001111");
        assertEquals("mismatch_email_confirm", signup(form, "ann@example.org", "b@example.org", "Secret-123", "Secret-123"));
        assertEquals("mismatch_password_confirm", signup(form, "ann@example.org", "ann@example.org", "Secret-123", "Secret-124"));
        assertEquals("weak_password", signup(form, "ann@example.org", "ann@example.org", "short", "short"));
        assertEquals("invalid_email", signup(form, "ann", "ann", "Secret-123", "Secret-123"));
        assertEquals("used_email", signup(form, "john.doe@my-domain.com", "john.doe@my-domain.com", "Secret-123", "Secret-123"));
        assertEquals("success", signup(form, "ann@example.org", "ann@example.org", "Secret-123", "Secret-123"));
        JsonNode ann = call("getClients", "client", "ann@example.org").path("clients").get(0);
        assertEquals("Ann", ann.path("firstname").asText());
        assertEquals("0.0000", call("getResellerBalance", "client", ann.path("client").asText()).path("balance")
                .path("current_balance").asText());
        // setClient replaces the record; the threshold can be set in the documented range
        List<String> update = withCredentials("setClient", "client", ann.path("client").asText(), "email", "ann@example.org",
                "password", "Secret-456", "firstname", "Anne", "lastname", "Lee", "phone_number", "5550001111");
        assertEquals("success", get(update).path("status").asText());
        assertEquals("Anne", sim.api(VoipResellerSim.class).client(ann.path("client").asInt()).get("firstname"));
        assertEquals("success", call("setClientThreshold", "client", ann.path("client").asText(), "threshold", "250").path("status").asText());
    }

    @Test
    void postFormsReachTheSameFunctions() throws Exception {
        HttpResponse<String> r = postForm(VoipResellerSim.PATH, withCredentials("getResellerBalance", "client", JOHN));
        assertEquals("8.0588", JSON.readTree(r.body()).path("balance").path("current_balance").asText());
    }

    String signup(List<String> form, String email, String confirmEmail, String password, String confirmPassword)
            throws Exception {
        List<String> pairs = withCredentials("signupClient");
        pairs.addAll(form);
        pairs.addAll(List.of("email", email, "confirm_email", confirmEmail, "password", password,
                "confirm_password", confirmPassword));
        JsonNode answer = get(pairs);
        if ("success".equals(answer.path("status").asText())) {
            assertTrue(answer.path("client").asInt() > VoipResellerSim.SEEDED_CLIENT, answer.toString());
        }
        return answer.path("status").asText();
    }
}
