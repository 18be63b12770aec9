package io.whmcsbridge.abuse;

import io.whmcsbridge.infra.ServiceProcess;
import io.whmcsbridge.model.CloudEvent;
import io.whmcsbridge.runtime.testing.BridgeTestClient;
import io.whmcsbridge.runtime.testing.ServiceTestResource;
import io.whmcsbridge.runtime.testing.SimulatorTestResource;
import io.whmcsbridge.simulator.ServiceWiring;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.whmcsbridge.runtime.testing.BridgeTestClient.command;
import static io.whmcsbridge.runtime.testing.BridgeTestClient.newId;
import static io.whmcsbridge.runtime.testing.BridgeTestClient.params;

/**
 * {@link ServiceTestResource}, plus the service as it ran before the restart: the packaged abuse-service
 * ({@code target/quarkus-app}, built by the {@code package} phase before Failsafe runs) as its own process over the
 * same broker, database and simulator. It completes one create command, stops, and then the application under test
 * starts: the restarted service. The command's id and the id of its result reach the test as configuration
 * ({@value #COMPLETED_ID}, {@value #COMPLETED_RESULT_ID}), so the test class needs no other class to run before it.
 */
public class CompletedBeforeRestartResource extends ServiceTestResource {
    static final String COMPLETED_ID = "abuse.it.completed-before-restart";
    static final String COMPLETED_RESULT_ID = "abuse.it.completed-result-id";
    static final String KEY = "service-17";

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>(super.start());
        String id = newId();
        try (ServiceProcess before = ServiceProcess.start(Path.of("target/quarkus-app"),
                List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx128m"), environment(config), freePort(),
                Path.of("target/abuse-service-before-restart.log"));
                BridgeTestClient client = new BridgeTestClient("abuse", config.get("kafka.bootstrap.servers"))) {
            client.send(KEY, create(id));
            CloudEvent result = client.awaitResult(id, AbuseCommandsIT.WAIT);
            config.put(COMPLETED_ID, id);
            config.put(COMPLETED_RESULT_ID, result.id());
        } catch (Exception e) {
            throw new IllegalStateException("the service before the restart did not complete " + id, e);
        }
        return config;
    }

    /** The command completed before the restart, and sent again after it (its report carries the id). */
    static CloudEvent create(String id) {
        return command(id, AbuseCommandsIT.CREATE, params("service_id", 17, "category", "Spam",
                "suspend_method", "immediate", "allow_unsuspend", true, "additional_info", id), null);
    }

    /** The settings the test application gets, as the environment variables of a packaged service. */
    private static Map<String, String> environment(Map<String, String> config) {
        Map<String, String> env = new HashMap<>(ServiceWiring.apiEnv("abuse", SimulatorTestResource.simulator().baseUrl()));
        env.put("KAFKA_BOOTSTRAP_SERVERS", config.get("kafka.bootstrap.servers"));
        env.put("WHMCS_DB_URL", config.get("quarkus.datasource.jdbc.url"));
        env.put("WHMCS_DB_USER", config.get("quarkus.datasource.username"));
        env.put("WHMCS_DB_PASSWORD", config.get("quarkus.datasource.password"));
        return env;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
