package io.whmcsbridge.billing;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.whmcsbridge.model.CloudEvent;
import io.whmcsbridge.model.CloudEventCodec;
import io.whmcsbridge.model.EventTypes;
import io.whmcsbridge.model.Json;
import io.whmcsbridge.runtime.testing.ServiceTestResource;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static io.whmcsbridge.runtime.testing.BridgeTestClient.command;
import static io.whmcsbridge.runtime.testing.BridgeTestClient.header;
import static io.whmcsbridge.runtime.testing.BridgeTestClient.params;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dead-letter topic as an operator works with it, over the admin API: commands dead-lettered because the database
 * kept failing (the trigger of {@link BillingItSupport#refuseInDatabase()}), listed with their reasons and redacted,
 * the database fixed, re-driven to SUCCEEDED; a command the API had answered gets that answer without a second call;
 * each re-drive is recorded and a second one changes nothing; a dry run publishes and records nothing; a key without
 * the admin scope gets 403.
 */
@QuarkusTest
@Order(4)
@QuarkusTestResource(value = ServiceTestResource.class, initArgs = @ResourceArg(name = "family", value = "billing"))
class BillingDlqIT extends BillingItSupport {
    static final String ADMIN_KEY = "billing-it-admin-5c2d";
    static final String ADMIN_NAME = "it-billing-admin";
    static final String PASS = "dlq-Secret-Pass-77";
    static final String JUNK_SECRET = "dlq-junk-secret-55";

    @AfterEach
    void fixed() throws Exception {
        stopRefusing();
    }

    static RequestSpecification as(String key) {
        return given().header("Authorization", "Bearer " + key);
    }

    @Test
    void aDeadLetterIsListedFixedAndRedrivenToSucceededOnce() throws Exception {
        refuseInDatabase();
        long resets = calls("reset_password");
        long invoices = calls("get_invoice");
        // not idempotent, with secrets of its own: its in-flight mark keeps failing, so it is never sent
        String reset = "busy-dlq-reset-" + UUID.randomUUID();
        RecordHeaders headers = new RecordHeaders();
        headers.add("content-type", CloudEvent.STRUCTURED_CONTENT_TYPE.getBytes(StandardCharsets.UTF_8));
        headers.add("x-emitter", "billing-workflow".getBytes(StandardCharsets.UTF_8));
        client.sendRaw(KEY, CloudEventCodec.writeStructured(command(reset, "whmcs.billing.reset_password",
                params("pass", PASS, "code", "424242"), null)), headers);
        // idempotent: called and answered, but its outcome cannot be stored
        String invoice = "busy-dlq-invoice-" + UUID.randomUUID();
        client.send(KEY, command(invoice, "whmcs.billing.get_invoice", params("invoice_id", 1001), null));
        // not a command at all
        client.sendRaw(KEY, ("{\"id\": \"junk\", \"password\": \"" + JUNK_SECRET + "\"").getBytes(StandardCharsets.UTF_8),
                new RecordHeaders());
        ConsumerRecord<String, byte[]> deadReset = dlq(reset);
        ConsumerRecord<String, byte[]> deadInvoice = dlq(invoice);
        ConsumerRecord<String, byte[]> deadJunk = client.awaitDlq(v -> v.contains(JUNK_SECRET), 1, DLQ_WAIT).get(0);
        assertEquals(resets, calls("reset_password"), "the reset was not sent");
        assertEquals(invoices + 1, calls("get_invoice"), "the invoice was asked for once");

        // listed, with reasons, counts by reason and what a re-drive would do; no secret shown
        JsonNode listing = ok(as(ADMIN_KEY).get("/admin/dlq?limit=500"));
        assertEquals(EventTypes.dlqTopic("billing"), listing.path("topic").asText());
        JsonNode shownReset = find(listing, position(deadReset));
        assertEquals(reset, shownReset.path("commandId").asText());
        assertEquals("not-sent", shownReset.path("reason").asText(), shownReset.toString());
        assertTrue(shownReset.path("reasonText").asText().contains("was not sent: marking the call in flight failed"),
                shownReset.toString());
        assertEquals("REPUBLISH", shownReset.path("onRedrive").asText());
        assertTrue(shownReset.path("origin").asText().startsWith(EventTypes.commandsTopic("billing") + "/"));
        assertTrue(shownReset.path("params").asText().contains("\"pass\":\"[REDACTED]\""), shownReset.toString());
        assertTrue(shownReset.path("params").asText().contains("\"code\":\"[REDACTED]\""), shownReset.toString());
        JsonNode shownInvoice = find(listing, position(deadInvoice));
        assertEquals("answered-not-stored", shownInvoice.path("reason").asText(), shownInvoice.toString());
        assertEquals("SUCCEEDED", shownInvoice.path("outcome").asText());
        assertEquals("STORE_OUTCOME", shownInvoice.path("onRedrive").asText());
        JsonNode shownJunk = find(listing, position(deadJunk));
        assertEquals("unreadable", shownJunk.path("reason").asText(), shownJunk.toString());
        assertEquals("SKIP", shownJunk.path("onRedrive").asText());
        assertEquals(deadJunk.value().length, shownJunk.path("valueBytes").asInt(), "its size, not its text");
        for (String reason : List.of("not-sent", "answered-not-stored", "unreadable")) {
            assertTrue(listing.path("byReason").path(reason).asInt() >= 1, listing.path("byReason").toString());
        }
        String all = listing.toString();
        assertFalse(all.contains(PASS) || all.contains("424242") || all.contains(JUNK_SECRET), "no secret is shown");
        JsonNode notSent = ok(as(ADMIN_KEY).get("/admin/dlq?reason=not-sent&limit=500"));
        notSent.path("records").forEach(r -> assertEquals("not-sent", r.path("reason").asText()));
        assertNotNull(find(notSent, position(deadReset)));
        assertEquals(400, as(ADMIN_KEY).get("/admin/dlq?reason=nonsense").statusCode());

        // without the admin scope: nothing listed, nothing done
        String both = body(Map.of("ids", List.of(reset, invoice)));
        assertEquals(403, as(BillingSecretsIT.INGRESS_KEY).get("/admin/dlq").statusCode());
        assertEquals(403, as(BillingSecretsIT.INGRESS_KEY).contentType(ContentType.JSON).body(both)
                .post("/admin/dlq/redrive").statusCode());
        assertEquals(401, given().get("/admin/dlq").statusCode());

        // a dry run says what would happen and does nothing
        long commandsEnd = commandsEnd();
        JsonNode dry = ok(as(ADMIN_KEY).contentType(ContentType.JSON).body(body(Map.of("ids",
                List.of(reset, invoice, position(deadJunk)), "dryRun", true))).post("/admin/dlq/redrive"));
        assertEquals(3, dry.path("matched").asInt(), dry.toString());
        assertEquals(0, dry.path("redriven").asInt());
        assertEquals("WOULD_REPUBLISH", step(dry, reset).path("action").asText());
        assertEquals("WOULD_STORE_OUTCOME", step(dry, invoice).path("action").asText());
        assertEquals("SKIPPED", stepAt(dry, position(deadJunk)).path("action").asText());
        assertEquals(commandsEnd, commandsEnd(), "nothing published");
        assertEquals(0, redrives(reset) + redrives(invoice), "nothing recorded");
        assertTrue(client.results(reset).isEmpty() && client.results(invoice).isEmpty());

        stopRefusing(); // the fix

        // re-driven by reason and id: published again as sent, runs, SUCCEEDED, sent once
        JsonNode first = ok(as(ADMIN_KEY).contentType(ContentType.JSON)
                .body(body(Map.of("reason", "not-sent", "ids", List.of(reset)))).post("/admin/dlq/redrive"));
        assertEquals(1, first.path("redriven").asInt(), first.toString());
        JsonNode republished = step(first, reset);
        assertEquals("REPUBLISHED", republished.path("action").asText(), first.toString());
        CloudEvent resetResult = client.awaitResult(reset, WAIT);
        assertStatus("SUCCEEDED", resetResult.data());
        assertEquals(resets + 1, calls("reset_password"));
        ConsumerRecord<String, byte[]> again = commandAt(republished.path("detail").asText()
                .replace("published again as ", ""));
        assertEquals(KEY, again.key(), "the same ordering key");
        assertEquals("billing-workflow", header(again, "x-emitter"), "the record's own headers kept");
        assertEquals(deadReset.topic() + "/" + deadReset.partition() + "/" + deadReset.offset(),
                header(again, "redriven-from"));
        assertEquals(ADMIN_NAME, header(again, "redriven-by"));
        again.headers().forEach(h -> assertFalse(h.key().startsWith("dead-letter-"), h.key()));
        assertEquals(1, redrives(reset));
        assertEquals(ADMIN_NAME + " not-sent REPUBLISHED " + deadReset.partition() + ":" + deadReset.offset(),
                redriveRow(reset));

        // the answered one, by its position: the API's answer stored, no second call
        JsonNode stored = ok(as(ADMIN_KEY).contentType(ContentType.JSON)
                .body(body(Map.of("ids", List.of(position(deadInvoice))))).post("/admin/dlq/redrive"));
        assertEquals("OUTCOME_STORED", step(stored, invoice).path("action").asText(), stored.toString());
        CloudEvent invoiceResult = client.awaitResult(invoice, WAIT);
        assertStatus("SUCCEEDED", invoiceResult.data());
        assertEquals("25.00", invoiceResult.data().path("response").path("total").asText(), invoiceResult.toString());
        assertEquals("SUCCEEDED", row(invoice, "status"));
        assertEquals(invoices + 1, calls("get_invoice"), "not asked again");

        // both again: recorded, their stored results published again with the same event ids, no call
        JsonNode second = ok(as(ADMIN_KEY).contentType(ContentType.JSON).body(both).post("/admin/dlq/redrive"));
        assertEquals(2, second.path("redriven").asInt(), second.toString());
        assertEquals("RESULT_PUBLISHED_AGAIN", step(second, invoice).path("action").asText(), second.toString());
        assertTrue(step(second, invoice).path("detail").asText().contains("had finished meanwhile (SUCCEEDED)"),
                second.toString());
        List<CloudEvent> resetResults = client.awaitResults(reset, 2, WAIT);
        List<CloudEvent> invoiceResults = client.awaitResults(invoice, 2, WAIT);
        assertEquals(resetResults.get(0).id(), resetResults.get(1).id());
        assertEquals(invoiceResults.get(0).id(), invoiceResults.get(1).id());
        assertEquals(resets + 1, calls("reset_password"), "the command log deduplicated the re-drive");
        assertEquals(invoices + 1, calls("get_invoice"));
        assertEquals(2, redrives(reset));
        assertEquals(2, redrives(invoice));
        JsonNode relisted = ok(as(ADMIN_KEY).get("/admin/dlq?limit=500"));
        assertEquals(2, find(relisted, position(deadReset)).path("redriven").path("times").asInt());
        assertEquals(ADMIN_NAME, find(relisted, position(deadReset)).path("redriven").path("by").asText());

        // by reason alone: what was re-driven before is left alone; what is not a command is never re-driven
        JsonNode byReason = ok(as(ADMIN_KEY).contentType(ContentType.JSON)
                .body(body(Map.of("reason", "not-sent", "dryRun", true))).post("/admin/dlq/redrive"));
        byReason.path("records").forEach(s -> assertFalse(reset.equals(s.path("commandId").asText()), s.toString()));
        JsonNode junk = ok(as(ADMIN_KEY).contentType(ContentType.JSON)
                .body(body(Map.of("ids", List.of(position(deadJunk))))).post("/admin/dlq/redrive"));
        assertEquals("SKIPPED", stepAt(junk, position(deadJunk)).path("action").asText(), junk.toString());
        assertEquals(0, junk.path("redriven").asInt());
        assertEquals(0, redrivesAt(deadJunk));
    }

    @Test
    void aRedriveMustChooseItsRecords() {
        Response none = as(ADMIN_KEY).contentType(ContentType.JSON).body("{\"dryRun\": true}").post("/admin/dlq/redrive");
        assertEquals(400, none.statusCode(), none.asString());
        assertTrue(none.asString().contains("not-sent"), "names the reasons: " + none.asString());
    }

    static JsonNode ok(Response r) throws Exception {
        assertEquals(200, r.statusCode(), r.asString());
        return Json.MAPPER.readTree(r.asString());
    }

    static String body(Map<String, ?> fields) throws Exception {
        return Json.MAPPER.writeValueAsString(fields);
    }

    static String position(ConsumerRecord<?, ?> r) {
        return r.partition() + ":" + r.offset();
    }

    /** The listed record at {@code partition:offset}. */
    static JsonNode find(JsonNode listing, String position) {
        for (JsonNode r : listing.path("records")) {
            if (position.equals(r.path("id").asText())) {
                return r;
            }
        }
        throw new AssertionError("no record " + position + " in " + listing);
    }

    static JsonNode step(JsonNode report, String commandId) {
        for (JsonNode s : report.path("records")) {
            if (commandId.equals(s.path("commandId").asText())) {
                return s;
            }
        }
        throw new AssertionError("no step for " + commandId + " in " + report);
    }

    static JsonNode stepAt(JsonNode report, String position) {
        for (JsonNode s : report.path("records")) {
            if (position.equals(s.path("id").asText())) {
                return s;
            }
        }
        throw new AssertionError("no step for " + position + " in " + report);
    }

    int redrives(String commandId) throws Exception {
        return count("SELECT count(*) FROM dlq_redrive WHERE command_id = ?", commandId);
    }

    int redrivesAt(ConsumerRecord<?, ?> dead) throws Exception {
        return count("SELECT count(*) FROM dlq_redrive WHERE dlq_topic = ? AND dlq_partition = " + dead.partition()
                + " AND dlq_offset = " + dead.offset(), dead.topic());
    }

    /** Who re-drove the command, why it was a dead letter, what was done, and which dead letter it was. */
    String redriveRow(String commandId) throws Exception {
        try (Connection c = db.getConnection(); PreparedStatement q = c.prepareStatement("SELECT redriven_by || ' ' || "
                + "reason || ' ' || action || ' ' || dlq_partition || ':' || dlq_offset FROM dlq_redrive WHERE command_id = ?")) {
            q.setString(1, commandId);
            try (ResultSet rs = q.executeQuery()) {
                assertTrue(rs.next());
                return rs.getString(1);
            }
        }
    }

    private int count(String sql, String arg) throws Exception {
        try (Connection c = db.getConnection(); PreparedStatement q = c.prepareStatement(sql)) {
            q.setString(1, arg);
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** Records on the commands topic so far (all partitions). */
    static long commandsEnd() {
        try (KafkaConsumer<String, byte[]> c = consumer()) {
            String topic = EventTypes.commandsTopic("billing");
            List<TopicPartition> parts = new ArrayList<>();
            c.partitionsFor(topic).forEach(p -> parts.add(new TopicPartition(topic, p.partition())));
            return c.endOffsets(parts).values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /** The record at {@code topic/partition/offset}. */
    static ConsumerRecord<String, byte[]> commandAt(String where) {
        String[] parts = where.split("/");
        TopicPartition p = new TopicPartition(parts[0], Integer.parseInt(parts[1]));
        long offset = Long.parseLong(parts[2]);
        try (KafkaConsumer<String, byte[]> c = consumer()) {
            c.assign(List.of(p));
            c.seek(p, offset);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (r.offset() == offset) {
                        return r;
                    }
                }
            }
        }
        throw new AssertionError("no record at " + where);
    }

    private static KafkaConsumer<String, byte[]> consumer() {
        return new KafkaConsumer<>(Map.of("bootstrap.servers",
                ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class), "enable.auto.commit", "false"),
                new StringDeserializer(), new ByteArrayDeserializer());
    }
}
