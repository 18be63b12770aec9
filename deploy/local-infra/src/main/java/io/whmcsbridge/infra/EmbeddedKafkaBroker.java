package io.whmcsbridge.infra;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A real Kafka broker in KRaft mode, run in this JVM from Apache Kafka's own jars: one node (id 1) that is broker and
 * controller, a PLAINTEXT listener on {@code 127.0.0.1:port} and a CONTROLLER listener on another port. The first
 * {@link #start()} formats the storage ({@link Formatter}, what {@code kafka-storage.sh format} runs); later starts
 * reuse it, so {@link #restart()} brings the broker back on the same ports with the same topics, records and
 * committed offsets, and clients reconnect by themselves.
 *
 * <pre>{@code
 * EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.builder().port(9092).dataDir(Path.of("data/kafka")).build().start();
 * kafka.createTopics(3, "orders");
 * String bootstrap = kafka.bootstrapServers(); // 127.0.0.1:9092
 * }</pre>
 *
 * Without a data directory, a temporary one is made under {@code $TMPDIR/whmcs-local-infra} and deleted by
 * {@link #close()}; should the JVM be killed instead, the next JVM that makes one deletes it.
 * <p>Longer than 250 lines because it is one broker's whole life (format, start, restart, topics, stop) over Kafka's
 * own classes.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {
    public static final int NODE_ID = 1;
    private static final String PROPERTIES_FILE = "embedded-broker.properties";

    private final Object remote; // the JVM-wide broker when this is a view of it from another class loader
    private final int port;
    private final int controllerPort;
    private final Path dataDir;
    private final boolean temporary;
    private final int defaultPartitions;
    private final Map<String, String> overrides;
    private KafkaRaftServer server;
    private long lastStartMillis = -1;

    private EmbeddedKafkaBroker(Builder b) {
        this.remote = null;
        this.temporary = b.dataDir == null;
        this.dataDir = temporary ? DataDirectories.temporary("kafka-") : b.dataDir.toAbsolutePath();
        this.port = b.port == 0 ? FreePorts.freePort() : b.port;
        this.controllerPort = b.controllerPort != 0 ? b.controllerPort : previousControllerPort(dataDir);
        this.defaultPartitions = b.partitions;
        this.overrides = Map.copyOf(b.overrides);
    }

    private EmbeddedKafkaBroker(Object remote) {
        this.remote = remote;
        this.port = (Integer) AcrossClassLoaders.call(remote, "port");
        this.controllerPort = (Integer) AcrossClassLoaders.call(remote, "controllerPort");
        this.dataDir = (Path) AcrossClassLoaders.call(remote, "dataDir");
        this.temporary = false;
        this.defaultPartitions = 0;
        this.overrides = Map.of();
    }

    /** A view of a broker whose classes come from another class loader: see {@link AcrossClassLoaders}. */
    public static EmbeddedKafkaBroker remote(Object broker) {
        return broker == null ? null : new EmbeddedKafkaBroker(broker);
    }

    /** A broker on a free port (and a free controller port), with its data in a temporary directory. */
    public EmbeddedKafkaBroker() {
        this(builder());
    }

    /**
     * @param port              the PLAINTEXT port on 127.0.0.1, 0 for a free one
     * @param dataDir           where the log directory goes, null for a temporary directory
     * @param defaultPartitions {@code num.partitions}: partitions of auto-created topics
     */
    public EmbeddedKafkaBroker(int port, Path dataDir, int defaultPartitions) {
        this(builder().port(port).dataDir(dataDir).partitions(defaultPartitions));
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private int port;
        private int controllerPort;
        private Path dataDir;
        private int partitions = 1;
        private final Map<String, String> overrides = new LinkedHashMap<>();

        private Builder() {
        }

        /** The PLAINTEXT port on 127.0.0.1; 0 (the default) picks a free one. */
        public Builder port(int port) {
            this.port = checkPort(port);
            return this;
        }

        /** The CONTROLLER port on 127.0.0.1; 0 (the default) reuses the one of the data directory, or picks a free one. */
        public Builder controllerPort(int controllerPort) {
            this.controllerPort = checkPort(controllerPort);
            return this;
        }

        /** The data directory (created if missing, kept by stop and close); null (the default) for a temporary one. */
        public Builder dataDir(Path dataDir) {
            this.dataDir = dataDir;
            return this;
        }

        /** {@code num.partitions}, the partitions of auto-created topics; 1 by default. */
        public Builder partitions(int partitions) {
            if (partitions < 1) {
                throw new IllegalArgumentException("partitions must be at least 1");
            }
            this.partitions = partitions;
            return this;
        }

        /** Any broker setting, applied over the defaults of this class. */
        public Builder property(String key, String value) {
            overrides.put(key, value);
            return this;
        }

        public EmbeddedKafkaBroker build() {
            return new EmbeddedKafkaBroker(this);
        }

        private static int checkPort(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("not a port: " + port);
            }
            return port;
        }
    }

    /** Formats the storage if it is new, starts the broker and waits until it serves requests. Idempotent. */
    public synchronized EmbeddedKafkaBroker start() {
        if (remote != null) {
            AcrossClassLoaders.call(remote, "start");
            return this;
        }
        if (server != null) {
            return this;
        }
        long t0 = System.nanoTime();
        QuietLogs.quietServerLogs();
        OwnClassLoader.run(() -> {
            try {
                Files.createDirectories(logDir());
                Properties props = properties();
                try (OutputStream out = Files.newOutputStream(dataDir.resolve(PROPERTIES_FILE))) {
                    props.store(out, "embedded KRaft broker (written at each start; for information)");
                }
                KafkaConfig config = KafkaConfig.fromProps(props, false);
                if (!Files.exists(logDir().resolve("meta.properties"))) {
                    format(config);
                }
                KafkaRaftServer s = new KafkaRaftServer(config, Time.SYSTEM);
                try {
                    s.startup();
                    awaitReady();
                } catch (RuntimeException | Error e) {
                    shutdownQuietly(s);
                    throw e;
                }
                server = s;
                return null;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        lastStartMillis = Millis.since(t0);
        return this;
    }

    private void format(KafkaConfig config) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            new Formatter()
                    .setPrintStream(new PrintStream(out, true, StandardCharsets.UTF_8))
                    .setNodeId(NODE_ID)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setDirectories(List.of(logDir().toString()))
                    .setMetadataLogDirectory(config.metadataLogDir())
                    .setControllerListenerName("CONTROLLER")
                    .setIgnoreFormatted(true)
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException("formatting the Kafka storage in " + logDir() + " failed: "
                    + out.toString(StandardCharsets.UTF_8), e);
        }
    }

    private Properties properties() {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", Integer.toString(NODE_ID));
        p.put("controller.quorum.voters", NODE_ID + "@127.0.0.1:" + controllerPort);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", logDir().toString());
        // one node
        p.put("num.partitions", Integer.toString(defaultPartitions));
        p.put("default.replication.factor", "1");
        p.put("auto.create.topics.enable", "true");
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "4");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "4");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("share.coordinator.state.topic.num.partitions", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        // a restarted controller keeps the broker's old registration until its session expires, and refuses the new
        // one (DUPLICATE_BROKER_REGISTRATION) until then: 9 s by default, the whole cost of a restart
        p.put("broker.heartbeat.interval.ms", "500");
        p.put("broker.session.timeout.ms", "3000");
        // small: threads, buffers and preallocated index files
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "2");
        p.put("background.threads", "2");
        p.put("num.replica.fetchers", "1");
        p.put("num.recovery.threads.per.data.dir", "1");
        p.put("log.cleaner.threads", "1");
        p.put("log.cleaner.dedupe.buffer.size", Integer.toString(4 * 1024 * 1024));
        p.put("log.cleaner.io.buffer.size", Integer.toString(256 * 1024));
        p.put("log.segment.bytes", Integer.toString(64 * 1024 * 1024));
        p.put("log.index.size.max.bytes", Integer.toString(1024 * 1024));
        p.put("queued.max.requests", "100");
        p.putAll(overrides);
        return p;
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + 60_000_000_000L;
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try (Admin admin = Topics.admin(bootstrapServers())) {
                if (!admin.describeCluster().nodes().get().isEmpty()) {
                    return;
                }
            } catch (Exception e) {
                last = e;
            }
            Millis.sleep(50);
        }
        throw new IllegalStateException("the embedded Kafka broker did not become ready in 60 s", last);
    }

    /** Stops the broker (a controlled shutdown) and keeps its data. Idempotent. */
    public synchronized void stop() {
        if (remote != null) {
            AcrossClassLoaders.call(remote, "stop");
            return;
        }
        if (server != null) {
            KafkaRaftServer s = server;
            server = null;
            OwnClassLoader.run(() -> {
                s.shutdown();
                s.awaitShutdown();
                return null;
            });
        }
    }

    /** Stops and starts again on the same ports with the same data. */
    public synchronized void restart() {
        if (remote != null) {
            AcrossClassLoaders.call(remote, "restart");
            return;
        }
        stop();
        start();
    }

    /** Stops; deletes the data directory if it is a temporary one. */
    @Override
    public synchronized void close() {
        if (remote != null) {
            throw new UnsupportedOperationException("the JVM-wide broker is closed when the JVM exits");
        }
        stop();
        if (temporary) {
            DataDirectories.deleteRecursively(dataDir);
        }
    }

    /** {@code 127.0.0.1:port}, for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public int controllerPort() {
        return controllerPort;
    }

    /** The data directory: the log directory is {@code dataDir().resolve("logs")}. */
    public Path dataDir() {
        return dataDir;
    }

    public synchronized boolean isRunning() {
        if (remote != null) {
            return (Boolean) AcrossClassLoaders.call(remote, "isRunning");
        }
        return server != null;
    }

    /** How long the last {@link #start()} took, in ms (-1 before the first). */
    public synchronized long lastStartMillis() {
        if (remote != null) {
            return (Long) AcrossClassLoaders.call(remote, "lastStartMillis");
        }
        return lastStartMillis;
    }

    /**
     * Creates those of the topics that do not exist yet (replication factor 1), and waits until each partition has
     * a leader. Existing topics are left as they are, whatever their partition count.
     */
    public void createTopics(int partitions, String... names) {
        if (remote != null) {
            AcrossClassLoaders.call(remote, "createTopics", new Class<?>[] { int.class, String[].class }, partitions, names);
            return;
        }
        OwnClassLoader.run(() -> {
            Topics.createTopics(bootstrapServers(), partitions, names);
            return null;
        });
    }

    private Path logDir() {
        return dataDir.resolve("logs");
    }

    /** The controller port of an earlier run with this data directory (the quorum's address), else a free one. */
    private static int previousControllerPort(Path dataDir) {
        Path file = dataDir.resolve(PROPERTIES_FILE);
        if (Files.exists(file)) {
            Properties p = new Properties();
            try (InputStream in = Files.newInputStream(file)) {
                p.load(in);
                String voters = p.getProperty("controller.quorum.voters", "");
                int colon = voters.lastIndexOf(':');
                if (colon > 0) {
                    return Integer.parseInt(voters.substring(colon + 1).trim());
                }
            } catch (IOException | NumberFormatException e) {
                // fall through to a free port
            }
        }
        return FreePorts.freePort();
    }

    private static void shutdownQuietly(KafkaRaftServer s) {
        try {
            s.shutdown();
            s.awaitShutdown();
        } catch (RuntimeException e) {
            // the start failure is what matters
        }
    }

    @Override
    public String toString() {
        return "EmbeddedKafkaBroker[" + bootstrapServers() + ", controller 127.0.0.1:" + controllerPort + ", " + dataDir + "]";
    }
}
