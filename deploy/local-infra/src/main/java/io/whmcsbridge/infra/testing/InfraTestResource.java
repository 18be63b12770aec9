package io.whmcsbridge.infra.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Arrays;
import java.util.Map;

/**
 * Points a Quarkus test at the JVM's shared Kafka broker and PostgreSQL ({@link TestInfrastructure#shared()}):
 * <pre>{@code
 * @QuarkusTestResource(value = InfraTestResource.class, initArgs = @ResourceArg(name = "database", value = "whmcs_abuse"))
 * }</pre>
 * Init args: {@code database} (default {@value TestInfrastructure#DEFAULT_DATABASE}), created if missing;
 * {@code topics} (comma-separated, optional), created if missing with {@code partitions} partitions (default 1).
 * Returns {@code kafka.bootstrap.servers}, {@code quarkus.datasource.jdbc.url}, {@code quarkus.datasource.username}
 * and {@code quarkus.datasource.password}. {@link #stop()} does nothing: the broker and the database outlive the
 * Quarkus restarts between test classes and stop with the JVM.
 */
public class InfraTestResource implements QuarkusTestResourceLifecycleManager {
    public static final String DATABASE_ARG = "database";
    public static final String TOPICS_ARG = "topics";
    public static final String PARTITIONS_ARG = "partitions";

    private String database = TestInfrastructure.DEFAULT_DATABASE;
    private String[] topics = new String[0];
    private int partitions = 1;

    @Override
    public void init(Map<String, String> initArgs) {
        database = initArgs.getOrDefault(DATABASE_ARG, TestInfrastructure.DEFAULT_DATABASE);
        topics = Arrays.stream(initArgs.getOrDefault(TOPICS_ARG, "").split(","))
                .map(String::trim).filter(t -> !t.isEmpty()).toArray(String[]::new);
        partitions = Integer.parseInt(initArgs.getOrDefault(PARTITIONS_ARG, "1").trim());
    }

    @Override
    public Map<String, String> start() {
        TestInfrastructure infra = TestInfrastructure.shared();
        infra.createDatabase(database);
        infra.createTopics(partitions, topics);
        return Map.of("kafka.bootstrap.servers", infra.kafkaBootstrapServers(),
                "quarkus.datasource.jdbc.url", infra.jdbcUrl(database),
                "quarkus.datasource.username", infra.jdbcUser(),
                "quarkus.datasource.password", infra.jdbcPassword());
    }

    @Override
    public void stop() {
        // shared by every test class of the JVM; stopped when the JVM exits
    }
}
