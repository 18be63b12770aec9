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
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.whmcsbridge.runtime.testing.BridgeTestClient.command;
import static io.whmcsbridge.runtime.testing.BridgeTestClient.params;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Runs after {@link AbuseCommandsIT} (class order in junit-platform.properties) in a new Quarkus application over
 * the same database and broker: what the service remembers across a restart.
 */
@QuarkusTest
@Order(2)
@TestProfile(RestartedServiceProfile.class)
@QuarkusTestResource(value = ServiceTestResource.class, initArgs = @ResourceArg(name = "family", value = "abuse"))
class AbuseRestartIT {

    @Test
    void commandIdSeenBeforeTheRestartIsNotSentAgain() {
        String id = System.getProperty(AbuseCommandsIT.COMPLETED_ID);
        assertNotNull(id, "AbuseCommandsIT must run first in this JVM (see junit-platform.properties)");
        // The simulator may be a new one in this application: count what this resend causes, not the total.
        long before = reportsFor(id);
        try (BridgeTestClient client = new BridgeTestClient("abuse")) {
            client.send("service-17", command(id, AbuseCommandsIT.CREATE, params("service_id", 17, "category", "Spam",
                    "suspend_method", "immediate", "allow_unsuspend", true, "additional_info", id), null));
            List<CloudEvent> results = client.awaitResults(id, 2, AbuseCommandsIT.WAIT);
            assertEquals(System.getProperty(AbuseCommandsIT.COMPLETED_RESULT_ID), results.get(1).id(), "the stored result, same event id");
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
