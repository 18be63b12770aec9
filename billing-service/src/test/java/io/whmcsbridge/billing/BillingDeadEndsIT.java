package io.whmcsbridge.billing;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.whmcsbridge.model.CloudEvent;
import io.whmcsbridge.model.CloudEventCodec;
import io.whmcsbridge.model.EventTypes;
import io.whmcsbridge.model.Json;
import io.whmcsbridge.runtime.testing.ServiceTestResource;
import io.whmcsbridge.simulator.billing.BillingSim;
import io.whmcsbridge.simulator.core.SimContext.Canned;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static io.whmcsbridge.runtime.testing.BridgeTestClient.command;
import static io.whmcsbridge.runtime.testing.BridgeTestClient.header;
import static io.whmcsbridge.runtime.testing.BridgeTestClient.params;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hostile emitter and the hostile upstream: no single record or answer can stall, crash, steer or leak the
 * bridge. Each case ends its command (REJECTED, a stored outcome, or the DLQ with the reason) and is followed by a
 * good command on the same key, which must finish.
 * <p>
 * The database refusals a command could cause are closed at the decoder and the validator, so the database is made
 * to refuse here by a trigger on {@code command_log}, chosen by the command id's prefix
 * ({@link BillingItSupport#refuseInDatabase()}). One refusal is the database's own: a number in an answer that jsonb
 * cannot hold (22003).
 */
@QuarkusTest
@Order(3)
@QuarkusTestResource(value = ServiceTestResource.class, initArgs = @ResourceArg(name = "family", value = "billing"))
class BillingDeadEndsIT extends BillingItSupport {
    @BeforeEach
    void installRefusals() throws Exception {
        refuseInDatabase();
    }

    @AfterEach
    void removeRefusals() throws Exception {
        stopRefusing();
    }

    /**
     * Before: the database refused the row and the pipeline tried again every store-retry-delay for ever; the command
     * never got a result and its partition's offset never moved. Now: REJECTED with the reason, nothing sent, the row
     * stored without its parameters; the next command of the key finishes.
     */
    @Test
    void aCommandTheDatabaseRefusesBeforeItsCallIsRejectedAndNeverSent() throws Exception {
        long before = calls("create_addfunds");
        String id = "refuse-params-" + UUID.randomUUID();
        JsonNode rejected = send(id, "whmcs.billing.create_addfunds", params("amount", "25.00", "description", "top up"));
        assertStatus("REJECTED", rejected);
        assertEquals("STORE_REFUSED", rejected.path("error").path("code").asText(), rejected.toString());
        assertTrue(rejected.path("error").path("message").asText().contains("SQLState 22023: ERROR: parameters refused"),
                rejected.toString());
        assertEquals(before, calls("create_addfunds"), "0 API calls");
        assertEquals("REJECTED", row(id, "status"));
        assertNull(row(id, "params"), "stored without the parameters it refused");
        assertGoodCommandFinishes();
    }

    /** An idempotent call already answered: its answer is kept; only the parameters are left out of the log. */
    @Test
    void anAnswerIsKeptWhenTheDatabaseRefusesTheParameters() throws Exception {
        long before = calls("get_invoice");
        String id = "refuse-params-" + UUID.randomUUID();
        JsonNode ok = send(id, "whmcs.billing.get_invoice", params("invoice_id", 1001));
        assertStatus("SUCCEEDED", ok);
        assertEquals("25.00", ok.path("response").path("total").asText(), ok.toString());
        assertEquals(before + 1, calls("get_invoice"));
        assertEquals("SUCCEEDED", row(id, "status"));
        assertNull(row(id, "params"));
    }

    /**
     * The database's own refusal: an answer with a number jsonb cannot hold ("value overflows numeric format"). The
     * outcome is stored without the response; status and attempts stay. Before: tried again for ever, no result.
     */
    @Test
    void anAnswerTheDatabaseCannotHoldIsStoredWithoutItsResponse() {
        sim.context().answerNext(BillingSim.NAME, Canned.json("{\"result\":\"success\",\"message\":1e1000000}"));
        JsonNode stored = run("whmcs.billing.getcredits", params());
        assertStatus("SUCCEEDED", stored);
        assertTrue(stored.path("response").path("omitted").asText().contains("SQLState 22003"), stored.toString());
        assertEquals(1, stored.path("attempts").asInt());
        assertGoodCommandFinishes();
    }

    /**
     * The outcome cannot be stored at all. Without a call (the in-flight mark is refused): the DLQ with the reason.
     * After the call: the DLQ with the reason and the API's answer in a header, and the log says so; the call is not
     * sent again. Both records are acknowledged: the next command of the key finishes.
     */
    @Test
    void anOutcomeThatCannotBeStoredGoesToTheDlqWithTheReasonAndTheAnswer() throws Exception {
        long before = calls("create_addfunds");
        String never = "refuse-all-" + UUID.randomUUID();
        client.send(KEY, command(never, "whmcs.billing.create_addfunds", params("amount", "25.00"), null));
        ConsumerRecord<String, byte[]> dead = dlq(never);
        assertTrue(header(dead, "dead-letter-reason").contains("ended REJECTED, but its outcome could not be stored: "
                + "the database refused its outcome: SQLState 23514"), header(dead, "dead-letter-reason"));
        assertNull(header(dead, "dead-letter-outcome"), "no API answer to carry");
        assertEquals(before, calls("create_addfunds"), "not sent");

        String answered = "refuse-outcome-" + UUID.randomUUID();
        client.send(KEY, command(answered, "whmcs.billing.create_addfunds", params("amount", "25.00"), null));
        ConsumerRecord<String, byte[]> lost = dlq(answered);
        assertTrue(header(lost, "dead-letter-reason").contains("was sent and answered SUCCEEDED, but its outcome could "
                + "not be stored"), header(lost, "dead-letter-reason"));
        CloudEvent outcome = CloudEventCodec.readStructuredUnchecked(header(lost, "dead-letter-outcome"));
        assertEquals(answered, outcome.subject());
        assertEquals("SUCCEEDED", outcome.data().path("status").asText());
        assertTrue(outcome.data().path("response").path("invoice").has("id"), "the API's answer: " + outcome.data());
        assertEquals(answered, CloudEventCodec.readStructuredUnchecked(new String(lost.value(), StandardCharsets.UTF_8)).id(),
                "the DLQ record is the command as sent");
        assertEquals(before + 1, calls("create_addfunds"), "sent once");
        assertTrue(client.results(answered).isEmpty());
        assertTrue(logContains("command " + answered + ": the API's answer (SUCCEEDED) was received but could not be "
                + "stored"), "the log says so");
        assertGoodCommandFinishes();
        assertEquals(before + 1, calls("create_addfunds"), "not sent again");
    }

    /** Database work that keeps failing (serialization failures) is tried a bounded number of times, then the DLQ. */
    @Test
    void databaseWorkThatKeepsFailingGoesToTheDlqAfterTheBound() throws Exception {
        String id = "busy-" + UUID.randomUUID();
        client.send(KEY, command(id, "whmcs.billing.getcredits", params(), null));
        ConsumerRecord<String, byte[]> dead = dlq(id);
        String reason = header(dead, "dead-letter-reason");
        assertTrue(reason.matches(".*recording the outcome failed \\d+ times: SQLState 40001.*"), reason);
        assertEquals("SUCCEEDED", Json.MAPPER.readTree(header(dead, "dead-letter-outcome")).path("data").path("status")
                .asText(), "the answer travels with it");
        assertGoodCommandFinishes();
    }

    /**
     * An answer that never ends, against a cap of 12 KiB: reading stops at the cap and the connection is dropped (it
     * is not read to its end, which never comes); FAILED TOO_LARGE, not asked again, and quickly. Before, the whole
     * answer was read into memory first.
     */
    @Test
    void anAnswerPastTheCapIsDroppedWhileItStreamsIn() {
        long before = calls("getcredits");
        sim.context().answerNext(BillingSim.NAME, new Canned(200, "application/json", "x".repeat(65_536), Long.MAX_VALUE));
        long start = System.nanoTime();
        JsonNode big = run("whmcs.billing.getcredits", params());
        assertStatus("FAILED", big);
        assertEquals("TOO_LARGE", big.path("error").path("code").asText(), big.toString());
        assertTrue(big.path("error").path("message").asText().contains("max-answer-bytes"), big.toString());
        assertTrue(System.nanoTime() - start < 15_000_000_000L, "not read to its end");
        assertEquals(before + 1, calls("getcredits"), "not asked again");
        assertGoodCommandFinishes();
    }

    /**
     * A result larger than the results producer's max.request.size (instance "paged" keeps the default 8 MiB cap, so
     * a 2 MB answer is read): stored and published with the response replaced by a marker with its size. Before: the
     * result was stored whole, Kafka refused it for ever and the command never got a result.
     */
    @Test
    void aResultTooLargeForKafkaIsCutAndPublished() {
        sim.context().answerNext(BillingSim.NAME, Canned.json("{\"result\":\"success\",\"message\":\"" + "A".repeat(2_000_000)
                + "\"}"));
        JsonNode cut = run("whmcs.billing.getcredits", params(), "paged");
        assertStatus("SUCCEEDED", cut);
        assertTrue(cut.path("response").path("omitted").asText().contains("does not fit in a result event"), cut.toString());
        assertTrue(cut.path("response").path("bytes").asLong() > 2_000_000, cut.toString());
        assertGoodCommandFinishes();
    }

    /**
     * An XML answer nested 100,000 deep to a create: read as a stream and given up at the depth bound, so the command
     * ends UNKNOWN (malformed: the API had the request) instead of a StackOverflowError leaving it unfinished.
     */
    @Test
    void aDeeplyNestedXmlAnswerEndsTheCommand() {
        sim.context().answerNext(BillingSim.NAME, new Canned(200, "application/xml",
                "<a>".repeat(100_000) + "</a>".repeat(100_000), 1));
        JsonNode result = run("whmcs.billing.create_addfunds", params("amount", "25.00"), "paged");
        assertStatus("UNKNOWN", result);
        assertEquals("MALFORMED_RESPONSE", result.path("error").path("code").asText(), result.toString());
        assertGoodCommandFinishes();
    }

    /**
     * Outbox: a row Kafka refuses (a record too large) among unpublished rows. Before: every sweep sent the batch,
     * failed on that row and rolled back, so the rows after it were never marked and were sent again at every sweep.
     * Now: the bad row is set aside with the reason, the good one is published and marked.
     */
    @Test
    void anOutboxRowKafkaRefusesIsSetAsideAndTheOthersAreMarked() throws Exception {
        String bad = "outbox-bad-" + UUID.randomUUID();
        String good = "outbox-good-" + UUID.randomUUID();
        UUID badRow = insertOutbox(bad, "A".repeat(1_500_000));
        UUID goodRow = insertOutbox(good, "ok");
        client.awaitResult(good, WAIT);
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (outbox(goodRow, "published_at") == null && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertNotNull(outbox(goodRow, "published_at"), "the good row is marked published");
        assertNotNull(outbox(badRow, "published_at"), "the bad row is set aside");
        assertTrue(String.valueOf(outbox(badRow, "publish_error")).contains("RecordTooLargeException"),
                String.valueOf(outbox(badRow, "publish_error")));
        assertNull(outbox(goodRow, "publish_error"));
        assertTrue(client.results(bad).isEmpty());
        Thread.sleep(2_500); // two more sweeps
        assertEquals(1, client.results(good).size(), "published once, not at every sweep");
    }

    // ---- helpers ----

    private JsonNode send(String id, String type, com.fasterxml.jackson.databind.node.ObjectNode params) {
        client.send(KEY, command(id, type, params, null));
        return client.awaitResult(id, WAIT).data();
    }

    /** A good command on the same key after the bad one: it finishes (the key and the partition moved on). */
    private void assertGoodCommandFinishes() {
        assertStatus("SUCCEEDED", run("whmcs.billing.getcredits", params()));
    }

    private Object outbox(UUID id, String column) throws Exception {
        return select("outbox_event", "id", id, column);
    }

    /** An unpublished result row, old enough for the sweep. */
    private UUID insertOutbox(String commandId, String pad) throws Exception {
        UUID id = UUID.randomUUID();
        CloudEvent event = new CloudEvent(CloudEvent.SPEC_VERSION, UUID.randomUUID().toString(), "test",
                "whmcs.billing.getcredits.result", commandId, Instant.now(), CloudEvent.JSON,
                Json.MAPPER.createObjectNode().put("commandId", commandId).put("pad", pad), java.util.Map.of());
        try (Connection c = db.getConnection(); PreparedStatement insert = c.prepareStatement("INSERT INTO outbox_event "
                + "(id, aggregatetype, aggregateid, type, payload, command_id, created_at) VALUES (?, ?, ?, ?, ?::jsonb, ?, ?)")) {
            insert.setObject(1, id);
            insert.setString(2, EventTypes.resultsTopic("billing"));
            insert.setString(3, KEY);
            insert.setString(4, event.type());
            insert.setString(5, new String(CloudEventCodec.writeStructured(event), StandardCharsets.UTF_8));
            insert.setString(6, commandId);
            insert.setTimestamp(7, Timestamp.from(Instant.now().minusSeconds(60)));
            insert.executeUpdate();
        }
        return id;
    }

    /** Whether the service's log file (where the test run puts it) has the text. */
    private static boolean logContains(String text) throws Exception {
        for (String file : List.of("target/quarkus.log", "target/quarkus-test.log")) {
            Path log = Path.of(file);
            if (Files.exists(log) && Files.readString(log).contains(text)) {
                return true;
            }
        }
        return false;
    }
}
