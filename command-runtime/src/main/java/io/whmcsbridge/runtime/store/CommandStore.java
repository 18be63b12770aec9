package io.whmcsbridge.runtime.store;

import io.agroal.api.AgroalDataSource;
import io.whmcsbridge.model.CommandStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * Reads of the command log: what the pipeline needs to know of a command id, and the row an HTTP caller polls. The
 * writes are in {@link Claims}, {@link Outcomes}, {@link Acceptances}, {@link Reconciliations} and {@link Leases}
 * (see the package's description).
 */
@ApplicationScoped
public class CommandStore {

    /** What the log knew of a command when it arrived. */
    public record Seen(CommandStatus status, String storedResult) {
        public boolean isNew() {
            return status == CommandStatus.RECEIVED;
        }
    }

    @Inject
    AgroalDataSource dataSource;
    @Inject
    Leases leases;

    /** What the log knows of a command id now (a plain read, no commit), or {@code null} if nothing. */
    public Seen lookup(String commandId) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement select = c.prepareStatement(
                        "SELECT status, result FROM command_log WHERE command_id = ?")) {
            select.setString(1, CommandRows.clean(commandId));
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? new Seen(CommandStatus.valueOf(rs.getString(1)), rs.getString(2)) : null;
            }
        }
    }

    /**
     * This replica no longer renews the {@code IN_FLIGHT} lease of the command (if it held one): its outcome went to
     * the DLQ instead of the command log, so another replica that reads the command again finds the lease expired and
     * declares the call {@code UNKNOWN} rather than waiting for this one.
     */
    public void forget(String commandId) {
        leases.released(commandId);
    }

    /** The command as committed now: a new transaction each time, so a polling caller sees fresh state. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public Optional<CommandLog> find(String commandId) {
        return CommandLog.findByIdOptional(commandId);
    }
}
