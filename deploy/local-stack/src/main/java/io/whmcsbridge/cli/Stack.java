package io.whmcsbridge.cli;

import io.whmcsbridge.infra.LocalInfra;
import io.whmcsbridge.infra.ServiceProcess;
import io.whmcsbridge.simulator.ServiceWiring;
import io.whmcsbridge.simulator.SimulatorSettings;
import io.whmcsbridge.simulator.WhmcsSimulator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * The whole system on one machine: the embedded Kafka broker and PostgreSQL (deploy/local-infra), the simulator,
 * and each built service as its own process from its packaged Quarkus application. Ctrl-C stops the services first
 * (SIGTERM: they finish and publish what they hold), then the simulator, Kafka and PostgreSQL.
 */
@Command(name = "stack", description = "Start Kafka, PostgreSQL, the simulator and every built service; Ctrl-C stops them all.")
final class Stack implements Callable<Integer> {
    /** The ingress API key of the local stack (only its SHA-256 goes to the services). */
    static final String LOCAL_KEY = "local-dev-key";
    static final Map<String, Integer> PORTS = new LinkedHashMap<>(Map.of("abuse", 8081, "projects", 8082, "billing", 8083,
            "reseller", 8084));

    @Option(names = "--root", description = "repository root (default: the current directory)")
    Path root = Path.of(".").toAbsolutePath().normalize();

    @Option(names = "--kafka-port", description = "default ${DEFAULT-VALUE}")
    int kafkaPort = 9092;

    @Option(names = "--pg-port", description = "default ${DEFAULT-VALUE}")
    int pgPort = 15432;

    @Option(names = "--simulator-port", description = "default ${DEFAULT-VALUE}")
    int simulatorPort = 8089;

    @Option(names = "--data-dir", description = "Kafka and PostgreSQL data (kept between runs); default ${DEFAULT-VALUE}")
    Path dataDir = Path.of(".local-stack", "infra");

    @Option(names = "--services", split = ",", description = "which services (default: all four)")
    List<String> services = List.of("abuse", "projects", "billing", "reseller");

    @Override
    public Integer call() throws Exception {
        long t0 = System.nanoTime();
        List<ServiceProcess> running = new ArrayList<>();
        CountDownLatch stopped = new CountDownLatch(1);
        LocalInfra.Options defaults = LocalInfra.Options.defaults();
        LocalInfra.Options o = new LocalInfra.Options(kafkaPort, 0, pgPort, root.resolve(dataDir), defaults.databases(),
                defaults.dbUser(), defaults.dbPassword(), defaults.topics(), defaults.partitions());
        System.out.println("starting Kafka and PostgreSQL ...");
        LocalInfra.Running infra = LocalInfra.start(LocalInfra.create(o), System.out);
        System.out.println("starting the simulator ...");
        WhmcsSimulator sim = WhmcsSimulator.start("127.0.0.1", simulatorPort, new SimulatorSettings());
        System.out.println("simulator http://127.0.0.1:" + sim.port() + " (abuse, projects, billing, reseller APIs)");
        Thread hook = new Thread(() -> {
            System.out.println("\nstopping services ...");
            for (ServiceProcess p : running) {
                try {
                    p.close();
                } catch (Exception e) {
                    System.err.println("could not stop pid " + p.pid() + ": " + e);
                }
            }
            sim.close();
            System.out.println("stopping Kafka and PostgreSQL ...");
            infra.close();
            System.out.println("stopped");
            stopped.countDown();
        }, "stack-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        for (String family : services) {
            Path app = root.resolve(family + "-service/target/quarkus-app");
            if (!Files.exists(app.resolve("quarkus-run.jar"))) {
                System.out.printf("%-9s skipped: not built (./mvnw -q package -DskipTests -pl %s-service -am)%n", family, family);
                continue;
            }
            System.out.printf("%-9s starting on :%d ...%n", family, PORTS.get(family));
            Map<String, String> env = env(family, o, infra, sim.port());
            try {
                ServiceProcess p = ServiceProcess.start(app, jvmOptions(), env, PORTS.get(family),
                        root.resolve(".local-stack/logs/" + family + "-service.log"));
                running.add(p);
                System.out.printf("%-9s ready in %d ms: http://127.0.0.1:%d (health /q/health, metrics /q/metrics, "
                        + "OpenAPI /q/swagger-ui), topics whmcs.%s.*, log .local-stack/logs/%s-service.log%n",
                        family, p.readyMillis(), PORTS.get(family), family, family);
            } catch (Exception e) {
                System.out.printf("%-9s failed to start: %s%n", family, e.getMessage());
            }
        }
        System.out.printf("%nREADY in %d ms. Kafka %s, PostgreSQL %s, ingress API key '%s'.%n",
                (System.nanoTime() - t0) / 1_000_000, infra.kafka().bootstrapServers(), infra.jdbcUrl("whmcs_abuse"), LOCAL_KEY);
        System.out.println("Try: ./deploy/bridge send abuse create service_id=1 category=Spam    (Ctrl-C stops everything)");
        stopped.await();
        return 0;
    }

    static List<String> jvmOptions() {
        // the production settings of docs/PERFORMANCE.md: small heap, C1 only (cheap on 2 cores)
        return List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx128m", "-Xss512k",
                "-XX:ReservedCodeCacheSize=64m", "-XX:MaxMetaspaceSize=160m");
    }

    static Map<String, String> env(String family, LocalInfra.Options o, LocalInfra.Running infra, int simPort) {
        Map<String, String> env = new LinkedHashMap<>();
        String sim = "http://127.0.0.1:" + simPort;
        env.put("KAFKA_BOOTSTRAP_SERVERS", infra.kafka().bootstrapServers());
        env.put("WHMCS_DB_URL", infra.jdbcUrl("whmcs_" + family));
        env.put("WHMCS_DB_USER", o.dbUser());
        env.put("WHMCS_DB_PASSWORD", o.dbPassword());
        env.put("WHMCS_INGRESS_API_KEYS_LOCAL", sha256(LOCAL_KEY));
        env.put("MALLOC_ARENA_MAX", "2");
        env.putAll(ServiceWiring.apiEnv(family, sim));
        return env;
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
