package io.whmcsbridge.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The command-line tool: {@code stack} runs the whole system locally; {@code send}, {@code follow} and
 * {@code status} talk to it (or to an external Kafka and PostgreSQL with {@code --bootstrap-servers} and
 * {@code --jdbc-url}).
 */
@Command(name = "bridge", mixinStandardHelpOptions = true, version = "WHMCS Event Bridge 0.1.0",
        description = "WHMCS Event Bridge: run the local stack, send commands, follow results, show a command's status.",
        subcommands = { Stack.class, Send.class, Follow.class, Status.class })
public final class BridgeCli {
    /** Held so that its level sticks: the clients' reconnect warnings say less than our own one-line errors. */
    private static final java.util.logging.Logger KAFKA_CLIENTS = java.util.logging.Logger.getLogger("org.apache.kafka.clients");

    public static void main(String[] args) {
        // client and broker libraries log at INFO by default: a person at the terminal wants warnings only
        java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
        root.setLevel(java.util.logging.Level.WARNING);
        for (java.util.logging.Handler h : root.getHandlers()) {
            h.setLevel(java.util.logging.Level.WARNING);
        }
        KAFKA_CLIENTS.setLevel(java.util.logging.Level.SEVERE);
        CommandLine cli = new CommandLine(new BridgeCli());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println(e.getMessage());
            return 1;
        });
        System.exit(cli.execute(args));
    }
}
