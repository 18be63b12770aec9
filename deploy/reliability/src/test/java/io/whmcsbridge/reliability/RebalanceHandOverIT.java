package io.whmcsbridge.reliability;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 15's case: 24 add-funds invoices on 24 keys in flight on one billing-service replica, the API answering in
 * 15 s (shutdown-grace 30 s); a second replica joins the group. Each payment must reach the API once and end
 * SUCCEEDED with the API's answer: the replica that made the call keeps its outcome, the other one waits for it.
 */
class RebalanceHandOverIT {

    @Test
    void paymentsInFlightWhenAReplicaJoinsEndSucceededWithTheApisAnswer() throws Exception {
        ObjectNode r = new FleetRun(FleetRun.Plan.quick(), ReliabilitySuite.packagedRoot("billing-service"), "billing").handOver();
        assertEquals(24, r.path("events").get(0).path("inFlight").asInt(), "24 calls in flight when the replica joined");
        assertEquals(24, r.path("statuses").path("SUCCEEDED").asInt(), "all 24 SUCCEEDED: " + r.path("statuses")
                + " " + r.path("unknownNotAllowedExamples"));
        assertEquals(0, r.path("succeededWithoutAnswer").asInt(), "with the API's answer: " + r.path("withoutAnswerExamples"));
        assertEquals(0, r.path("duplicateSideEffects").asInt(), "each payment reached the API once");
        assertEquals(0, r.path("lost").asInt(), r.path("lostExamples").toString());
        assertEquals(0, r.path("conflictingResults").asInt(), "one outcome per payment: " + r.path("conflictingExamples"));
        assertTrue(r.path("passed").asBoolean(), r.toString());
    }
}
