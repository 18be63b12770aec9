package io.whmcsbridge.cli;

import io.whmcsbridge.infra.EmbeddedKafkaBroker;
import io.whmcsbridge.infra.EmbeddedPostgresServer;
import io.whmcsbridge.infra.LocalInfra;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The stack's Kafka and PostgreSQL: both embedded (deploy/local-infra's {@link LocalInfra}), or either of them
 * external ({@code --bootstrap-servers}, {@code --jdbc-url}) for people who already run them. External ones get
 * the topics and databases the services need if they are missing.
 */
final class StackInfra implements AutoCloseable {
    /** A database URL per family: {@code <family>} is replaced, or {@code whmcs_<family>} is appended to a server URL. */
    static final String FAMILY = "<family>";
    private static final Pattern URL = Pattern.compile("^(jdbc:postgresql://[^/?]+/)([^?]*)(\\?.*)?$");

    private LocalInfra.Running both;
    private EmbeddedKafkaBroker kafka;
    private EmbeddedPostgresServer postgres;
    private String bootstrap;
    private String jdbcTemplate;
    private String user;
    private String password;

    /** What {@link #close()} stops, for the progress line; null when both are external. */
    String embedded() {
        return both != null ? "Kafka and PostgreSQL" : kafka != null && postgres != null ? "Kafka and PostgreSQL"
                : kafka != null ? "Kafka" : postgres != null ? "PostgreSQL" : null;
    }

    String bootstrapServers() {
        return bootstrap;
    }

    String jdbcUrl(String family) {
        return databaseUrl(jdbcTemplate, family);
    }

    String user() {
        return user;
    }

    String password() {
        return password;
    }

    static String databaseUrl(String template, String family) {
        if (template.contains(FAMILY)) {
            return template.replace(FAMILY, family);
        }
        Matcher m = URL.matcher(template);
        if (m.matches() && m.group(2).isEmpty()) {
            return m.group(1) + "whmcs_" + family + (m.group(3) == null ? "" : m.group(3));
        }
        throw new IllegalArgumentException("--jdbc-url " + template + " names one database: give the server "
                + "(jdbc:postgresql://host:5432/, each service gets whmcs_<family>) or a URL with " + FAMILY
                + " (jdbc:postgresql://host:5432/bridge_" + FAMILY + ")");
    }

    /**
     * @param externalKafka  null: the embedded broker on {@code o.kafkaPort()}
     * @param externalJdbc   null: the embedded PostgreSQL on {@code o.pgPort()}
     */
    static StackInfra start(LocalInfra.Options o, String externalKafka, String externalJdbc, String dbUser, String dbPassword,
            PrintStream out) {
        StackInfra infra = new StackInfra();
        try {
            if (externalKafka == null && externalJdbc == null) {
                out.println("starting Kafka and PostgreSQL ...");
                infra.both = LocalInfra.start(LocalInfra.create(o), new PrintStream(out, true) {
                    @Override
                    public void println(String line) {
                        // its own READY is not the stack's
                        super.println(line.startsWith("READY in") ? "Kafka and PostgreSQL r" + line.substring(1).toLowerCase() : line);
                    }
                });
                infra.bootstrap = infra.both.kafka().bootstrapServers();
                infra.jdbcTemplate = infra.both.jdbcUrl("whmcs_" + FAMILY);
                infra.user = o.dbUser();
                infra.password = o.dbPassword();
                return infra;
            }
            if (externalKafka == null) {
                out.println("starting Kafka ...");
                infra.kafka = EmbeddedKafkaBroker.builder().port(o.kafkaPort()).dataDir(o.dataDir().resolve("kafka"))
                        .partitions(o.partitions()).build().start();
                infra.kafka.createTopics(o.partitions(), o.topics().toArray(String[]::new));
                infra.bootstrap = infra.kafka.bootstrapServers();
                out.println("kafka " + infra.bootstrap + " (" + o.topics().size() + " topics; started in "
                        + infra.kafka.lastStartMillis() + " ms)");
            } else {
                infra.bootstrap = externalKafka;
                int created = ensureTopics(externalKafka, o.topics(), o.partitions());
                out.println("kafka " + externalKafka + " (external; " + created + " missing topics created)");
            }
            if (externalJdbc == null) {
                out.println("starting PostgreSQL ...");
                infra.postgres = new EmbeddedPostgresServer(o.pgPort(), o.dataDir().resolve("postgres")).start();
                infra.postgres.createRole(o.dbUser(), o.dbPassword());
                for (String db : o.databases()) {
                    infra.postgres.createDatabase(db, o.dbUser());
                }
                infra.jdbcTemplate = infra.postgres.jdbcUrl("whmcs_" + FAMILY);
                infra.user = o.dbUser();
                infra.password = o.dbPassword();
            } else {
                infra.jdbcTemplate = externalJdbc;
                infra.user = dbUser;
                infra.password = dbPassword;
                for (String family : LocalInfra.FAMILIES) {
                    ensureDatabase(databaseUrl(externalJdbc, family), dbUser, dbPassword);
                }
            }
            out.println("postgres " + infra.jdbcTemplate + (externalJdbc == null ? "" : " (external)") + " user=" + infra.user);
            return infra;
        } catch (RuntimeException e) {
            infra.close();
            throw e;
        }
    }

    static int ensureTopics(String bootstrap, List<String> topics, int partitions) {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap, "request.timeout.ms", 5000,
                "default.api.timeout.ms", 5000))) {
            Set<String> existing;
            try {
                existing = admin.listTopics().names().get(6, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("no broker at " + bootstrap + ": check --bootstrap-servers (or leave it out "
                        + "to run the embedded broker)");
            }
            List<NewTopic> missing = topics.stream().filter(t -> !existing.contains(t))
                    .map(t -> new NewTopic(t, Optional.of(partitions), Optional.empty())).toList();
            if (!missing.isEmpty()) {
                try {
                    admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException("could not create the topics " + missing.stream().map(NewTopic::name).toList()
                            + " on " + bootstrap + " (" + e.getMessage() + "): create them, or run the stack without "
                            + "--bootstrap-servers");
                }
            }
            return missing.size();
        }
    }

    /** Connects; a database that does not exist yet is created through the server's {@code postgres} database. */
    static void ensureDatabase(String url, String user, String password) {
        try (Connection c = DriverManager.getConnection(url, user, password)) {
            return;
        } catch (SQLException e) {
            if (!"3D000".equals(e.getSQLState())) { // anything but "database does not exist"
                throw new IllegalStateException("cannot connect to " + url + " as " + user + " (" + firstLine(e)
                        + "): check --jdbc-url, --db-user and --db-password (or leave --jdbc-url out to run the embedded PostgreSQL)");
            }
        }
        Matcher m = URL.matcher(url);
        String database = m.matches() ? m.group(2) : "";
        String server = m.matches() ? m.group(1) + "postgres" + (m.group(3) == null ? "" : m.group(3)) : url;
        try (Connection c = DriverManager.getConnection(server, user, password); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE \"" + database.replace("\"", "\"\"") + "\"");
        } catch (SQLException e) {
            throw new IllegalStateException("database " + database + " does not exist at " + url + " and could not be created ("
                    + firstLine(e) + "): create it (CREATE DATABASE " + database + " OWNER " + user + ")");
        }
    }

    private static String firstLine(SQLException e) {
        return String.valueOf(e.getMessage()).lines().findFirst().orElse("");
    }

    @Override
    public void close() {
        try {
            if (both != null) {
                both.close();
            }
            if (kafka != null) {
                kafka.stop();
            }
        } finally {
            if (postgres != null) {
                postgres.stop();
            }
        }
    }
}
