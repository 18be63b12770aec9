package io.whmcsbridge.runtime.deadletter;

import io.smallrye.common.annotation.Identifier;
import io.whmcsbridge.model.CloudEvent;
import io.whmcsbridge.model.CloudEventCodec;
import io.whmcsbridge.model.CommandData;
import io.whmcsbridge.model.CommandStatus;
import io.whmcsbridge.model.EventTypes;
import io.whmcsbridge.runtime.catalogue.ActionCatalogue;
import io.whmcsbridge.runtime.catalogue.ActionSpec;
import io.whmcsbridge.runtime.command.IncomingCommand;
import io.whmcsbridge.runtime.config.BridgeConfig;
import io.whmcsbridge.runtime.redaction.Redactor;
import io.whmcsbridge.runtime.store.CommandStore;
import io.whmcsbridge.runtime.store.Outcomes;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Does one re-drive. A command is published again to the commands topic as it was sent (same key, so the same
 * partition and order; same value, so the same command id; its headers without the {@code dead-letter-*} ones, plus
 * {@code redriven-from} and {@code redriven-by}) and goes through the whole pipeline again: decoded, deduplicated by
 * its id, validated. A command the API had answered (its outcome in {@code dead-letter-outcome}) is not sent again:
 * that outcome is stored in the command log as its result and published, once.
 */
@ApplicationScoped
class Redriver {
    static final String FROM_HEADER = "redriven-from";
    static final String BY_HEADER = "redriven-by";

    /** What a re-drive does with a dead letter. */
    enum Plan {
        /** Publish it to the commands topic again. */
        REPUBLISH,
        /** Store the outcome the API had given (no call). */
        STORE_OUTCOME,
        /** Nothing: it is not a command, so it would only end in the DLQ again. */
        SKIP
    }

    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafka;
    @Inject
    BridgeConfig config;
    @Inject
    CommandStore store;
    @Inject
    Outcomes outcomes;
    @Inject
    ActionCatalogue catalogue;
    @Inject
    Redactor redactor;

    private KafkaProducer<String, byte[]> producer;

    static Plan plan(DeadLetterEntry e) {
        return e.command() == null ? Plan.SKIP : e.outcome() != null ? Plan.STORE_OUTCOME : Plan.REPUBLISH;
    }

    /** Publishes the dead letter's command again; {@link Done#detail()} says where it went. */
    Done republish(DeadLetterEntry e, String by) throws Exception {
        RecordHeaders headers = new RecordHeaders();
        for (Header h : e.record().headers()) {
            String name = h.key().toLowerCase();
            if (!name.startsWith(DeadLetterEntry.DEAD_LETTER_HEADERS) && !name.startsWith("redriven-")) {
                headers.add(h);
            }
        }
        headers.add(FROM_HEADER, (e.record().topic() + "/" + e.record().partition() + "/" + e.record().offset())
                .getBytes(StandardCharsets.UTF_8));
        headers.add(BY_HEADER, by.getBytes(StandardCharsets.UTF_8));
        String topic = EventTypes.commandsTopic(config.family());
        RecordMetadata sent = producer().send(new ProducerRecord<>(topic, null, e.record().key(), e.record().value(),
                headers)).get(30, TimeUnit.SECONDS);
        return new Done("REPUBLISHED", "published again as " + sent.topic() + "/" + sent.partition() + "/"
                + sent.offset());
    }

    /** What a re-drive did ({@code REPUBLISHED}, {@code OUTCOME_STORED}, {@code RESULT_PUBLISHED_AGAIN}) and how. */
    record Done(String action, String detail) {
    }

    /**
     * Stores the outcome that travelled with the dead letter as the command's result and queues it for the results
     * topic, as the pipeline would have. If the command has a terminal status meanwhile (re-driven before, or read
     * again and declared), nothing changes: its stored result is published again.
     */
    Done storeOutcome(DeadLetterEntry e) throws Exception {
        IncomingCommand command = e.command();
        CloudEvent result = CloudEventCodec.readStructuredUnchecked(e.outcome());
        if (!command.id().equals(result.subject()) || result.data() == null || !result.data().isObject()) {
            throw new IllegalArgumentException("its dead-letter-outcome is not a result of command " + command.id());
        }
        CommandStatus status = CommandStatus.valueOf(result.data().path("status").asText());
        CommandStore.Seen before = store.lookup(command.id());
        if (before != null && before.status().isTerminal()) {
            outcomes.republish(command);
            return new Done("RESULT_PUBLISHED_AGAIN", "the command had finished meanwhile (" + before.status()
                    + "): its stored result was published again, the outcome from the DLQ was not used");
        }
        Optional<ActionSpec> spec = catalogue.byType(command.event().type());
        CommandData data = CloudEventCodec.commandData(command.event());
        String action = result.data().path("action").asText(spec.map(ActionSpec::action).orElse(null));
        String code = result.data().path("error").path("code").asText(null);
        outcomes.complete(command, action, data == null ? CommandData.DEFAULT_INSTANCE : data.instanceOrDefault(),
                data == null ? null : redactor.redact(data.params(), spec.orElse(null)).toString(), result, e.outcome(),
                status, code, result.data().path("attempts").asInt(1));
        return new Done("OUTCOME_STORED", "stored as " + status + " from the outcome the API had given; not sent again");
    }

    private synchronized KafkaProducer<String, byte[]> producer() {
        if (producer == null) {
            Map<String, Object> props = new HashMap<>(kafka);
            props.put(ProducerConfig.ACKS_CONFIG, "all");
            props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
            props.put(ProducerConfig.CLIENT_ID_CONFIG, "dlq-redrive");
            producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
        }
        return producer;
    }

    @PreDestroy
    synchronized void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }
}
