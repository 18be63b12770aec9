package io.whmcsbridge.abuse;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.whmcsbridge.model.CloudEvent;
import io.whmcsbridge.runtime.testing.BridgeTestClient;
import io.whmcsbridge.runtime.testing.ServiceTestResource;
import io.whmcsbridge.runtime.testing.SimulatorTestResource;
import io.whmcsbridge.simulator.abuse.AbuseManagerSim;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.whmcsbridge.runtime.testing.BridgeTestClient.command;
import static io.whmcsbridge.runtime.testing.BridgeTestClient.params;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Runs after {@link AbuseCommandsIT} in a new Quarkus application (Quarkus orders test classes without a profile
 * first, then by profile): what the service remembers across a restart.
 */
@QuarkusTest
@TestProfile(RestartedServiceProfile.class)
@QuarkusTestResource(value = ServiceTestResource.class, initArgs = @ResourceArg(name = "family", value = "abuse"))
class AbuseRestartIT {

    @Test
    void commandIdSeenBeforeTheRestartIsNotSentAgain() {
        String id = AbuseCommandsIT.completedBeforeRestart;
        assumeTrue(id != null, "needs AbuseCommandsIT to have run first in this JVM");
        try (BridgeTestClient client = new BridgeTestClient("abuse")) {
            client.send("service-17", command(id, AbuseCommandsIT.CREATE, params("service_id", 17, "category", "Spam",
                    "suspend_method", "immediate", "allow_unsuspend", true, "additional_info", id), null));
            List<CloudEvent> results = client.awaitResults(id, 2, AbuseCommandsIT.WAIT);
            assertEquals(AbuseCommandsIT.completedResultId, results.get(1).id(), "the stored result, same event id");
            assertEquals("whmcs-event-bridge/abuse-service", results.get(1).source(),
                    "published as stored, not re-made by the restarted service");
        }
        long reports = SimulatorTestResource.simulator().api(AbuseManagerSim.class).reports().stream()
                .filter(r -> id.equals(r.additionalInfo())).count();
        assertEquals(1, reports, "one report across the restart");
    }
}
