package io.whmcsbridge.cli;

import io.whmcsbridge.model.EventTypes;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** Prints result events as they arrive. */
@Command(name = "follow", description = "Print the result events of a service as they arrive (Ctrl-C to stop).")
final class Follow implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    KafkaOptions kafka;

    @Parameters(index = "0", description = "abuse, projects, billing or reseller")
    String family;

    @Option(names = "--from-beginning", description = "also print the results already on the topic")
    boolean fromBeginning;

    @Option(names = "--dlq", description = "follow the dead-letter topic instead")
    boolean dlq;

    @Override
    public Integer call() {
        Families.require(family);
        kafka.requireBroker();
        String topic = dlq ? EventTypes.dlqTopic(family) : EventTypes.resultsTopic(family);
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(Map.of("bootstrap.servers", kafka.bootstrap),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(topic).stream().map(i -> new TopicPartition(topic, i.partition())).toList();
            c.assign(parts);
            if (fromBeginning) {
                c.seekToBeginning(parts);
            } else {
                c.seekToEnd(parts);
            }
            spec.commandLine().getErr().println("following " + topic + " on " + kafka.bootstrap);
            while (true) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
                    String reason = r.headers().lastHeader("dead-letter-reason") == null ? ""
                            : " reason=" + new String(r.headers().lastHeader("dead-letter-reason").value(), StandardCharsets.UTF_8);
                    spec.commandLine().getOut().println("key=" + r.key() + reason + " " + (r.value() == null ? "" : new String(r.value(), StandardCharsets.UTF_8)));
                }
            }
        }
    }
}
