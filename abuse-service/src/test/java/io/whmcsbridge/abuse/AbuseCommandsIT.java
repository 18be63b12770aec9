package io.whmcsbridge.abuse;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.whmcsbridge.model.CloudEvent;
import io.whmcsbridge.model.CommandStatus;
import io.whmcsbridge.runtime.guard.InstanceGuard;
import io.whmcsbridge.runtime.guard.InstanceGuards;
import io.whmcsbridge.runtime.store.CommandLog;
import io.whmcsbridge.runtime.store.OutboxEvent;
import io.whmcsbridge.runtime.testing.BridgeTestClient;
import io.whmcsbridge.runtime.testing.InFlightRows;
import io.whmcsbridge.runtime.testing.ServiceTestResource;
import io.whmcsbridge.runtime.testing.SimulatorTestResource;
import io.whmcsbridge.simulator.WhmcsSimulator;
import io.whmcsbridge.simulator.abuse.AbuseManagerSim;
import io.whmcsbridge.simulator.core.Fault;
import io.whmcsbridge.simulator.core.RecordedCall;
import jakarta.inject.Inject;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static io.whmcsbridge.runtime.testing.BridgeTestClient.command;
import static io.whmcsbridge.runtime.testing.BridgeTestClient.newId;
import static io.whmcsbridge.runtime.testing.BridgeTestClient.params;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** abuse-service end to end: the real broker, the real database, the simulated Abuse Manager Pro. */
@QuarkusTest
@Order(1)
@QuarkusTestResource(value = ServiceTestResource.class, initArgs = @ResourceArg(name = "family", value = "abuse"))
class AbuseCommandsIT {
    static final Duration WAIT = Duration.ofSeconds(30);
    static final String CREATE = "whmcs.abuse.create";
    static BridgeTestClient client;

    @Inject
    InstanceGuards guards;

    WhmcsSimulator sim = SimulatorTestResource.simulator();

    @BeforeAll
    static void connect() {
        client = new BridgeTestClient("abuse");
    }

    @AfterAll
    static void disconnect() {
        client.close();
    }

    @BeforeEach
    void clearFaults() {
        sim.context().clearFaults();
    }

    List<AbuseManagerSim.AbuseReport> reportsFor(String marker) {
        return sim.api(AbuseManagerSim.class).reports().stream()
                .filter(r -> marker.equals(r.additionalInfo())).toList();
    }

    static CommandLog logRow(String id) {
        return QuarkusTransaction.requiringNew().call(() -> CommandLog.<CommandLog>findById(id));
    }

    static List<OutboxEvent> outboxRows(String id) {
        return QuarkusTransaction.requiringNew().call(() -> OutboxEvent.<OutboxEvent>list("commandId", id));
    }

    @Test
    void validCommandFilesOneReportAndPublishesOneSucceededResult() {
        String id = newId();
        client.send("service-17", command(id, CREATE, params("service_id", 17, "category", "Spam",
                "suspend_method", "immediate", "allow_unsuspend", true, "additional_info", id), null));

        CloudEvent result = client.awaitResult(id, WAIT);
        JsonNode data = result.data();
        assertEquals("whmcs.abuse.create.result", result.type());
        assertEquals("SUCCEEDED", data.path("status").asText());
        assertEquals("create", data.path("action").asText());
        List<AbuseManagerSim.AbuseReport> reports = reportsFor(id);
        assertEquals(1, reports.size(), "one report filed");
        assertEquals(reports.get(0).id(), data.path("response").path("report_id").asInt());
        assertEquals("immediate", reports.get(0).suspendMethod());
        assertTrue(reports.get(0).allowUnsuspend(), "allow_unsuspend=true reaches the API as PHP's 1");

        CommandLog row = logRow(id);
        assertEquals(CommandStatus.SUCCEEDED, row.status);
        assertEquals("create", row.action);
        assertEquals("service-17", row.orderingKey);
        assertNotNull(row.kafkaOffset);
        awaitPublished(id, 1);
    }

    @Test
    void binaryModeCommandIsAcceptedToo() {
        String id = newId();
        client.sendBinary("k-bin", command(id, CREATE, params("service_id", "4", "category", "High I/O",
                "additional_info", id), null));
        assertEquals("SUCCEEDED", client.awaitResult(id, WAIT).data().path("status").asText());
        assertEquals("(No Dedicated IP)", reportsFor(id).get(0).serviceIp(), "the API's documented default IP");
    }

    @Test
    void missingAndInvalidParametersAreRejectedWithoutCallingTheApi() {
        int callsBefore = sim.calls("abuse").size();
        String missing = newId();
        // input: no category, service_id not a number
        client.send("k-rej", command(missing, CREATE, params("service_id", "seventeen"), null));
        String badMethod = newId();
        // input: the vendor example's suspend_method 'suspend', which is not one of the documented values
        client.send("k-rej", command(badMethod, CREATE, params("service_id", 1, "category", "Spam",
                "suspend_method", "suspend"), null));
        String unknownType = newId();
        client.send("k-rej", command(unknownType, "whmcs.abuse.delete", params("service_id", 1), null));

        JsonNode r1 = client.awaitResult(missing, WAIT).data();
        assertEquals("REJECTED", r1.path("status").asText());
        assertEquals("VALIDATION", r1.path("error").path("code").asText());
        String m1 = r1.path("error").path("message").asText();
        assertTrue(m1.contains("category: is required"), m1);
        assertTrue(m1.contains("service_id: must be a whole number"), m1);

        JsonNode r2 = client.awaitResult(badMethod, WAIT).data();
        assertEquals("REJECTED", r2.path("status").asText());
        assertTrue(r2.path("error").path("message").asText().contains("suspend_method: must be one of nosuspend, immediate, timelimit"));

        JsonNode r3 = client.awaitResult(unknownType, WAIT).data();
        assertEquals("REJECTED", r3.path("status").asText());
        assertEquals("UNKNOWN_ACTION", r3.path("error").path("code").asText());

        assertEquals(callsBefore, sim.calls("abuse").size(), "no rejected command reached the API");
        assertEquals(CommandStatus.REJECTED, logRow(missing).status);
    }

    @Test
    void recordThatIsNotJsonGoesToTheDlqAndTheNextRecordIsProcessed() {
        String marker = "not-json-" + newId();
        client.sendRaw("k-dlq", ("this is not json " + marker).getBytes(StandardCharsets.UTF_8), new RecordHeaders());
        String notCloudEvent = "{\"hello\":\"" + marker + "\"}";
        client.sendRaw("k-dlq", notCloudEvent.getBytes(StandardCharsets.UTF_8), new RecordHeaders());
        String good = newId();
        client.send("k-dlq", command(good, CREATE, params("service_id", 3, "category", "Spam", "additional_info", good), null));

        assertEquals("SUCCEEDED", client.awaitResult(good, WAIT).data().path("status").asText(),
                "the record after the bad ones is processed");
        List<String> reasons = client.awaitDlq(v -> v.contains(marker), 2, WAIT).stream()
                .map(r -> BridgeTestClient.header(r, "dead-letter-reason")).toList();
        assertTrue(reasons.stream().anyMatch(r -> r != null && r.startsWith("not JSON")), reasons.toString());
        assertTrue(reasons.stream().anyMatch(r -> r != null && r.contains("specversion is missing")), reasons.toString());
    }

    @Test
    void wrongApiIdFailsWithAmp001AndStopsCallsToThatInstance() {
        InstanceGuard guard = guards.get("wrongkey");
        guard.reset();
        int callsBefore = sim.calls("abuse").size();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String id = newId();
            ids.add(id);
            client.send("k-auth-" + i, command(id, CREATE, params("service_id", 1, "category", "Spam"), "wrongkey"));
        }
        List<JsonNode> results = ids.stream().map(id -> client.awaitResult(id, WAIT).data()).toList();
        long amp001 = results.stream().filter(r -> r.path("error").path("code").asText().equals("AMP001")).count();
        long circuitOpen = results.stream().filter(r -> r.path("error").path("code").asText().equals("CIRCUIT_OPEN")).count();
        assertEquals(1, amp001, "exactly one call failed authentication: " + results);
        assertEquals(4, circuitOpen, "the others were never sent: " + results);
        results.forEach(r -> assertEquals("FAILED", r.path("status").asText()));
        assertEquals(InstanceGuard.Circuit.OPEN, guard.state().fleet());
        List<RecordedCall> authFailures = sim.calls("abuse").stream().skip(callsBefore).filter(RecordedCall::authFailed).toList();
        assertEquals(1, authFailures.size(), "one failed login reached the API");
        // the default instance is not affected
        String ok = newId();
        client.send("k-auth-ok", command(ok, CREATE, params("service_id", 1, "category", "Spam"), null));
        assertEquals("SUCCEEDED", client.awaitResult(ok, WAIT).data().path("status").asText());
    }

    @Test
    void sameCommandIdTwiceFilesOneReportAndPublishesTheSameResultAgain() {
        String id = newId();
        CloudEvent cmd = command(id, CREATE, params("service_id", 9, "category", "Spam", "additional_info", id), null);
        client.send("k-dup", cmd);
        CloudEvent first = client.awaitResult(id, WAIT);
        client.send("k-dup", cmd);
        List<CloudEvent> both = client.awaitResults(id, 2, WAIT);
        assertEquals(1, reportsFor(id).size(), "the second command was not sent to the API");
        assertEquals(first.id(), both.get(1).id(), "the same result event id");
        assertEquals(first.data().path("response"), both.get(1).data().path("response"));
        awaitPublished(id, 2);
    }

    @Test
    void commandLeftInFlightByACrashBecomesUnknownAndIsNotSentAgain() {
        String id = newId();
        // What a crashed process leaves: the IN_FLIGHT mark committed, the call gone out, no outcome recorded
        // (a row of before leases: no holder, no lease).
        inFlightElsewhere(id, null, null);
        client.send("k-crash", command(id, CREATE, params("service_id", 5, "category", "Spam", "additional_info", id), null));
        JsonNode data = client.awaitResult(id, WAIT).data();
        assertEquals("UNKNOWN", data.path("status").asText());
        assertEquals("INTERRUPTED", data.path("error").path("code").asText());
        assertEquals(0, reportsFor(id).size(), "not sent again");
    }

    /** What another replica leaves while its call is out: the row IN_FLIGHT under its lease ({@code null}: none). */
    static void inFlightElsewhere(String id, String holder, Duration lease) {
        InFlightRows.inFlightElsewhere(id, CREATE, "create", null, holder, lease);
    }

    @Test
    void commandInFlightAtAnotherLiveReplicaWaitsForThatReplicasOutcomeAndPublishesIt() throws Exception {
        String id = newId();
        inFlightElsewhere(id, "billing-7f9c-other", Duration.ofSeconds(30));
        client.send("k-moved", command(id, CREATE, params("service_id", 5, "category", "Spam", "additional_info", id), null));
        Thread.sleep(2000);
        assertEquals(List.of(), client.results(id), "no result while the holder's call is out");
        assertEquals(CommandStatus.IN_FLIGHT, logRow(id).status, "not declared UNKNOWN while the lease is live");
        // the holder gets its answer and records it (as Outcomes.complete would)
        String stored = "{\"specversion\":\"1.0\",\"id\":\"result-of-" + id + "\",\"source\":\"other-replica\","
                + "\"type\":\"whmcs.abuse.create.result\",\"subject\":\"" + id + "\",\"datacontenttype\":\"application/json\","
                + "\"data\":{\"commandId\":\"" + id + "\",\"action\":\"create\",\"status\":\"SUCCEEDED\","
                + "\"response\":{\"status\":\"success\",\"report_id\":4242},\"error\":null,\"attempts\":1}}";
        QuarkusTransaction.requiringNew().run(() -> {
            CommandLog row = CommandLog.findById(id);
            row.status = CommandStatus.SUCCEEDED;
            row.result = stored;
            row.resultEventId = "result-of-" + id;
            row.completedAt = Instant.now();
        });
        CloudEvent result = client.awaitResult(id, WAIT);
        assertEquals("result-of-" + id, result.id(), "the holder's result, under its event id");
        assertEquals("SUCCEEDED", result.data().path("status").asText());
        assertEquals(4242, result.data().path("response").path("report_id").asInt(), "the API's answer reaches the emitter");
        assertEquals(0, reportsFor(id).size(), "not sent by this replica");
    }

    @Test
    void commandWhoseHolderStoppedRenewingItsLeaseBecomesUnknownOnceTheLeaseExpires() {
        String id = newId();
        inFlightElsewhere(id, "billing-dead-replica", Duration.ofSeconds(3));
        long sent = System.nanoTime();
        client.send("k-dead-holder", command(id, CREATE, params("service_id", 5, "category", "Spam", "additional_info", id), null));
        JsonNode data = client.awaitResult(id, WAIT).data();
        double waited = (System.nanoTime() - sent) / 1e9;
        assertEquals("UNKNOWN", data.path("status").asText());
        assertEquals("INTERRUPTED", data.path("error").path("code").asText());
        assertTrue(waited >= 2.0, "declared only after the lease ran out, not at once: " + waited + " s");
        assertEquals(0, reportsFor(id).size(), "not sent again");
    }

    @Test
    void readTimeoutAfterTheReportWasFiledIsUnknownNotRetried() {
        String id = newId();
        sim.context().failNext("abuse", 1, Fault.Once.HANG_AFTER_EFFECT);
        client.send("k-timeout", command(id, CREATE, params("service_id", 6, "category", "Spam", "additional_info", id), null));
        JsonNode data = client.awaitResult(id, WAIT).data();
        assertEquals("UNKNOWN", data.path("status").asText(), data.toString());
        assertEquals("TIMEOUT", data.path("error").path("code").asText());
        assertEquals(1, data.path("attempts").asInt());
        assertEquals(1, reportsFor(id).size(), "the report was filed once, and the call not repeated");
    }

    @Test
    void droppedConnectionAfterTheCallLeftIsUnknown() {
        String id = newId();
        sim.context().failNext("abuse", 1, Fault.Once.DROP);
        client.send("k-drop", command(id, CREATE, params("service_id", 6, "category", "Spam", "additional_info", id), null));
        JsonNode data = client.awaitResult(id, WAIT).data();
        assertEquals("UNKNOWN", data.path("status").asText(), data.toString());
        assertEquals(0, reportsFor(id).size());
    }

    @Test
    void http503ForCreateIsFailedRetryableAndNotRetried() {
        String id = newId();
        sim.context().setFault("abuse", Fault.errors(1.0, 503));
        client.send("k-503", command(id, CREATE, params("service_id", 6, "category", "Spam", "additional_info", id), null));
        JsonNode data = client.awaitResult(id, WAIT).data();
        sim.context().clearFaults();
        assertEquals("FAILED", data.path("status").asText(), data.toString());
        assertEquals("HTTP_503", data.path("error").path("code").asText());
        assertTrue(data.path("error").path("retryable").asBoolean());
        assertEquals(1, data.path("attempts").asInt(), "a non-idempotent create is not retried");
        assertEquals(0, reportsFor(id).size());
    }

    @Test
    void malformedAnswerToCreateIsUnknown() {
        String id = newId();
        sim.context().failNext("abuse", 1, Fault.Once.MALFORMED);
        client.send("k-malformed", command(id, CREATE, params("service_id", 6, "category", "Spam", "additional_info", id), null));
        JsonNode data = client.awaitResult(id, WAIT).data();
        assertEquals("UNKNOWN", data.path("status").asText(), data.toString());
        assertEquals("MALFORMED_RESPONSE", data.path("error").path("code").asText());
        assertEquals(1, reportsFor(id).size());
    }

    @Test
    void sameKeyRunsInOrderWhileTwoKeysInterleave() {
        sim.context().setFault("abuse", Fault.latency(60));
        String run = newId();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            for (String key : List.of("A", "B")) {
                String id = newId();
                ids.add(id);
                client.send("order-" + run + "-" + key, command(id, CREATE, params("service_id", 1, "category", "Spam",
                        "additional_info", run + "|" + key + "|" + i), null));
            }
        }
        ids.forEach(id -> assertEquals("SUCCEEDED", client.awaitResult(id, WAIT).data().path("status").asText()));
        sim.context().clearFaults();
        List<RecordedCall> calls = sim.calls("abuse").stream()
                .filter(c -> c.params().getOrDefault("additional_info", "").startsWith(run + "|")).toList();
        assertEquals(16, calls.size());
        for (String key : List.of("A", "B")) {
            List<RecordedCall> mine = calls.stream().filter(c -> c.params().get("additional_info").contains("|" + key + "|"))
                    .sorted(Comparator.comparingLong(RecordedCall::startedNanos)).toList();
            for (int i = 0; i < mine.size(); i++) {
                assertTrue(mine.get(i).params().get("additional_info").endsWith("|" + i), "key " + key + " call " + i + " out of order");
                if (i > 0) {
                    assertTrue(mine.get(i).startedNanos() >= mine.get(i - 1).finishedNanos(),
                            "key " + key + ": call " + i + " started before call " + (i - 1) + " was answered");
                }
            }
        }
        // different keys overlap in time: some A call ran while a B call was in flight
        boolean overlap = false;
        for (RecordedCall a : calls) {
            for (RecordedCall b : calls) {
                if (a.params().get("additional_info").contains("|A|") && b.params().get("additional_info").contains("|B|")
                        && a.startedNanos() < b.finishedNanos() && b.startedNanos() < a.finishedNanos()) {
                    overlap = true;
                }
            }
        }
        assertTrue(overlap, "keys A and B ran concurrently");
    }

    static void awaitPublished(String id, int rows) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            List<OutboxEvent> r = outboxRows(id);
            if (r.size() == rows && r.stream().allMatch(o -> o.publishedAt != null)) {
                return;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("expected " + rows + " published outbox rows for " + id + ", got " + outboxRows(id).size());
    }
}
