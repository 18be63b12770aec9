package io.whmcsbridge.abuse;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.whmcsbridge.runtime.guard.InstanceGuards;
import io.whmcsbridge.runtime.testing.BridgeTestClient;
import io.whmcsbridge.runtime.testing.SecretScan;
import io.whmcsbridge.runtime.testing.ServiceTestResource;
import io.whmcsbridge.runtime.testing.SimulatorTestResource;
import io.whmcsbridge.simulator.abuse.AbuseManagerSim;
import io.whmcsbridge.simulator.core.Fault;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.whmcsbridge.runtime.testing.BridgeTestClient.command;
import static io.whmcsbridge.runtime.testing.BridgeTestClient.newId;
import static io.whmcsbridge.runtime.testing.BridgeTestClient.params;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Plants recognisable secrets (the configured API_ID, and a password slipped into a command's parameters), runs
 * commands that succeed, fail and are rejected, then searches the log file, every table row and every event.
 */
@QuarkusTest
@Order(3)
@TestProfile(RestartedServiceProfile.class)
@QuarkusTestResource(value = ServiceTestResource.class, initArgs = @ResourceArg(name = "family", value = "abuse"))
class AbuseSecretsIT {
    static final String PLANTED_PASSWORD = "canary-pw-" + "93b1f0";

    @Inject
    InstanceGuards guards;

    @Test
    void plantedSecretsAppearInNoLogLineTableRowOrEvent() throws Exception {
        assertTrue(AbuseManagerSim.DEFAULT_API_ID.contains("7c1e"), "the configured API_ID is the canary");
        try (BridgeTestClient client = new BridgeTestClient("abuse")) {
            String ok = newId();
            client.send("k-secret", command(ok, AbuseCommandsIT.CREATE,
                    params("service_id", 2, "category", "Spam"), null));
            String rejected = newId();
            // input: an unknown parameter named like a secret, carrying the canary
            client.send("k-secret", command(rejected, AbuseCommandsIT.CREATE,
                    params("service_id", 2, "category", "Spam", "api_password", PLANTED_PASSWORD), null));
            String failed = newId();
            SimulatorTestResource.simulator().context().failNext("abuse", 1, Fault.Once.MALFORMED);
            client.send("k-secret", command(failed, AbuseCommandsIT.CREATE,
                    params("service_id", 2, "category", "Spam"), null));
            String authFailed = newId();
            // circuits live in the database, so AbuseCommandsIT's open one outlived its application: reset it, so
            // this command meets the refused login itself
            guards.get("wrongkey").reset();
            client.send("k-secret-auth", command(authFailed, AbuseCommandsIT.CREATE,
                    params("service_id", 2, "category", "Spam"), "wrongkey"));
            for (String id : new String[] { ok, rejected, failed, authFailed }) {
                client.awaitResult(id, Duration.ofSeconds(30));
            }
            assertEquals("REJECTED", client.awaitResult(rejected, Duration.ofSeconds(5)).data().path("status").asText());
        }
        SecretScan scan = SecretScan.of("abuse");
        for (String secret : new String[] { AbuseManagerSim.DEFAULT_API_ID, "not-the-api-id", PLANTED_PASSWORD }) {
            scan.assertAbsent(secret);
        }
        // every answer published so far, walked like the catalogue: no field looks secret without being declared
        AbuseSecretsTest.walk().answers(scan.answers()).assertEverySecretDeclared();
    }
}
