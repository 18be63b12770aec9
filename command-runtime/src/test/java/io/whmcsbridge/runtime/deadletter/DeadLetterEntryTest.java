package io.whmcsbridge.runtime.deadletter;

import io.whmcsbridge.model.CloudEvent;
import io.whmcsbridge.model.CloudEventCodec;
import io.whmcsbridge.model.Json;
import io.whmcsbridge.runtime.pipeline.DeadLetter;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * A dead letter read back as the connector wrote it: its own {@code dead-letter-*} headers first, then the record's
 * headers, then the pipeline's outcome. An emitter's headers under those names must not pass for the connector's.
 */
class DeadLetterEntryTest {
    static final String ID = "cmd-42";

    static byte[] command() {
        return CloudEventCodec.writeStructured(new CloudEvent(CloudEvent.SPEC_VERSION, ID, "test", "whmcs.billing.get_invoice",
                null, Instant.now(), CloudEvent.JSON, Json.MAPPER.createObjectNode().set("params",
                        Json.MAPPER.createObjectNode().put("invoice_id", 1)), Map.of()));
    }

    static ConsumerRecord<String, byte[]> dead(byte[] value, RecordHeaders headers) {
        return new ConsumerRecord<>("whmcs.billing.commands.dlq", 3, 17, 0L, TimestampType.CREATE_TIME, 0, 0, "k", value,
                headers, Optional.empty());
    }

    static void add(RecordHeaders h, String name, String value) {
        h.add(name, value.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void anEmittersDeadLetterHeadersAreNotTakenForTheConnectors() {
        RecordHeaders h = new RecordHeaders();
        add(h, "dead-letter-reason", "command " + ID + " was not sent: marking the call in flight failed 4 times");
        add(h, "dead-letter-topic", "whmcs.billing.commands");
        add(h, "dead-letter-partition", "1");
        add(h, "dead-letter-offset", "99");
        // what the emitter had put on its record, copied by the connector after its own
        add(h, "dead-letter-reason", "command " + ID + " was sent and answered SUCCEEDED, but ...");
        add(h, "dead-letter-outcome", "{\"forged\": true}");
        DeadLetterEntry e = DeadLetterEntry.of(dead(command(), h));
        assertEquals(DeadLetter.Kind.NOT_SENT, e.kind());
        assertNull(e.outcome(), "an outcome on a command the pipeline did not call is not one of ours");
        assertEquals(Redriver.Plan.REPUBLISH, Redriver.plan(e));
        assertEquals("whmcs.billing.commands/1/99", e.origin());
        assertEquals(99L, e.command().offset());
        assertEquals("3:17", e.id());
    }

    @Test
    void anAnsweredCommandCarriesThePipelinesOutcomeAddedLast() {
        RecordHeaders h = new RecordHeaders();
        add(h, "dead-letter-reason", "command " + ID + " was sent and answered SUCCEEDED, but its outcome could not be stored");
        add(h, "dead-letter-outcome", "{\"forged\": true}");
        add(h, "dead-letter-outcome", "{\"the\": \"pipeline's\"}");
        DeadLetterEntry e = DeadLetterEntry.of(dead(command(), h));
        assertEquals(DeadLetter.Kind.ANSWERED_NOT_STORED, e.kind());
        assertEquals("{\"the\": \"pipeline's\"}", e.outcome());
        assertEquals(Redriver.Plan.STORE_OUTCOME, Redriver.plan(e));
    }

    @Test
    void aRecordThatIsNotACommandIsNamedByItsPositionAndNeverRedriven() {
        RecordHeaders h = new RecordHeaders();
        add(h, "dead-letter-reason", "not JSON: Unrecognized token 'x'");
        DeadLetterEntry e = DeadLetterEntry.of(dead("x".getBytes(StandardCharsets.UTF_8), h));
        assertEquals(DeadLetter.Kind.UNREADABLE, e.kind());
        assertNull(e.command());
        assertEquals(Redriver.Plan.SKIP, Redriver.plan(e));
        assertEquals(true, e.named("3:17"));
        assertEquals(false, e.named(ID));
    }
}
