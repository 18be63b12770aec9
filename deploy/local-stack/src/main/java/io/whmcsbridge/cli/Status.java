package io.whmcsbridge.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.Callable;

/** A command's row in a service's command log. */
@Command(name = "status", description = "Show what a service's command log knows of a command id.")
final class Status implements Callable<Integer> {
    @Parameters(index = "0", description = "the command id")
    String id;

    @Option(names = "--family", required = true, description = "abuse, projects, billing or reseller")
    String family;

    @Option(names = "--jdbc-url", description = "the service's database (default: the local stack's)")
    String jdbcUrl;

    @Option(names = "--db-user", description = "default ${DEFAULT-VALUE}")
    String user = "whmcs";

    @Option(names = "--db-password", description = "default ${DEFAULT-VALUE}")
    String password = "whmcs";

    @Override
    public Integer call() {
        String url = jdbcUrl != null ? jdbcUrl : "jdbc:postgresql://127.0.0.1:15432/whmcs_" + family;
        try (Connection c = DriverManager.getConnection(url, user, password);
                PreparedStatement q = c.prepareStatement("SELECT status, type, error_code, attempts, received_at, "
                        + "completed_at, result->'data' FROM command_log WHERE command_id = ?")) {
            q.setString(1, id);
            try (ResultSet rs = q.executeQuery()) {
                if (!rs.next()) {
                    System.out.println("no command " + id + " in whmcs_" + family + " (not consumed yet, or another service)");
                    return 3;
                }
                System.out.printf("%s %s status=%s error=%s attempts=%d received=%s completed=%s%n%s%n", id, rs.getString(2),
                        rs.getString(1), rs.getString(3), rs.getInt(4), rs.getTimestamp(5), rs.getTimestamp(6),
                        rs.getString(7) == null ? "" : rs.getString(7));
                return 0;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the command log at " + url + " (" + e.getMessage().lines().findFirst()
                    .orElse("") + "): start the stack with ./deploy/bridge stack, or pass --jdbc-url");
        }
    }
}
