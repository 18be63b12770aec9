package io.whmcsbridge.infra;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The embedded Kafka broker and PostgreSQL as a program, for a local stack. Prints one line per endpoint, then
 * {@code READY}; stops both cleanly on SIGINT/SIGTERM. Data persists in {@code --data-dir} across runs.
 *
 * <pre>
 * LocalInfra [--kafka-port 9092] [--controller-port N] [--pg-port 15432] [--data-dir .local-stack/infra]
 *            [--databases whmcs_abuse,whmcs_projects,whmcs_billing,whmcs_reseller] [--db-user whmcs] [--db-password whmcs]
 *            [--topics whmcs.abuse.commands,...] [--partitions 4]
 * </pre>
 * Environment variables, overridden by the flags: {@code LOCAL_INFRA_KAFKA_PORT}, {@code LOCAL_INFRA_PG_PORT},
 * {@code LOCAL_INFRA_DATA_DIR}. Port 0 picks a free port.
 */
public final class LocalInfra {
    public static final List<String> FAMILIES = List.of("abuse", "projects", "billing", "reseller");

    private LocalInfra() {
    }

    /** The settings of a run. */
    public record Options(int kafkaPort, int controllerPort, int pgPort, Path dataDir, List<String> databases,
            String dbUser, String dbPassword, List<String> topics, int partitions) {

        public static Options defaults() {
            List<String> topics = new ArrayList<>();
            for (String f : FAMILIES) {
                topics.addAll(List.of("whmcs." + f + ".commands", "whmcs." + f + ".results", "whmcs." + f + ".commands.dlq"));
            }
            return new Options(9092, 0, 15432, Path.of(".local-stack", "infra"),
                    FAMILIES.stream().map(f -> "whmcs_" + f).toList(), "whmcs", "whmcs", List.copyOf(topics), 4);
        }

        /** The defaults, then the environment variables, then the flags. */
        public static Options parse(String[] args, Map<String, String> env) {
            Options o = defaults();
            int kafkaPort = port(env.getOrDefault("LOCAL_INFRA_KAFKA_PORT", Integer.toString(o.kafkaPort)));
            int controllerPort = o.controllerPort;
            int pgPort = port(env.getOrDefault("LOCAL_INFRA_PG_PORT", Integer.toString(o.pgPort)));
            Path dataDir = Path.of(env.getOrDefault("LOCAL_INFRA_DATA_DIR", o.dataDir.toString()));
            List<String> databases = o.databases;
            String dbUser = o.dbUser;
            String dbPassword = o.dbPassword;
            List<String> topics = o.topics;
            int partitions = o.partitions;
            for (int i = 0; i < args.length; i++) {
                String flag = args[i];
                String value;
                int eq = flag.indexOf('=');
                if (flag.startsWith("--") && eq > 0) {
                    value = flag.substring(eq + 1);
                    flag = flag.substring(0, eq);
                } else if (flag.equals("--help") || flag.equals("-h")) {
                    throw new IllegalArgumentException("help");
                } else if (i + 1 < args.length) {
                    value = args[++i];
                } else {
                    throw new IllegalArgumentException("missing value after " + flag);
                }
                switch (flag) {
                    case "--kafka-port" -> kafkaPort = port(value);
                    case "--controller-port" -> controllerPort = port(value);
                    case "--pg-port" -> pgPort = port(value);
                    case "--data-dir" -> dataDir = Path.of(value);
                    case "--databases" -> databases = list(value);
                    case "--db-user" -> dbUser = value;
                    case "--db-password" -> dbPassword = value;
                    case "--topics" -> topics = list(value);
                    case "--partitions" -> {
                        partitions = Integer.parseInt(value.trim());
                        if (partitions < 1) {
                            throw new IllegalArgumentException("--partitions must be at least 1");
                        }
                    }
                    default -> throw new IllegalArgumentException("unknown flag " + flag);
                }
            }
            return new Options(kafkaPort, controllerPort, pgPort, dataDir, databases, dbUser, dbPassword, topics, partitions);
        }

        private static int port(String value) {
            int p = Integer.parseInt(value.trim());
            if (p < 0 || p > 65535) {
                throw new IllegalArgumentException("not a port: " + value);
            }
            return p;
        }

        private static List<String> list(String value) {
            return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        }
    }

    /** The broker and database server of a run; {@link #close()} stops both (whatever part started) and keeps their data. */
    public record Running(EmbeddedKafkaBroker kafka, EmbeddedPostgresServer postgres, Options options)
            implements AutoCloseable {

        public String jdbcUrl(String database) {
            return postgres.jdbcUrl(database);
        }

        @Override
        public void close() {
            try {
                kafka.stop();
            } finally {
                postgres.stop();
            }
        }
    }

    /** The broker and database server of {@code o}, not started yet. */
    public static Running create(Options o) {
        EmbeddedPostgresServer pg = new EmbeddedPostgresServer(o.pgPort(), o.dataDir().resolve("postgres"));
        EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.builder()
                .port(o.kafkaPort())
                .controllerPort(o.controllerPort())
                .dataDir(o.dataDir().resolve("kafka"))
                .partitions(o.partitions())
                .build();
        return new Running(kafka, pg, o);
    }

    /** Starts both, creates the role, databases and topics, prints the endpoints and READY on {@code out}. */
    public static Running start(Running r, PrintStream out) {
        long t0 = System.nanoTime();
        Options o = r.options();
        EmbeddedPostgresServer pg = r.postgres();
        EmbeddedKafkaBroker kafka = r.kafka();
        try {
            pg.start();
            pg.createRole(o.dbUser(), o.dbPassword());
            for (String db : o.databases()) {
                pg.createDatabase(db, o.dbUser());
            }
            kafka.start();
            kafka.createTopics(o.partitions(), o.topics().toArray(String[]::new));
        } catch (RuntimeException e) {
            r.close();
            throw e;
        }
        out.println("kafka " + kafka.bootstrapServers() + " (" + o.topics().size() + " topics, " + o.partitions()
                + " partitions; started in " + kafka.lastStartMillis() + " ms)");
        for (String db : o.databases()) {
            out.println("postgres " + pg.jdbcUrl(db) + " user=" + o.dbUser() + " password=" + o.dbPassword());
        }
        out.println("postgres superuser " + EmbeddedPostgresServer.USER + "/" + EmbeddedPostgresServer.PASSWORD
                + " (started in " + pg.lastStartMillis() + " ms); data in " + o.dataDir().toAbsolutePath());
        out.println("READY in " + Millis.since(t0) + " ms");
        out.flush();
        return r;
    }

    /**
     * slf4j's backend here is jboss-logmanager (as in the Quarkus apps); it wants to be the java.util.logging manager
     * before anything logs, or it complains on stderr. The server categories log at WARN and above.
     */
    private static void useJbossLogManager() {
        if (System.getProperty("java.util.logging.manager") == null
                && LocalInfra.class.getClassLoader().getResource("org/jboss/logmanager/LogManager.class") != null) {
            System.setProperty("java.util.logging.manager", "org.jboss.logmanager.LogManager");
        }
        // unconfigured, jboss-logmanager queues everything in a DelayedHandler that nothing ever flushes: replace it
        java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
        for (java.util.logging.Handler h : root.getHandlers()) {
            root.removeHandler(h);
        }
        {
            java.util.logging.ConsoleHandler console = new java.util.logging.ConsoleHandler(); // stderr
            console.setLevel(java.util.logging.Level.ALL);
            console.setFormatter(new java.util.logging.Formatter() {
                @Override
                public String format(java.util.logging.LogRecord r) {
                    String text = formatMessage(r);
                    if (r.getThrown() != null) {
                        java.io.StringWriter w = new java.io.StringWriter();
                        r.getThrown().printStackTrace(new java.io.PrintWriter(w));
                        text += System.lineSeparator() + w;
                    }
                    return String.format("%1$tT %2$s [%3$s] %4$s%n", r.getMillis(), r.getLevel(), r.getLoggerName(), text);
                }
            });
            root.addHandler(console);
            root.setLevel(QuietLogs.level(System.getProperty("whmcs.infra.log.level", "WARN")));
        }
    }

    public static void main(String[] args) throws InterruptedException {
        useJbossLogManager();
        Options options;
        try {
            options = Options.parse(args, System.getenv());
        } catch (IllegalArgumentException e) {
            if (!"help".equals(e.getMessage())) {
                System.err.println(e.getMessage());
            }
            System.err.println("usage: LocalInfra [--kafka-port 9092] [--controller-port N] [--pg-port 15432]"
                    + " [--data-dir .local-stack/infra] [--databases a,b] [--db-user whmcs] [--db-password whmcs]"
                    + " [--topics t1,t2] [--partitions 4]");
            System.exit("help".equals(e.getMessage()) ? 0 : 2);
            return;
        }
        Running running = create(options);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("stopping Kafka and PostgreSQL");
            running.close(); // waits for a start in progress, then stops what it started
            System.out.println("stopped");
            stopped.countDown();
        }, "local-infra-stop"));
        try {
            start(running, System.out);
        } catch (RuntimeException e) {
            System.err.println("LocalInfra failed to start: " + e);
            e.printStackTrace();
            System.exit(1);
        }
        stopped.await();
    }
}
