package io.whmcsbridge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.whmcsbridge.model.Json;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The local stack as a user runs it, on free ports: embedded Kafka and PostgreSQL, the simulator, the packaged
 * abuse-service as its own process (projects-service "not built"); the CLI's send gets the SUCCEEDED result of an
 * abuse report and status finds it in the command log; stop leaves no process behind.
 */
class LocalStackIT {
    @BeforeAll
    static void quietBroker() {
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void oneAbuseReportFromSendToSucceededAndNothingLeftAfterStop(@TempDir Path tmp) throws Exception {
        Path repo = DeploymentManifestsTest.root();
        assumeTrue(Files.exists(repo.resolve("abuse-service/target/quarkus-app/quarkus-run.jar")),
                "abuse-service is not packaged (./mvnw package -DskipTests -pl abuse-service -am)");
        // a repository root where abuse-service is built and projects-service is not
        Path root = Files.createDirectories(tmp.resolve("repo"));
        Files.createSymbolicLink(root.resolve("abuse-service"), repo.resolve("abuse-service"));
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(tee(printed, System.out), true, StandardCharsets.UTF_8);
        LocalStack.Settings settings = new LocalStack.Settings(root, freePort(), freePort(), freePort(), Path.of("infra"),
                List.of("abuse", "projects"), Map.of("abuse", freePort(), "projects", freePort()));
        long servicePid;
        try (LocalStack stack = new LocalStack(settings, out).start()) {
            String startLog = printed.toString(StandardCharsets.UTF_8);
            assertTrue(startLog.contains("projects  skipped: not built (./mvnw -q package -DskipTests -pl projects-service -am"),
                    startLog);
            assertTrue(startLog.contains("abuse     ready in "), startLog);
            assertEquals(1, stack.services().size());
            servicePid = stack.services().get(0).process().pid();

            // ./deploy/bridge send abuse create service_id=1 category=Spam additional_info="first report"
            String id = UUID.randomUUID().toString();
            StringWriter result = new StringWriter();
            StringWriter err = new StringWriter();
            assertEquals(0, cli(result, err).execute("send", "abuse", "create", "service_id=1", "category=Spam",
                    "additional_info=first report", "--id", id, "--bootstrap-servers", stack.bootstrapServers()), err.toString());
            JsonNode data = Json.MAPPER.readTree(result.toString());
            assertEquals("SUCCEEDED", data.path("status").asText(), result.toString());
            assertEquals(id, data.path("commandId").asText());
            assertEquals("create", data.path("action").asText());
            assertTrue(data.path("response").path("report_id").isIntegralNumber(), result.toString());

            // ./deploy/bridge status <id> --jdbc-url ...
            StringWriter status = new StringWriter();
            assertEquals(0, cli(status, err).execute("status", id, "--jdbc-url", stack.jdbcUrl("abuse")), err.toString());
            assertTrue(status.toString().startsWith(id + " whmcs.abuse.create status=SUCCEEDED error=null attempts=1"),
                    status.toString());
        }
        String stopLog = printed.toString(StandardCharsets.UTF_8);
        assertTrue(stopLog.contains("stopping 1 service(s)") && stopLog.contains("stopped in "), stopLog);
        assertFalse(ProcessHandle.of(servicePid).map(ProcessHandle::isAlive).orElse(false), "the service has exited");
        List<String> left = ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains(root.toString())).orElse(false))
                .map(p -> p.pid() + " " + p.info().commandLine().orElse(""))
                .toList();
        assertEquals(List.of(), left, "no service and no PostgreSQL of this stack is left running");
        Files.delete(root.resolve("abuse-service")); // the link, not the module
    }

    static CommandLine cli(StringWriter out, StringWriter err) {
        CommandLine cli = BridgeCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli;
    }

    static OutputStream tee(OutputStream a, OutputStream b) {
        return new OutputStream() {
            @Override
            public void write(int x) throws java.io.IOException {
                a.write(x);
                b.write(x);
            }

            @Override
            public void write(byte[] buf, int off, int len) throws java.io.IOException {
                a.write(buf, off, len);
                b.write(buf, off, len);
            }
        };
    }
}
