package io.whmcsbridge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.whmcsbridge.model.CloudEvent;
import io.whmcsbridge.model.CloudEventCodec;
import io.whmcsbridge.model.EventTypes;
import io.whmcsbridge.model.Json;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;

/** Sends one command and prints its result. */
@Command(name = "send", description = {"Send a command, wait for its result and print it.", "Examples:",
        "  send abuse create service_id=1 category=Spam",
        "  send billing get_invoice invoice_id=1001",
        "  send reseller addCharge --json charge.json   (params as JSON; - reads stdin)",
        "Exit status: 0 SUCCEEDED, 2 another terminal status (FAILED, REJECTED, UNKNOWN), 1 no result or an error."})
final class Send implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    KafkaOptions kafka;

    @Parameters(index = "0", description = "abuse, projects, billing or reseller")
    String family;

    @Parameters(index = "1", description = "the action as the API spells it (create, getProject, mass_pay, addCharge, ...); "
            + "core API actions of billing-service as core.GetInvoices")
    String action;

    @Parameters(index = "2..*", arity = "0..*", description = "name=value parameters (values that read as JSON are JSON)")
    List<String> params = List.of();

    @Option(names = "--json", description = "parameters as a JSON object from a file, or - for stdin")
    String json;

    @Option(names = "--id", description = "command id (default: a new UUID); the same id never runs twice")
    String id = UUID.randomUUID().toString();

    @Option(names = "--key", description = "ordering key (default: the command id)")
    String key;

    @Option(names = "--instance", description = "the API instance (default: default)")
    String instance;

    @Option(names = "--timeout", description = "how long to wait for the result, seconds (default ${DEFAULT-VALUE})")
    int timeoutSeconds = 30;

    @Override
    public Integer call() throws Exception {
        Families.require(family);
        ObjectNode p = json != null ? readJson(json) : Json.MAPPER.createObjectNode();
        for (String kv : params) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("parameter '" + kv + "' is not name=value (e.g. service_id=1; "
                        + "or pass them as JSON with --json file, --json - for stdin)");
            }
            p.set(kv.substring(0, eq), value(kv.substring(eq + 1)));
        }
        kafka.requireBroker();
        String type = action.startsWith("core.") ? "whmcs." + action : EventTypes.commandType(family, action);
        ObjectNode data = Json.MAPPER.createObjectNode();
        data.set("params", p);
        if (instance != null) {
            data.put("instance", instance);
        }
        CloudEvent command = new CloudEvent(CloudEvent.SPEC_VERSION, id, "bridge-cli", type, null, Instant.now(),
                CloudEvent.JSON, data, Map.of());
        String results = EventTypes.resultsTopic(family);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", kafka.bootstrap),
                new StringDeserializer(), new ByteArrayDeserializer());
                KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", kafka.bootstrap,
                        "acks", "all"), new StringSerializer(), new ByteArraySerializer())) {
            List<TopicPartition> parts = consumer.partitionsFor(results).stream()
                    .map(i -> new TopicPartition(results, i.partition())).toList();
            consumer.assign(parts);
            consumer.seekToEnd(parts);
            parts.forEach(consumer::position);
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(EventTypes.commandsTopic(family),
                    key == null ? id : key, CloudEventCodec.writeStructured(command));
            record.headers().add("content-type", CloudEvent.STRUCTURED_CONTENT_TYPE.getBytes(StandardCharsets.UTF_8));
            producer.send(record).get();
            spec.commandLine().getErr().println("sent " + type + " id " + id + "; waiting for its result ...");
            long deadline = System.nanoTime() + Duration.ofSeconds(timeoutSeconds).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    JsonNode event = Json.MAPPER.readTree(r.value());
                    if (id.equals(event.path("subject").asText())) {
                        spec.commandLine().getOut().println(Json.MAPPER.copy().enable(SerializationFeature.INDENT_OUTPUT)
                                .writeValueAsString(event.path("data")));
                        return "SUCCEEDED".equals(event.path("data").path("status").asText()) ? 0 : 2;
                    }
                }
            }
        }
        throw new IllegalStateException("no result for " + id + " within " + timeoutSeconds + " s: is " + family
                + "-service running? (./deploy/bridge stack starts it; ./deploy/bridge status " + id + " --family "
                + family + " shows what its command log knows)");
    }

    static JsonNode value(String text) {
        try {
            JsonNode n = Json.MAPPER.readTree(text);
            return n == null ? Json.MAPPER.getNodeFactory().textNode(text) : n;
        } catch (Exception notJson) {
            return Json.MAPPER.getNodeFactory().textNode(text);
        }
    }

    static ObjectNode readJson(String source) throws Exception {
        byte[] bytes = source.equals("-") ? System.in.readAllBytes() : Files.readAllBytes(Path.of(source));
        JsonNode n = Json.MAPPER.readTree(bytes);
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException(source + " must hold a JSON object of parameters");
        }
        return (ObjectNode) n;
    }
}
