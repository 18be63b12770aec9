package io.whmcsbridge.billing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.whmcsbridge.model.Json;
import io.whmcsbridge.runtime.testing.BridgeTestClient;
import io.whmcsbridge.runtime.testing.SimulatorTestResource;
import io.whmcsbridge.simulator.WhmcsSimulator;
import io.whmcsbridge.simulator.billing.BillingSim;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

import java.time.Duration;

import static io.whmcsbridge.runtime.testing.BridgeTestClient.command;
import static io.whmcsbridge.runtime.testing.BridgeTestClient.newId;
import static io.whmcsbridge.runtime.testing.BridgeTestClient.params;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the billing ITs share: a client on the real broker, the simulator back at its seed state before each test. */
abstract class BillingItSupport {
    static final Duration WAIT = Duration.ofSeconds(30);
    static final String KEY = "client-12345";
    static BridgeTestClient client;

    final WhmcsSimulator sim = SimulatorTestResource.simulator();

    @BeforeAll
    static void connect() {
        client = new BridgeTestClient("billing");
    }

    @AfterAll
    static void disconnect() {
        client.close();
    }

    @BeforeEach
    void seedState() {
        sim.context().clearFaults();
        sim.api(BillingSim.class).reset();
    }

    BillingSim billing() {
        return sim.api(BillingSim.class);
    }

    /** Sends one command and returns its result's data. */
    static JsonNode run(String type, ObjectNode params, String instance) {
        String id = newId();
        client.send(KEY, command(id, type, params, instance));
        return client.awaitResult(id, WAIT).data();
    }

    static JsonNode run(String type, ObjectNode params) {
        return run(type, params, null);
    }

    /** {@code {"<name>": {...}}}: sent as {@code name[key]=value}. */
    static ObjectNode nested(String name, Object... nameValues) {
        ObjectNode p = Json.MAPPER.createObjectNode();
        p.set(name, params(nameValues));
        return p;
    }

    /** {@code {"invoices": [...]}}: sent as {@code invoices[]} repeated. */
    static ObjectNode invoices(int... ids) {
        ObjectNode p = Json.MAPPER.createObjectNode();
        var list = p.putArray("invoices");
        for (int id : ids) {
            list.add(id);
        }
        return p;
    }

    long effects(String kind) {
        return sim.context().sideEffects().stream().filter(e -> e.kind().equals(kind)).count();
    }

    /** Requests the simulator received for one action ({@code core:<Action>} for the core API). */
    long calls(String action) {
        return sim.calls(BillingSim.NAME).stream().filter(c -> action.equals(c.action())).count();
    }

    static void assertStatus(String status, JsonNode result) {
        assertEquals(status, result.path("status").asText(), result.toString());
    }

    /** REJECTED, and the message names the field. */
    static void assertRejected(JsonNode result, String field) {
        assertStatus("REJECTED", result);
        assertEquals("VALIDATION", result.path("error").path("code").asText(), result.toString());
        assertTrue(result.path("error").path("message").asText().contains(field + ": "), result.toString());
    }
}
