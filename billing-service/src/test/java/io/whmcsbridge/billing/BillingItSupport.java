package io.whmcsbridge.billing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agroal.api.AgroalDataSource;
import io.whmcsbridge.model.Json;
import io.whmcsbridge.runtime.testing.BridgeTestClient;
import io.whmcsbridge.runtime.testing.SimulatorTestResource;
import io.whmcsbridge.simulator.WhmcsSimulator;
import io.whmcsbridge.simulator.billing.BillingSim;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

import static io.whmcsbridge.runtime.testing.BridgeTestClient.command;
import static io.whmcsbridge.runtime.testing.BridgeTestClient.newId;
import static io.whmcsbridge.runtime.testing.BridgeTestClient.params;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the billing ITs share: a client on the real broker, the simulator back at its seed state before each test. */
abstract class BillingItSupport {
    static final Duration WAIT = Duration.ofSeconds(30);
    static final Duration DLQ_WAIT = Duration.ofSeconds(60);
    static final String KEY = "client-12345";
    static BridgeTestClient client;

    final WhmcsSimulator sim = SimulatorTestResource.simulator();

    @Inject
    AgroalDataSource db;

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

    /**
     * Makes the database refuse rows of {@code command_log} by the command id's prefix, with a trigger:
     * {@code refuse-params-} (a row with parameters: SQLState 22023), {@code refuse-outcome-} (a terminal row: 23514,
     * the in-flight mark passes), {@code refuse-all-} (any row: 23514), {@code busy-} (any row: 40001, which is tried
     * again until the bound of tries). {@link #stopRefusing()} is the fix.
     */
    void refuseInDatabase() throws Exception {
        sql("""
                CREATE OR REPLACE FUNCTION dead_ends_refuse() RETURNS trigger AS $$
                BEGIN
                  IF NEW.command_id LIKE 'refuse-params-%' AND NEW.params IS NOT NULL THEN
                    RAISE EXCEPTION 'parameters refused' USING ERRCODE = '22023';
                  END IF;
                  IF NEW.command_id LIKE 'refuse-outcome-%' AND NEW.status NOT IN ('IN_FLIGHT', 'RECEIVED') THEN
                    RAISE EXCEPTION 'outcome refused' USING ERRCODE = '23514';
                  END IF;
                  IF NEW.command_id LIKE 'refuse-all-%' THEN
                    RAISE EXCEPTION 'row refused' USING ERRCODE = '23514';
                  END IF;
                  IF NEW.command_id LIKE 'busy-%' THEN
                    RAISE EXCEPTION 'could not serialize access' USING ERRCODE = '40001';
                  END IF;
                  RETURN NEW;
                END $$ LANGUAGE plpgsql""");
        sql("DROP TRIGGER IF EXISTS dead_ends ON command_log");
        sql("CREATE TRIGGER dead_ends BEFORE INSERT OR UPDATE ON command_log FOR EACH ROW EXECUTE FUNCTION dead_ends_refuse()");
    }

    void stopRefusing() throws Exception {
        sql("DROP TRIGGER IF EXISTS dead_ends ON command_log");
    }

    void sql(String statement) throws Exception {
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }

    /** The one DLQ record that holds the command. */
    static ConsumerRecord<String, byte[]> dlq(String commandId) {
        List<ConsumerRecord<String, byte[]>> records = client.awaitDlq(v -> v.contains(commandId), 1, DLQ_WAIT);
        assertEquals(1, records.size(), "one DLQ record");
        return records.get(0);
    }

    String row(String commandId, String column) throws Exception {
        Object value = select("command_log", "command_id", commandId, column);
        return value == null ? null : value.toString();
    }

    /** One column of the row whose key column has the value (the row must exist). */
    Object select(String table, String keyColumn, Object key, String column) throws Exception {
        try (Connection c = db.getConnection(); PreparedStatement q = c.prepareStatement(
                "SELECT " + column + " FROM " + table + " WHERE " + keyColumn + " = ?")) {
            q.setObject(1, key);
            try (ResultSet rs = q.executeQuery()) {
                assertTrue(rs.next(), "a row of " + table + " for " + key);
                return rs.getObject(1);
            }
        }
    }
}
