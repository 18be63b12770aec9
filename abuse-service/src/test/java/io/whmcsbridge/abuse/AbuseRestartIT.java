package io.whmcsbridge.abuse;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.whmcsbridge.model.CloudEvent;
import io.whmcsbridge.runtime.testing.BridgeTestClient;
import io.whmcsbridge.runtime.testing.SimulatorTestResource;
import io.whmcsbridge.simulator.abuse.AbuseManagerSim;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What the service remembers across a restart: {@link CompletedBeforeRestartResource} runs the packaged service as a
 * process that completes a command and stops; this application (another event source, {@link RestartedServiceProfile})
 * then starts over the same database and broker and receives that command again.
 */
@QuarkusTest
@Order(2)
@TestProfile(RestartedServiceProfile.class)
@QuarkusTestResource(value = CompletedBeforeRestartResource.class, initArgs = @ResourceArg(name = "family", value = "abuse"))
class AbuseRestartIT {
    @ConfigProperty(name = CompletedBeforeRestartResource.COMPLETED_ID)
    String id;
    @ConfigProperty(name = CompletedBeforeRestartResource.COMPLETED_RESULT_ID)
    String resultId;

    @Test
    void commandIdSeenBeforeTheRestartIsNotSentAgain() {
        // The simulator may be a new one in this application: count what this resend causes, not the total.
        long before = reportsFor(id);
        try (BridgeTestClient client = new BridgeTestClient("abuse")) {
            client.send(CompletedBeforeRestartResource.KEY, CompletedBeforeRestartResource.create(id));
            List<CloudEvent> results = client.awaitResults(id, 2, AbuseCommandsIT.WAIT);
            assertEquals(resultId, results.get(1).id(), "the stored result, same event id");
            assertEquals("whmcs-event-bridge/abuse-service", results.get(1).source(),
                    "published as stored, not re-made by the restarted service");
        }
        assertEquals(before, reportsFor(id), "no report filed by the resent command id after the restart");
    }

    private static long reportsFor(String id) {
        return SimulatorTestResource.simulator().api(AbuseManagerSim.class).reports().stream()
                .filter(r -> id.equals(r.additionalInfo())).count();
    }
}
