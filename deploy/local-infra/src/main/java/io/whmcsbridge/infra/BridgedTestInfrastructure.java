package io.whmcsbridge.infra;

/** This class loader's view of the JVM-wide {@link TestInfrastructure} of the system class loader. */
final class BridgedTestInfrastructure implements TestInfrastructure {
    private static final Class<?>[] STRING = { String.class };
    private final Object target;
    private final String kind;
    private final EmbeddedKafkaBroker kafka;
    private final EmbeddedPostgresServer postgres;

    BridgedTestInfrastructure(Object target) {
        this.target = target;
        this.kind = (String) Support.call(target, "kind");
        this.kafka = EmbeddedKafkaBroker.remote(Support.call(target, "embeddedKafka"));
        this.postgres = EmbeddedPostgresServer.remote(Support.call(target, "embeddedPostgres"));
    }

    @Override
    public String kafkaBootstrapServers() {
        return (String) Support.call(target, "kafkaBootstrapServers");
    }

    @Override
    public String jdbcUrl(String database) {
        return (String) Support.call(target, "jdbcUrl", STRING, database);
    }

    @Override
    public String jdbcUser() {
        return (String) Support.call(target, "jdbcUser");
    }

    @Override
    public String jdbcPassword() {
        return (String) Support.call(target, "jdbcPassword");
    }

    @Override
    public void createDatabase(String name) {
        Support.call(target, "createDatabase", STRING, name);
    }

    @Override
    public void createTopics(int partitions, String... names) {
        Support.call(target, "createTopics", new Class<?>[] { int.class, String[].class }, partitions, names);
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
