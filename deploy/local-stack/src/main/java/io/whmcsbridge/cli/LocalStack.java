package io.whmcsbridge.cli;

import io.whmcsbridge.infra.LocalInfra;
import io.whmcsbridge.infra.ServiceProcess;
import io.whmcsbridge.simulator.ServiceWiring;
import io.whmcsbridge.simulator.WhmcsSimulator;
import io.whmcsbridge.simulator.core.SimulatorSettings;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The whole system on one machine: the embedded Kafka broker and PostgreSQL (deploy/local-infra, in this JVM), the
 * simulator (in this JVM), and each built service as its own process from its packaged Quarkus application.
 * {@link #stop()} stops the services first (SIGTERM to all at once, while Kafka, PostgreSQL and the simulator are
 * still up for whatever they do on the way out), then the simulator, Kafka and PostgreSQL, then anything this JVM
 * started that is still alive.
 * <p>Longer than 250 lines because starting and stopping the stack is one ordered sequence whose steps share the
 * started parts.
 */
final class LocalStack implements AutoCloseable {
    /** The ingress API key of the local stack (only its SHA-256 goes to the services). */
    static final String LOCAL_KEY = "local-dev-key";
    static final List<String> FAMILIES = LocalInfra.FAMILIES;
    static final Map<String, Integer> DEFAULT_PORTS = Map.of("abuse", 8081, "projects", 8082, "billing", 8083, "reseller", 8084);
    /** A service gets this long after SIGTERM to drain before it is killed (Kubernetes' default grace period). */
    static final long DRAIN_SECONDS = 30;

    /** {@code externalKafka}, {@code externalJdbc}: null for the embedded ones (see {@link StackInfra}). */
    record Settings(Path root, int kafkaPort, int pgPort, int simulatorPort, Path dataDir, List<String> services,
            Map<String, Integer> ports, String externalKafka, String externalJdbc, String dbUser, String dbPassword) {
        Settings(Path root, int kafkaPort, int pgPort, int simulatorPort, Path dataDir, List<String> services,
                Map<String, Integer> ports) {
            this(root, kafkaPort, pgPort, simulatorPort, dataDir, services, ports, null, null, null, null);
        }

        int port(String family) {
            return ports.getOrDefault(family, DEFAULT_PORTS.get(family));
        }
    }

    /** A service that runs (pid, port, how long it took to be ready). */
    record Started(String family, ServiceProcess process, int port) {
    }

    private final Settings settings;
    private final PrintStream out;
    private final List<Started> started = new CopyOnWriteArrayList<>();
    private volatile StackInfra infra;
    private WhmcsSimulator simulator;
    private volatile boolean stopping;
    private boolean stopped;
    private long readyMillis;

    LocalStack(Settings settings, PrintStream out) {
        this.settings = settings;
        this.out = out;
    }

    List<Started> services() {
        return List.copyOf(started);
    }

    long readyMillis() {
        return readyMillis;
    }

    String bootstrapServers() {
        return infra.bootstrapServers();
    }

    String jdbcUrl(String family) {
        return infra.jdbcUrl(family);
    }

    /** Starts everything; a service that is not built, or does not start, is one line and the rest go on. */
    LocalStack start() throws Exception {
        long t0 = System.nanoTime();
        requireFreePorts();
        LocalInfra.Options defaults = LocalInfra.Options.defaults();
        LocalInfra.Options o = new LocalInfra.Options(settings.kafkaPort(), 0, settings.pgPort(),
                settings.root().resolve(settings.dataDir()), defaults.databases(), defaults.dbUser(), defaults.dbPassword(),
                defaults.topics(), defaults.partitions());
        infra = StackInfra.start(o, settings.externalKafka(), settings.externalJdbc(), settings.dbUser(), settings.dbPassword(), out);
        if (stopping) {
            return this;
        }
        out.println("starting the simulator ...");
        simulator = WhmcsSimulator.start("127.0.0.1", settings.simulatorPort(), new SimulatorSettings());
        out.println("simulator http://127.0.0.1:" + simulator.port() + " (abuse, projects, billing, reseller APIs)");
        // in parallel: on 2 cores four JVMs starting together are ready sooner than one after the other
        List<CompletableFuture<Void>> starts = new ArrayList<>();
        for (String family : settings.services()) {
            Path app = settings.root().resolve(family + "-service/target/quarkus-app");
            if (!Files.exists(app.resolve("quarkus-run.jar"))) {
                out.printf("%-9s skipped: not built (./mvnw -q package -DskipTests -pl %s-service -am, or ./deploy/bridge build)%n",
                        family, family);
                continue;
            }
            int port = settings.port(family);
            out.printf("%-9s starting on :%d ...%n", family, port);
            starts.add(CompletableFuture.runAsync(() -> startService(family, app, port)));
        }
        CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new)).join();
        readyMillis = (System.nanoTime() - t0) / 1_000_000;
        return this;
    }

    private void startService(String family, Path app, int port) {
        if (stopping) {
            return;
        }
        Path log = settings.root().resolve(".local-stack/logs/" + family + "-service.log");
        try {
            ServiceProcess p = ServiceProcess.start(app, jvmOptions(), env(family), port, log);
            started.add(new Started(family, p, port));
            if (stopping) {
                return; // stop() may have run its pass already: the scan of descendants in stop() catches it
            }
            out.printf("%-9s ready in %d ms: http://127.0.0.1:%d (health /q/health, metrics /q/metrics, OpenAPI /q/swagger-ui), "
                    + "topics whmcs.%s.*, log %s%n", family, p.readyMillis(), port, family, settings.root().relativize(log));
        } catch (Exception e) {
            if (!stopping) {
                out.printf("%-9s failed to start: %s%s%n", family, e.getMessage(), lastError(log));
            }
        }
    }

    /** The JVM settings of docs/PERFORMANCE.md (small heap, C1 only: cheap on 2 cores), as in deploy/k8s. */
    static List<String> jvmOptions() {
        return List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx128m", "-Xss512k",
                "-XX:ReservedCodeCacheSize=64m", "-XX:MaxMetaspaceSize=160m");
    }

    /** The service's configuration, in the same environment variables as docker-compose.yml and deploy/k8s. */
    Map<String, String> env(String family) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", infra.bootstrapServers());
        env.put("WHMCS_DB_URL", infra.jdbcUrl(family));
        env.put("WHMCS_DB_USER", infra.user());
        env.put("WHMCS_DB_PASSWORD", infra.password());
        // the local key may do everything: send every type, call the webhooks, read every command, /admin
        env.put("WHMCS_INGRESS_API_KEYS_LOCAL_SHA256", sha256(LOCAL_KEY));
        env.put("WHMCS_INGRESS_API_KEYS_LOCAL_TYPES", "*");
        env.put("WHMCS_INGRESS_API_KEYS_LOCAL_WEBHOOKS", "*");
        env.put("WHMCS_INGRESS_API_KEYS_LOCAL_READ_ALL", "true");
        env.put("WHMCS_INGRESS_API_KEYS_LOCAL_ADMIN", "true");
        // a person reads .local-stack/logs: plain lines instead of the production JSON
        env.put("_PROD_QUARKUS_LOG_CONSOLE_JSON_ENABLED", "false");
        env.put("MALLOC_ARENA_MAX", "2");
        env.putAll(ServiceWiring.apiEnv(family, "http://127.0.0.1:" + simulator.port()));
        return env;
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Checked before anything starts: a port in use is one line that says what to do, not a stack trace. */
    private void requireFreePorts() {
        Map<String, Integer> wanted = new LinkedHashMap<>();
        if (settings.externalKafka() == null) {
            wanted.put("Kafka (--kafka-port)", settings.kafkaPort());
        }
        if (settings.externalJdbc() == null) {
            wanted.put("PostgreSQL (--pg-port)", settings.pgPort());
        }
        wanted.put("the simulator (--simulator-port)", settings.simulatorPort());
        for (String family : settings.services()) {
            wanted.put(family + "-service (--port " + family + "=N)", settings.port(family));
        }
        List<String> busy = new ArrayList<>();
        wanted.forEach((what, port) -> {
            if (port != 0 && !free(port)) {
                busy.add(port + " for " + what);
            }
        });
        if (!busy.isEmpty()) {
            throw new IllegalStateException("port " + String.join(", ", busy) + " in use: is a stack already running? "
                    + "Stop it (Ctrl-C in its terminal), or choose other ports");
        }
    }

    private static boolean free(int port) {
        // services listen on all interfaces, Kafka and the simulator on 127.0.0.1: both must be free
        try (ServerSocket any = new ServerSocket(port); ServerSocket loop = new ServerSocket()) {
            any.close();
            loop.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String lastError(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            for (int i = lines.size() - 1; i >= 0; i--) {
                String l = lines.get(i);
                if (l.contains("ERROR") || l.contains("Exception")) {
                    return System.lineSeparator() + "          last error: " + (l.length() > 300 ? l.substring(0, 300) + " ..." : l);
                }
            }
        } catch (IOException ignored) {
            // no log yet
        }
        return "";
    }

    /** Idempotent; safe from a signal handler, a shutdown hook or a test. */
    synchronized void stop() {
        stopping = true;
        if (stopped) {
            return;
        }
        stopped = true;
        long t0 = System.nanoTime();
        List<ProcessHandle> services = serviceProcesses();
        if (!services.isEmpty()) {
            out.println("stopping " + services.size() + " service(s) (SIGTERM; Kafka, PostgreSQL and the simulator stay up until "
                    + "they have exited) ...");
        }
        services.forEach(ProcessHandle::destroy); // SIGTERM to all at once: they drain side by side
        for (ProcessHandle p : services) {
            awaitExit(p, DRAIN_SECONDS);
        }
        if (simulator != null) {
            simulator.close();
        }
        if (infra != null && infra.embedded() != null) {
            out.println("stopping " + infra.embedded() + " ...");
            infra.close();
        }
        // whatever else this JVM started and left (nothing, normally)
        List<ProcessHandle> left = ProcessHandle.current().descendants().toList();
        left.forEach(ProcessHandle::destroy);
        left.forEach(p -> awaitExit(p, 5));
        out.printf("stopped in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        out.flush();
    }

    /** The services, including one still starting (not yet in {@link #started}). */
    private List<ProcessHandle> serviceProcesses() {
        List<ProcessHandle> list = new ArrayList<>();
        started.forEach(s -> ProcessHandle.of(s.process().pid()).ifPresent(list::add));
        ProcessHandle.current().children()
                .filter(p -> p.info().arguments().map(a -> String.join(" ", a).contains("quarkus-run.jar")).orElse(false))
                .filter(p -> !list.contains(p))
                .forEach(list::add);
        return list;
    }

    private void awaitExit(ProcessHandle p, long seconds) {
        try {
            p.onExit().get(seconds, TimeUnit.SECONDS);
        } catch (Exception notYet) {
            out.println("pid " + p.pid() + " did not stop within " + seconds + " s: killing it");
            p.destroyForcibly();
        }
    }

    @Override
    public void close() {
        stop();
    }
}
