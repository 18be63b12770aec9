package io.whmcsbridge.infra.testing;

import io.whmcsbridge.infra.AcrossClassLoaders;
import io.whmcsbridge.infra.EmbeddedKafkaBroker;
import io.whmcsbridge.infra.EmbeddedPostgresServer;

/** This class loader's view of the JVM-wide {@link TestInfrastructure} of the system class loader. */
final class BridgedTestInfrastructure implements TestInfrastructure {
    private static final Class<?>[] STRING = { String.class };
    private final Object target;
    private final String kind;
    private final EmbeddedKafkaBroker kafka;
    private final EmbeddedPostgresServer postgres;

    BridgedTestInfrastructure(Object target) {
        this.target = target;
        this.kind = (String) AcrossClassLoaders.call(target, "kind");
        this.kafka = EmbeddedKafkaBroker.remote(AcrossClassLoaders.call(target, "embeddedKafka"));
        this.postgres = EmbeddedPostgresServer.remote(AcrossClassLoaders.call(target, "embeddedPostgres"));
    }

    @Override
    public String kafkaBootstrapServers() {
        return (String) AcrossClassLoaders.call(target, "kafkaBootstrapServers");
    }

    @Override
    public String jdbcUrl(String database) {
        return (String) AcrossClassLoaders.call(target, "jdbcUrl", STRING, database);
    }

    @Override
    public String jdbcUser() {
        return (String) AcrossClassLoaders.call(target, "jdbcUser");
    }

    @Override
    public String jdbcPassword() {
        return (String) AcrossClassLoaders.call(target, "jdbcPassword");
    }

    @Override
    public void createDatabase(String name) {
        AcrossClassLoaders.call(target, "createDatabase", STRING, name);
    }

    @Override
    public void createTopics(int partitions, String... names) {
        AcrossClassLoaders.call(target, "createTopics", new Class<?>[] { int.class, String[].class }, partitions, names);
    }

    @Override
    public String kind() {
        return kind;
    }

    @Override
    public EmbeddedKafkaBroker embeddedKafka() {
        return kafka;
    }

    @Override
    public EmbeddedPostgresServer embeddedPostgres() {
        return postgres;
    }

    @Override
    public String toString() {
        return "view of " + target;
    }
}
