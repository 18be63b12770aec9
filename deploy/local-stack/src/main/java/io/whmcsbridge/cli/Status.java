package io.whmcsbridge.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** A command's row in a service's command log. */
@Command(name = "status", description = {"Show what the command log knows of a command id.",
        "Exit status: 0 found, 3 no such command, 1 the database cannot be read."})
final class Status implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", description = "the command id")
    String id;

    @Option(names = "--family", description = "abuse, projects, billing or reseller (default: look in all four)")
    String family;

    @Option(names = "--jdbc-url", description = "the service's database, or a URL with <family> (default: the local stack's "
            + "jdbc:postgresql://127.0.0.1:15432/whmcs_<family>)")
    String jdbcUrl;

    @Option(names = "--db-user", description = "default ${DEFAULT-VALUE}")
    String user = "whmcs";

    @Option(names = "--db-password", description = "default ${DEFAULT-VALUE}")
    String password = "whmcs";

    @Override
    public Integer call() {
        boolean perFamily = jdbcUrl == null || jdbcUrl.contains(StackInfra.FAMILY);
        List<String> families = family != null ? List.of(Families.require(family)) : perFamily ? Families.ALL : List.of("");
        List<String> unreadable = new ArrayList<>();
        for (String f : families) {
            String url = jdbcUrl == null ? "jdbc:postgresql://127.0.0.1:15432/whmcs_" + f : jdbcUrl.replace(StackInfra.FAMILY, f);
            try {
                if (print(url)) {
                    return 0;
                }
            } catch (SQLException e) {
                unreadable.add(url + " (" + e.getMessage().lines().findFirst().orElse("") + ")");
            }
        }
        if (unreadable.size() == families.size()) {
            throw new IllegalStateException("cannot read the command log at " + unreadable.get(0)
                    + (unreadable.size() > 1 ? " (nor the other " + (unreadable.size() - 1) + ")" : "")
                    + ": start the stack with ./deploy/bridge stack, or pass --jdbc-url");
        }
        spec.commandLine().getOut().println("no command " + id + " in " + (family != null ? "whmcs_" + family : jdbcUrl != null ? jdbcUrl
                : "any service's command log") + " (not consumed yet, or sent to another family)");
        return 3;
    }

    private boolean print(String url) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, user, password);
                PreparedStatement q = c.prepareStatement("SELECT status, type, error_code, attempts, received_at, "
                        + "completed_at, result->'data', current_database() FROM command_log WHERE command_id = ?")) {
            q.setString(1, id);
            try (ResultSet rs = q.executeQuery()) {
                if (!rs.next()) {
                    return false;
                }
                spec.commandLine().getOut().printf("%s %s status=%s error=%s attempts=%d received=%s completed=%s (%s)%n%s%n", id,
                        rs.getString(2), rs.getString(1), rs.getString(3), rs.getInt(4), rs.getTimestamp(5),
                        rs.getTimestamp(6), rs.getString(8), rs.getString(7) == null ? "" : rs.getString(7));
                return true;
            }
        }
    }
}
