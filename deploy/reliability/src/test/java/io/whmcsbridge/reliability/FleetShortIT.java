package io.whmcsbridge.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The short fleet run, in CI: billing-service (packaged earlier in the reactor) scaled 1 → 3 → 2 (SIGTERM) → 1
 * (SIGKILL) under slow add-funds invoices and billing-data reads on 40 keys, then every command id checked.
 */
class FleetShortIT {

    @Test
    void scaleEventsLoseNothingDoNothingTwiceKeepKeyOrderAndLeaveNoUnknown() throws Exception {
        ObjectNode r = new FleetRun(FleetRun.Plan.quick(), ReliabilitySuite.packagedRoot("billing-service"), "billing").run();
        for (JsonNode e : r.path("events")) {
            assertTrue(e.path("inFlight").asInt() > 0, "calls in flight at " + e);
        }
        assertEquals(3, r.path("events").size(), r.path("events").toString());
        assertTrue(r.path("idempotent").asInt() > 0, "the workload mixes in idempotent commands");
        assertEquals(r.path("idempotent").asInt(), r.path("readsReachingApi").asInt(), "every idempotent command's call is seen at the API");
        assertEquals(0, r.path("lost").asInt(), "lost commands: " + r.path("lostExamples"));
        assertEquals(0, r.path("duplicateSideEffects").asInt(), "invoices created twice for one command id");
        assertEquals(0, r.path("orderViolations").asInt(), "per-key order: " + r.path("orderExamples"));
        assertEquals(0, r.path("overlaps").asInt(), "two calls of one key at once: " + r.path("orderExamples"));
        assertEquals(0, r.path("unknownNotAllowed").asInt(),
                "UNKNOWN other than the SIGKILLed replica's calls: " + r.path("unknownNotAllowedExamples"));
        assertEquals(0, r.path("succeededWithoutAnswer").asInt(), "SUCCEEDED without the API's answer: " + r.path("withoutAnswerExamples"));
        assertEquals(0, r.path("conflictingResults").asInt(), "two outcomes published: " + r.path("conflictingExamples"));
        assertEquals(0, r.path("outboxUnpublished").asInt(), "the outbox drains");
        assertTrue(r.path("passed").asBoolean(), r.toString());
    }
}
