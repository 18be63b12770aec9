package io.whmcsbridge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a person at the terminal sees when something is missing or mistyped: one line that says what to do. */
class CliTest {
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    int run(String... args) {
        CommandLine cli = BridgeCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void sendWithoutABrokerSaysHowToStartOne() throws Exception {
        int port = freePort(); // nothing listens there
        assertEquals(1, run("send", "abuse", "create", "service_id=1", "category=Spam", "--bootstrap-servers", "127.0.0.1:" + port));
        assertEquals("no broker at 127.0.0.1:" + port + ": start the stack with ./deploy/bridge stack (in another terminal), "
                + "or pass --bootstrap-servers host:port", err.toString().strip());
    }

    @Test
    void aMistypedFamilyListsTheFourFamilies() {
        assertEquals(1, run("send", "abuze", "create", "service_id=1"));
        assertEquals("unknown family 'abuze': one of abuse, projects, billing, reseller", err.toString().strip());
        assertEquals(1, run("follow", "bill"));
        assertTrue(err.toString().contains("unknown family 'bill'"), err.toString());
    }

    @Test
    void dlqWithoutTheServiceSaysHowToStartIt() throws Exception {
        int port = freePort(); // nothing listens there
        assertEquals(1, run("dlq", "billing", "--url", "http://127.0.0.1:" + port));
        assertEquals("no billing-service at http://127.0.0.1:" + port + ": start the stack with ./deploy/bridge stack "
                + "(in another terminal), or pass --url", err.toString().strip());
    }

    @Test
    void redriveWithoutAChoiceSaysHowToChoose() {
        assertEquals(1, run("redrive", "abuse", "--dry-run"));
        assertEquals("choose the dead letters: --reason <reason> or --id <partition:offset or command id> "
                + "(./deploy/bridge dlq abuse lists them)", err.toString().strip());
    }

    @Test
    void statusWithoutADatabaseSaysHowToStartOne() throws Exception {
        assertEquals(1, run("status", "cmd-1", "--jdbc-url", "jdbc:postgresql://127.0.0.1:" + freePort() + "/whmcs_abuse"));
        String line = err.toString().strip();
        assertTrue(line.startsWith("cannot read the command log at jdbc:postgresql://127.0.0.1:"), line);
        assertTrue(line.endsWith(": start the stack with ./deploy/bridge stack, or pass --jdbc-url"), line);
        assertEquals(1, line.lines().count(), line);
    }

    @Test
    void parameterValuesThatReadAsJsonAreJsonAndMoneyStaysExact() {
        // send billing add_credit client_id=7 amount=12.50 description=Refund notify=true tags=["a"] code=007
        JsonNode amount = Send.value("12.50");
        assertEquals(new BigDecimal("12.50"), amount.decimalValue());
        assertEquals("12.50", amount.toString(), "the scale the user typed is kept");
        assertTrue(Send.value("7").isIntegralNumber());
        assertTrue(Send.value("true").isBoolean());
        assertTrue(Send.value("[\"a\"]").isArray());
        assertEquals("Refund", Send.value("Refund").asText());
        assertEquals("007", Send.value("007").asText(), "not JSON (leading zero): kept as the text typed");
        assertTrue(Send.value("007").isTextual());
        assertEquals("first report", Send.value("first report").asText());
    }

    @Test
    void aParameterWithoutEqualsSignIsRefusedBeforeTheBrokerIsAsked() throws Exception {
        assertEquals(1, run("send", "abuse", "create", "service_id", "--bootstrap-servers", "127.0.0.1:" + freePort()));
        assertEquals("parameter 'service_id' is not name=value (e.g. service_id=1; or pass them as JSON with --json file, "
                + "--json - for stdin)", err.toString().strip());
    }

    @Test
    void paramsFromAFileThatIsNotAJsonObjectAreRefused(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path file = java.nio.file.Files.writeString(dir.resolve("params.json"), "[1, 2]");
        assertEquals(1, run("send", "abuse", "create", "--json", file.toString()));
        assertEquals(file + " must hold a JSON object of parameters", err.toString().strip());
    }

    @Test
    void aStackRefusesToStartOnAPortInUseAndSaysWhy() throws Exception {
        try (ServerSocket busy = new ServerSocket(0)) {
            int port = busy.getLocalPort();
            LocalStack stack = new LocalStack(new LocalStack.Settings(Path.of("target"), port, freePort(), freePort(),
                    Path.of("stack-test"), List.of("abuse"), Map.of("abuse", freePort())), System.out);
            IllegalStateException e = assertThrows(IllegalStateException.class, stack::start);
            assertEquals("port " + port + " for Kafka (--kafka-port) in use: is a stack already running? Stop it (Ctrl-C in "
                    + "its terminal), or choose other ports", e.getMessage());
        }
    }

    @Test
    void anExternalPostgresUrlNamesTheServerOrCarriesTheFamily() {
        // stack --jdbc-url jdbc:postgresql://db:5432/  or  --jdbc-url 'jdbc:postgresql://db:5432/bridge_<family>?ssl=true'
        assertEquals("jdbc:postgresql://db:5432/whmcs_abuse", StackInfra.databaseUrl("jdbc:postgresql://db:5432/", "abuse"));
        assertEquals("jdbc:postgresql://db:5432/whmcs_billing?sslmode=require",
                StackInfra.databaseUrl("jdbc:postgresql://db:5432/?sslmode=require", "billing"));
        assertEquals("jdbc:postgresql://db:5432/bridge_reseller?ssl=true",
                StackInfra.databaseUrl("jdbc:postgresql://db:5432/bridge_<family>?ssl=true", "reseller"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StackInfra.databaseUrl("jdbc:postgresql://db:5432/whmcs_abuse", "abuse"));
        assertTrue(e.getMessage().startsWith("--jdbc-url jdbc:postgresql://db:5432/whmcs_abuse names one database: give the server"),
                e.getMessage());
    }

    @Test
    void aStackWithAnExternalBrokerThatIsNotThereSaysSoBeforeStartingAnything() throws Exception {
        LocalStack stack = new LocalStack(new LocalStack.Settings(Path.of("target"), freePort(), freePort(), freePort(),
                Path.of("stack-test"), List.of("abuse"), Map.of("abuse", freePort()), "127.0.0.1:" + freePort(),
                "jdbc:postgresql://127.0.0.1:" + freePort() + "/", "whmcs", "whmcs"), System.out);
        IllegalStateException e = assertThrows(IllegalStateException.class, stack::start);
        assertTrue(e.getMessage().startsWith("no broker at 127.0.0.1:") && e.getMessage().endsWith(
                ": check --bootstrap-servers (or leave it out to run the embedded broker)"), e.getMessage());
        stack.stop();
    }
}
