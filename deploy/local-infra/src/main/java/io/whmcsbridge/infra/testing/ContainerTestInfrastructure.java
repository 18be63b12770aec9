package io.whmcsbridge.infra.testing;

import io.whmcsbridge.infra.Databases;
import io.whmcsbridge.infra.Topics;
import org.testcontainers.containers.PostgreSQLContainer;
import org.testcontainers.kafka.KafkaContainer;

/**
 * Kafka ({@code apache/kafka:4.0.2}, KRaft) and PostgreSQL ({@code postgres:16-alpine}) in Docker containers through
 * Testcontainers, for machines with a Docker engine: {@code -Dwhmcs.test.infra=testcontainers} or
 * {@code WHMCS_TEST_INFRA=testcontainers}. Compiled here, never run: the development machines of this project have no
 * Docker engine. Containers cannot be restarted in place (their ports change), so {@link #embeddedKafka()} and
 * {@link #embeddedPostgres()} are null and tests that restart the infrastructure should skip.
 */
public final class ContainerTestInfrastructure implements TestInfrastructure, AutoCloseable {
    public static final String KAFKA_IMAGE = "apache/kafka:4.0.2";
    public static final String POSTGRES_IMAGE = "postgres:16-alpine";

    private final KafkaContainer kafka;
    private final PostgreSQLContainer<?> postgres;

    private ContainerTestInfrastructure(KafkaContainer kafka, PostgreSQLContainer<?> postgres) {
        this.kafka = kafka;
        this.postgres = postgres;
    }

    /** Starts both containers (most tests want {@link TestInfrastructure#shared()} instead). */
    @SuppressWarnings("resource")
    public static ContainerTestInfrastructure start() {
        KafkaContainer kafka = new KafkaContainer(KAFKA_IMAGE)
                .withEnv("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0")
                .withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "true");
        PostgreSQLContainer<?> pg = new PostgreSQLContainer<>(POSTGRES_IMAGE)
                .withDatabaseName(DEFAULT_DATABASE)
                .withCommand("postgres", "-c", "max_connections=300", "-c", "fsync=off");
        try {
            kafka.start();
            pg.start();
        } catch (RuntimeException e) {
            kafka.stop();
            pg.stop();
            throw e;
        }
        return new ContainerTestInfrastructure(kafka, pg);
    }

    @Override
    public String kafkaBootstrapServers() {
        return kafka.getBootstrapServers();
    }

    @Override
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + postgres.getHost() + ":" + postgres.getMappedPort(PostgreSQLContainer.POSTGRESQL_PORT)
                + "/" + database;
    }

    @Override
    public String jdbcUser() {
        return postgres.getUsername();
    }

    @Override
    public String jdbcPassword() {
        return postgres.getPassword();
    }

    @Override
    public void createDatabase(String name) {
        Databases.createDatabase(jdbcUrl(DEFAULT_DATABASE), jdbcUser(), jdbcPassword(), name, null);
    }

    @Override
    public void createTopics(int partitions, String... names) {
        Topics.createTopics(kafkaBootstrapServers(), partitions, names);
    }

    @Override
    public String kind() {
        return "testcontainers";
    }

    @Override
    public void close() {
        try {
            kafka.stop();
        } finally {
            postgres.stop();
        }
    }

    @Override
    public String toString() {
        return "ContainerTestInfrastructure[" + kafkaBootstrapServers() + ", " + jdbcUrl() + "]";
    }
}
