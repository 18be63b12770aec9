package io.whmcsbridge.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The command-line tool: {@code stack} runs the whole system locally; {@code send}, {@code follow} and
 * {@code status} talk to it (or to an external Kafka and PostgreSQL with {@code --bootstrap-servers} and
 * {@code --jdbc-url}); {@code dlq} and {@code redrive} use a service's admin API ({@code --url}).
 */
@Command(name = "bridge", mixinStandardHelpOptions = true, version = "WHMCS Event Bridge 0.1.0",
        description = "WHMCS Event Bridge: run the local stack, send commands, follow results, show a command's status, "
                + "list and re-drive dead letters.",
        subcommands = { Stack.class, Send.class, Follow.class, Status.class, Dlq.class, Redrive.class })
public final class BridgeCli {
    static {
        // one line per record (before java.util.logging reads it); the JDK's default takes two
        System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tT %4$s [%3$s] %5$s%6$s%n");
        // the embedded broker warns about routine steps of a single-node start ("Performing controller activation");
        // errors still show (-Dwhmcs.infra.log.level=WARN to see them)
        if (System.getProperty("whmcs.infra.log.level") == null) {
            System.setProperty("whmcs.infra.log.level", "ERROR");
        }
    }

    /** Held so that its level sticks: the clients' reconnect warnings say less than our own one-line errors. */
    private static final java.util.logging.Logger KAFKA_CLIENTS = java.util.logging.Logger.getLogger("org.apache.kafka.clients");

    /** The tool, with errors as one line that says what to do (our exceptions' messages do), not a stack trace. */
    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new BridgeCli());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println(e.getMessage() != null ? e.getMessage() : e.toString());
            return 1;
        });
        return cli;
    }

    public static void main(String[] args) {
        // client and broker libraries log at INFO by default: a person at the terminal wants warnings only
        java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
        root.setLevel(java.util.logging.Level.WARNING);
        for (java.util.logging.Handler h : root.getHandlers()) {
            h.setLevel(java.util.logging.Level.WARNING);
        }
        KAFKA_CLIENTS.setLevel(java.util.logging.Level.SEVERE);
        System.exit(commandLine().execute(args));
    }
}
