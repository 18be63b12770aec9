package io.whmcsbridge.infra.testing;

import io.whmcsbridge.infra.EmbeddedKafkaBroker;
import io.whmcsbridge.infra.EmbeddedPostgresServer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The default test infrastructure: an {@link EmbeddedKafkaBroker} and an {@link EmbeddedPostgresServer}, on free
 * ports with temporary data directories (deleted by {@link #close()}), started in parallel.
 */
public final class EmbeddedTestInfrastructure implements TestInfrastructure, AutoCloseable {
    private final EmbeddedKafkaBroker kafka;
    private final EmbeddedPostgresServer postgres;

    private EmbeddedTestInfrastructure(EmbeddedKafkaBroker kafka, EmbeddedPostgresServer postgres) {
        this.kafka = kafka;
        this.postgres = postgres;
    }

    /** Starts a new broker and database server (most tests want {@link TestInfrastructure#shared()} instead). */
    public static EmbeddedTestInfrastructure start() {
        EmbeddedPostgresServer pg = new EmbeddedPostgresServer();
        EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.builder().build();
        CompletableFuture<Void> pgStarted = CompletableFuture.runAsync(() -> {
            pg.start();
            pg.createDatabase(DEFAULT_DATABASE);
        });
        try {
            kafka.start();
            pgStarted.join();
        } catch (RuntimeException e) {
            try {
                pgStarted.join();
            } catch (RuntimeException ignored) {
                // reported through e, or its own cause
            }
            kafka.close();
            pg.close();
            throw e instanceof CompletionException && e.getCause() instanceof RuntimeException r ? r : e;
        }
        System.out.printf("test infrastructure: Kafka %s (started in %d ms), PostgreSQL %s (started in %d ms)%n",
                kafka.bootstrapServers(), kafka.lastStartMillis(), pg.jdbcUrl(DEFAULT_DATABASE), pg.lastStartMillis());
        return new EmbeddedTestInfrastructure(kafka, pg);
    }

    @Override
    public String kafkaBootstrapServers() {
        return kafka.bootstrapServers();
    }

    @Override
    public String jdbcUrl(String database) {
        return postgres.jdbcUrl(database);
    }

    @Override
    public String jdbcUser() {
        return EmbeddedPostgresServer.USER;
    }

    @Override
    public String jdbcPassword() {
        return EmbeddedPostgresServer.PASSWORD;
    }

    @Override
    public void createDatabase(String name) {
        postgres.createDatabase(name);
    }

    @Override
    public void createTopics(int partitions, String... names) {
        kafka.createTopics(partitions, names);
    }

    @Override
    public String kind() {
        return "embedded";
    }

    @Override
    public EmbeddedKafkaBroker embeddedKafka() {
        return kafka;
    }

    @Override
    public EmbeddedPostgresServer embeddedPostgres() {
        return postgres;
    }

    /** Stops both and deletes their data. */
    @Override
    public void close() {
        try {
            kafka.close();
        } finally {
            postgres.close();
        }
    }

    @Override
    public String toString() {
        return "EmbeddedTestInfrastructure[" + kafka + ", " + postgres + "]";
    }
}
