package io.whmcsbridge.reliability;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 17's fault run, in CI: billing-service (packaged earlier in the reactor) takes 400 payments while the
 * simulator loses about 12 % of the answers (dropped before the API, dropped after it applied the payment, never
 * answered after it applied it). At least 95 % of the payments whose answer was lost end SUCCEEDED by a read-back or
 * are sent exactly once more after a certain "not applied"; no payment is made twice; every UNKNOWN says why.
 * {@code -Dreliability.service-root=<checkout>} runs another build instead (the figures before the change).
 */
class ReconcileFaultsIT {

    @Test
    void lostAnswersOfPaymentsBecomeAnswers() throws Exception {
        String other = System.getProperty("reliability.service-root");
        Path root = other == null ? ReliabilitySuite.packagedRoot("billing-service") : Path.of(other);
        ObjectNode r = new ReconcileRun(ReconcileRun.Plan.standard(), root).run();
        System.out.println("JSON: " + ReliabilitySuite.write(Path.of("").toAbsolutePath(), "reconcile", r));
        assertEquals(0, r.path("lost").asInt(), "lost commands: " + r.path("lostExamples"));
        assertEquals(0, r.path("duplicateSideEffects").asInt(), "payments made twice for one command id");
        assertTrue(r.path("affected").asInt() > 0, "answers were lost: " + r);
        assertEquals(0, r.path("sentAgainNotOnce").asInt(), "a payment sent again more than once");
        assertEquals(0, r.path("unknownWithoutReason").asInt(), "UNKNOWN without a reason: " + r.path("affectedOutcomes"));
        assertTrue(r.path("resolvedShare").asDouble() >= 0.95, "resolved: " + r.path("affectedOutcomes"));
        assertTrue(r.path("passed").asBoolean(), r.toString());
    }
}
