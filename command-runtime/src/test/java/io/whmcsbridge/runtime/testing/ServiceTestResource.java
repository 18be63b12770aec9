package io.whmcsbridge.runtime.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.whmcsbridge.infra.testing.TestInfrastructure;
import io.whmcsbridge.model.EventTypes;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;

/**
 * Everything a service's end-to-end test needs, started once per test JVM: the real Kafka broker and PostgreSQL
 * ({@link TestInfrastructure#shared()}: embedded by default, Testcontainers with {@code -Dwhmcs.test.infra=testcontainers}),
 * the family's topics with {@value #PARTITIONS} partitions, and the whmcs-simulator. Init arg {@code family}.
 */
public class ServiceTestResource implements QuarkusTestResourceLifecycleManager {
    public static final int PARTITIONS = 4;
    private String family;

    @Override
    public void init(Map<String, String> initArgs) {
        family = initArgs.getOrDefault("family", "abuse");
    }

    @Override
    public Map<String, String> start() {
        TestInfrastructure infra = TestInfrastructure.shared();
        createTopics(infra.kafkaBootstrapServers(), family);
        Map<String, String> config = new HashMap<>();
        config.put("kafka.bootstrap.servers", infra.kafkaBootstrapServers());
        config.put("quarkus.datasource.jdbc.url", infra.jdbcUrl());
        config.put("quarkus.datasource.username", infra.jdbcUser());
        config.put("quarkus.datasource.password", infra.jdbcPassword());
        config.put("whmcs.instances.default.base-url", SimulatorTestResource.simulator().baseUrl());
        return config;
    }

    static synchronized void createTopics(String bootstrap, String family) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            Set<String> existing = admin.listTopics().names().get();
            for (String t : List.of(EventTypes.commandsTopic(family), EventTypes.resultsTopic(family),
                    EventTypes.dlqTopic(family))) {
                if (!existing.contains(t)) {
                    try {
                        admin.createTopics(List.of(new NewTopic(t, PARTITIONS, (short) 1))).all().get();
                    } catch (ExecutionException e) {
                        if (!(e.getCause() instanceof TopicExistsException)) {
                            throw e;
                        }
                    }
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("could not create the topics of " + family, e);
        }
    }

    @Override
    public void stop() {
        // the broker, database and simulator outlive Quarkus restarts between test classes; the JVM stops them
    }
}
