package io.whmcsbridge.abuse;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.whmcsbridge.runtime.store.CommandLog;
import io.whmcsbridge.runtime.testing.BadInputCorpus;
import io.whmcsbridge.runtime.testing.BridgeTestClient;
import io.whmcsbridge.runtime.testing.ServiceTestResource;
import io.whmcsbridge.runtime.testing.SimulatorTestResource;
import io.whmcsbridge.simulator.WhmcsSimulator;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;


import static io.whmcsbridge.runtime.testing.BridgeTestClient.command;
import static io.whmcsbridge.runtime.testing.BridgeTestClient.newId;
import static io.whmcsbridge.runtime.testing.BridgeTestClient.params;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bad-input corpus (command-runtime's common records plus Abuse Manager Pro's own, src/test/resources/bad-input):
 * each record gets a REJECTED result or a DLQ record with a reason, a good command after them is still processed,
 * and none of them reaches the API.
 */
@QuarkusTest
@Order(1)
@QuarkusTestResource(value = ServiceTestResource.class, initArgs = @ResourceArg(name = "family", value = "abuse"))
class AbuseBadInputIT {

    @Test
    void everyBadRecordIsRejectedOrDeadLetteredWithAReasonAndNothingReachesTheApi() {
        WhmcsSimulator sim = SimulatorTestResource.simulator();
        String goodId = newId();
        try (BridgeTestClient client = new BridgeTestClient("abuse")) {
            BadInputCorpus.assertHandled(client, "abuse", AbuseActions.CREATE.type(), command(goodId, AbuseActions.CREATE.type(),
                    params("service_id", 5, "category", "Spam", "additional_info", goodId), null), () -> sim.context().calls().size());
        }
        long rows = QuarkusTransaction.requiringNew().call(() -> CommandLog.count());
        assertTrue(rows > 0, "the command log is still there after the SQL fragments");
    }
}
