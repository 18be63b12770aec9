package io.whmcsbridge.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/** {@code bridge stack}: runs {@link LocalStack} until Ctrl-C or SIGTERM. */
@Command(name = "stack", description = {"Start Kafka, PostgreSQL, the simulator and every built service; Ctrl-C stops them all.",
        "Run it through ./deploy/bridge stack: that keeps the terminal's Ctrl-C away from the children, so that the "
                + "services drain before Kafka and PostgreSQL stop."})
final class Stack implements Callable<Integer> {
    @Option(names = "--root", description = "repository root (default: the current directory)")
    Path root = Path.of(".").toAbsolutePath().normalize();

    @Option(names = "--kafka-port", description = "default ${DEFAULT-VALUE}")
    int kafkaPort = 9092;

    @Option(names = "--pg-port", description = "default ${DEFAULT-VALUE}")
    int pgPort = 15432;

    @Option(names = "--simulator-port", description = "default ${DEFAULT-VALUE}")
    int simulatorPort = 8089;

    @Option(names = "--port", description = "a service's HTTP port, e.g. --port abuse=18081 (defaults 8081-8084)")
    Map<String, Integer> ports = new LinkedHashMap<>();

    @Option(names = "--data-dir", description = "Kafka and PostgreSQL data (kept between runs); default ${DEFAULT-VALUE}")
    Path dataDir = Path.of(".local-stack", "infra");

    @Option(names = "--services", split = ",", description = "which services (default: all four)")
    List<String> services = LocalStack.FAMILIES;

    @Option(names = "--bootstrap-servers", description = "an external Kafka instead of the embedded one (missing topics are created)")
    String externalKafka;

    @Option(names = "--jdbc-url", description = {"an external PostgreSQL instead of the embedded one: the server "
            + "(jdbc:postgresql://host:5432/, each service gets whmcs_<family>) or a URL with <family>; missing databases "
            + "are created"})
    String externalJdbc;

    @Option(names = "--db-user", description = "with --jdbc-url; default ${DEFAULT-VALUE}")
    String dbUser = "whmcs";

    @Option(names = "--db-password", description = "with --jdbc-url; default ${DEFAULT-VALUE}")
    String dbPassword = "whmcs";

    @Override
    public Integer call() throws Exception {
        for (String family : services) {
            Families.require(family);
        }
        ports.keySet().forEach(Families::require);
        if (externalJdbc != null) {
            StackInfra.databaseUrl(externalJdbc, "abuse"); // a malformed URL is one line before anything starts
        }
        LocalStack stack = new LocalStack(new LocalStack.Settings(root, kafkaPort, pgPort, simulatorPort, dataDir, services,
                ports, externalKafka, externalJdbc, dbUser, dbPassword), System.out);
        CountDownLatch done = new CountDownLatch(1);
        AtomicBoolean asked = new AtomicBoolean();
        Runnable stopAndExit = () -> {
            if (!asked.compareAndSet(false, true)) {
                System.out.println("still stopping (services drain first) ...");
                return;
            }
            new Thread(() -> {
                stack.stop();
                done.countDown();
            }, "stack-stop").start();
        };
        // SIGINT/SIGTERM handled here instead of by the JVM's shutdown: its hooks run all at once, and the embedded
        // PostgreSQL's own hook would stop the database while the services are still writing their last outcomes
        boolean handled = handle("INT", stopAndExit) & handle("TERM", stopAndExit) & handle("HUP", stopAndExit);
        // fallback (signals not handled, or an exit from elsewhere): same order, but racing the other hooks
        Runtime.getRuntime().addShutdownHook(new Thread(stack::stop, "stack-stop-hook"));
        try {
            stack.start();
        } catch (Exception e) {
            stack.stop();
            throw e;
        }
        if (!asked.get()) {
            System.out.printf("%nREADY in %d ms: %d of %d services. Kafka %s, PostgreSQL %s, ingress API key '%s'.%n",
                    stack.readyMillis(), stack.services().size(), services.size(), stack.bootstrapServers(),
                    stack.jdbcUrl(StackInfra.FAMILY), LocalStack.LOCAL_KEY);
            String elsewhere = stack.bootstrapServers().equals("127.0.0.1:9092") ? "" : " --bootstrap-servers " + stack.bootstrapServers();
            System.out.println("Try: ./deploy/bridge send abuse create service_id=1 category=Spam" + elsewhere + "    ("
                    + (handled ? "Ctrl-C" : "SIGTERM") + " stops everything)");
        }
        done.await();
        return 0;
    }

    @SuppressWarnings("restriction")
    private static boolean handle(String signal, Runnable action) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal(signal), s -> action.run());
            return true;
        } catch (IllegalArgumentException | UnsupportedOperationException unavailable) {
            return false; // e.g. -Xrs: the shutdown hook stops the stack
        }
    }
}
