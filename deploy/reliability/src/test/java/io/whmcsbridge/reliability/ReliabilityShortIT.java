package io.whmcsbridge.reliability;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The short reliability run, in CI: abuse-service (packaged earlier in the reactor) killed three times, Kafka and
 * PostgreSQL restarted once, faults injected, then every command id checked.
 */
class ReliabilityShortIT {

    @Test
    void nothingLostNothingDoneTwiceOrderKept() throws Exception {
        Path root = ReliabilitySuite.packagedRoot();
        ObjectNode r = new ReliabilitySuite(ReliabilitySuite.Plan.quick(), root).run();
        assertEquals(0, r.path("lost").asInt(), "lost commands: " + r.path("lostExamples"));
        assertEquals(0, r.path("duplicateSideEffects").asInt(), "reports filed twice for one command id");
        assertEquals(0, r.path("orderViolations").asInt(), "per-key order");
        assertTrue(r.path("unknown").asLong() <= r.path("unknownBound").asLong(), r.toString());
        assertEquals(0, r.path("unknownNotUncertain").asInt(), "UNKNOWN results whose call surely never left");
        assertTrue(r.path("maxResumeSeconds").asDouble() <= 60, "the consumer resumes within 60 s of each restart");
        assertEquals(0, r.path("outboxUnpublished").asInt(), "the outbox drains");
        assertEquals(3, r.path("kills").asInt());
        assertTrue(r.path("passed").asBoolean(), r.toString());
    }
}
