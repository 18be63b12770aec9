package io.whmcsbridge.reliability;

import io.whmcsbridge.infra.EmbeddedKafkaBroker;
import io.whmcsbridge.infra.EmbeddedPostgresServer;
import io.whmcsbridge.infra.ServiceProcess;
import io.whmcsbridge.simulator.ServiceWiring;
import io.whmcsbridge.simulator.WhmcsSimulator;
import io.whmcsbridge.simulator.core.SimulatorSettings;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a run of one service stands on: the embedded Kafka broker (the service's topics with {@code partitions}
 * partitions), PostgreSQL with the service's database, the simulator in this JVM, and the environment a service
 * process gets to use them. Starts service processes from {@code <family>-service/target/quarkus-app} with the
 * production JVM settings, and reads the command log.
 */
final class Rig implements AutoCloseable {
    static final List<String> JVM = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx128m");

    final Workload work;
    final Path root;
    final EmbeddedKafkaBroker kafka;
    final EmbeddedPostgresServer pg;
    final WhmcsSimulator sim;
    /** The environment every service process of the run gets; a run adds its own settings before starting one. */
    final Map<String, String> env = new HashMap<>();

    Rig(Workload work, Path root, int partitions) throws Exception {
        this.work = work;
        this.root = root;
        kafka = EmbeddedKafkaBroker.builder().port(0).partitions(partitions).build().start();
        kafka.createTopics(partitions, work.commands(), work.results(), work.commands() + ".dlq");
        pg = new EmbeddedPostgresServer(0, null).start();
        pg.createRole("whmcs", "whmcs");
        pg.createDatabase(database(), "whmcs");
        sim = WhmcsSimulator.start("127.0.0.1", 0, new SimulatorSettings());
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put("WHMCS_DB_URL", pg.jdbcUrl(database()));
        env.put("WHMCS_DB_USER", "whmcs");
        env.put("WHMCS_DB_PASSWORD", "whmcs");
        env.putAll(ServiceWiring.apiEnv(work.family(), "http://127.0.0.1:" + sim.port()));
        env.put("MALLOC_ARENA_MAX", "2");
    }

    private String database() {
        return "whmcs_" + work.family();
    }

    Path app() {
        return root.resolve(work.family() + "-service/target/quarkus-app");
    }

    /** A log per process under target/reliability, so a stall after a particular start can be read afterwards. */
    Path log(String name) {
        return root.resolve("target/reliability/" + work.family() + "-service-" + name + ".log");
    }

    /** Starts a service process with the run's environment plus {@code extra}, and waits until it is ready. */
    ServiceProcess start(int port, String logName, Map<String, String> extra) throws Exception {
        Map<String, String> e = new HashMap<>(env);
        e.putAll(extra);
        return ServiceProcess.start(app(), JVM, e, port, log(logName));
    }

    Connection db() throws SQLException {
        return DriverManager.getConnection(pg.jdbcUrl(database()), "whmcs", "whmcs");
    }

    /** A command's row in the command log. */
    record Row(String status, String errorCode, java.time.Instant completedAt) {
    }

    /** The command log's rows of the ids starting with {@code prefix} (none before the service made its tables). */
    Map<String, Row> rows(String prefix) throws SQLException {
        Map<String, Row> rows = new HashMap<>();
        try (Connection c = db();
                PreparedStatement q = c.prepareStatement("SELECT command_id, status, error_code, completed_at FROM command_log WHERE command_id LIKE ?")) {
            q.setString(1, prefix + "%");
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    java.sql.Timestamp done = rs.getTimestamp(4);
                    rows.put(rs.getString(1), new Row(rs.getString(2), rs.getString(3), done == null ? null : done.toInstant()));
                }
            }
        } catch (SQLException e) {
            if (!"42P01".equals(e.getSQLState())) { // undefined table: the first service has not migrated yet
                throw e;
            }
        }
        return rows;
    }

    /**
     * The ids of {@code prefix} whose rows are {@code IN_FLIGHT}: with the lease columns of the fleet pipeline
     * ({@code lease_holder}), only those held by a replica whose id starts with {@code holder}; without them, all.
     */
    Set<String> inFlight(String prefix, String holder) throws SQLException {
        Set<String> ids = new LinkedHashSet<>();
        try (Connection c = db()) {
            boolean leases;
            try (ResultSet rs = c.getMetaData().getColumns(null, null, "command_log", "lease_holder")) {
                leases = rs.next();
            }
            String sql = "SELECT command_id FROM command_log WHERE status = 'IN_FLIGHT' AND command_id LIKE ?"
                    + (leases && holder != null ? " AND lease_holder LIKE ?" : "");
            try (PreparedStatement q = c.prepareStatement(sql)) {
                q.setString(1, prefix + "%");
                if (leases && holder != null) {
                    q.setString(2, holder + "%");
                }
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getString(1));
                    }
                }
            }
        }
        return ids;
    }

    long unpublishedOutbox() throws SQLException {
        try (Connection c = db(); ResultSet rs = c.createStatement().executeQuery(
                "SELECT count(*) FROM outbox_event WHERE published_at IS NULL")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Override
    public void close() {
        sim.close();
        kafka.close();
        pg.close();
    }
}
