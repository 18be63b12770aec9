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

import java.time.Duration;
import java.util.List;

import static io.whmcsbridge.runtime.testing.BridgeTestClient.command;
import static io.whmcsbridge.runtime.testing.BridgeTestClient.newId;
import static io.whmcsbridge.runtime.testing.BridgeTestClient.params;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
        List<BadInputCorpus.Entry> corpus = BadInputCorpus.load("bad-input/common.jsonl", "bad-input/abuse.jsonl");
        assertTrue(corpus.size() >= 50, "at least 50 bad records, got " + corpus.size());
        String goodId = newId();
        int callsBefore = sim.context().calls().size();
        List<BadInputCorpus.Outcome> outcomes;
        try (BridgeTestClient client = new BridgeTestClient("abuse")) {
            outcomes = BadInputCorpus.run(client, "abuse", AbuseActions.CREATE.type(), corpus,
                    command(goodId, AbuseActions.CREATE.type(), params("service_id", 5, "category", "Spam",
                            "additional_info", goodId), null), Duration.ofSeconds(60));
        }
        List<BadInputCorpus.Outcome> wrong = outcomes.stream().filter(o -> !o.asExpected()).toList();
        assertTrue(wrong.isEmpty(), "records not handled as expected:\n" + String.join("\n", wrong.stream().map(Object::toString).toList()));
        assertEquals(callsBefore + 1, sim.context().calls().size(), "only the good command reached the API");
        long tables = QuarkusTransaction.requiringNew().call(() -> CommandLog.count());
        assertTrue(tables > 0, "the command log is still there after the SQL fragments");
        System.out.printf("bad-input corpus: %d records, %d to the DLQ, %d REJECTED%n", outcomes.size(),
                outcomes.stream().filter(o -> o.got().equals("DLQ")).count(),
                outcomes.stream().filter(o -> o.got().equals("REJECTED")).count());
    }
}
