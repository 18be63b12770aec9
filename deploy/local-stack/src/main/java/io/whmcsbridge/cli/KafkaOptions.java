package io.whmcsbridge.cli;

import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Option;

import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Where the broker is; checked up front so that a missing broker is one clear line. */
final class KafkaOptions {
    @Option(names = "--bootstrap-servers", description = "Kafka (default ${DEFAULT-VALUE}, or KAFKA_BOOTSTRAP_SERVERS)")
    String bootstrap = System.getenv().getOrDefault("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092");

    void requireBroker() {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap, "request.timeout.ms", 3000,
                "default.api.timeout.ms", 3000))) {
            admin.describeCluster().nodes().get(4, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("no broker at " + bootstrap + ": start the stack with ./deploy/bridge stack "
                    + "(in another terminal), or pass --bootstrap-servers host:port");
        }
    }
}
