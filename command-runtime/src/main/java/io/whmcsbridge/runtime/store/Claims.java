package io.whmcsbridge.runtime.store;

import io.whmcsbridge.model.CommandStatus;
import io.whmcsbridge.runtime.command.IncomingCommand;
import io.whmcsbridge.runtime.config.BridgeConfig;
import io.whmcsbridge.runtime.fleet.Replica;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;

import static io.whmcsbridge.runtime.store.CommandRows.clean;

/**
 * The {@code IN_FLIGHT} mark of a non-idempotent call, under this replica's lease: it commits (through
 * {@link GroupCommit}) before the call leaves, so a replica that reads the command again knows a call may be out.
 */
@ApplicationScoped
public class Claims {

    /**
     * What the log said when a non-idempotent call was about to leave. {@code before} is the status the command had:
     * {@code null} (new) or {@code RECEIVED} (accepted over HTTP): this replica now holds the call;
     * {@code IN_FLIGHT} with {@code holder} set: another replica's call is running under a live lease, wait for its
     * outcome; {@code IN_FLIGHT} without holder: the lease expired (its holder died while the call was out), so the
     * call may or may not have taken effect; a terminal status: finished meanwhile.
     */
    public record Claim(CommandStatus before, String holder) {
        public boolean mine() {
            return before == null || before == CommandStatus.RECEIVED;
        }

        public boolean heldElsewhere() {
            return before == CommandStatus.IN_FLIGHT && holder != null;
        }

        public boolean expired() {
            return before == CommandStatus.IN_FLIGHT && holder == null;
        }

        /** Its answer was lost and its effect is being read back: the read-back publishes its result. */
        public boolean reconciling() {
            return before == CommandStatus.RECONCILING;
        }
    }

    @Inject
    BridgeConfig config;
    @Inject
    GroupCommit groupCommit;
    @Inject
    Replica replica;
    @Inject
    Leases leases;

    /**
     * Marks a command {@code IN_FLIGHT} under this replica's lease before its non-idempotent call leaves (inserting
     * its row if it has none). A row {@code IN_FLIGHT} under another replica's live lease is left alone; one whose
     * lease expired is taken over (so the holder, if it was only slow, can no longer renew it) and reported expired.
     * Lease times are the database's clock, the same for every replica.
     */
    public Claim claimForCall(IncomingCommand command, String action, String instance, String redactedParams)
            throws SQLException, InterruptedException {
        long leaseMillis = config.processing().lease().toMillis();
        Claim claim = groupCommit.run(c -> {
            CommandStatus before = null;
            String holder = null;
            boolean live = false;
            try (PreparedStatement select = c.prepareStatement("SELECT status, lease_holder, "
                    + "COALESCE(lease_until > clock_timestamp(), false) FROM command_log WHERE command_id = ? FOR UPDATE")) {
                select.setString(1, clean(command.id()));
                try (ResultSet rs = select.executeQuery()) {
                    if (rs.next()) {
                        before = CommandStatus.valueOf(rs.getString(1));
                        holder = rs.getString(2);
                        live = rs.getBoolean(3);
                    }
                }
            }
            Timestamp now = Timestamp.from(Instant.now());
            if (before == null) {
                CommandRows.insert(c, command, action, instance, redactedParams, CommandStatus.IN_FLIGHT, now,
                        replica.id(), leaseMillis);
                return new Claim(null, null);
            }
            if (before == CommandStatus.RECEIVED) {
                try (PreparedStatement update = c.prepareStatement("UPDATE command_log SET status = 'IN_FLIGHT', "
                        + "updated_at = ?, action = ?, kafka_topic = COALESCE(kafka_topic, ?), "
                        + "kafka_partition = COALESCE(kafka_partition, ?), kafka_offset = COALESCE(kafka_offset, ?), "
                        + "lease_holder = ?, lease_until = clock_timestamp() + ? * interval '1 millisecond' "
                        + "WHERE command_id = ?")) {
                    update.setTimestamp(1, now);
                    update.setString(2, clean(action));
                    update.setString(3, clean(command.topic()));
                    update.setObject(4, command.partition(), Types.INTEGER);
                    update.setObject(5, command.offset(), Types.BIGINT);
                    update.setString(6, replica.id());
                    update.setLong(7, leaseMillis);
                    update.setString(8, clean(command.id()));
                    update.executeUpdate();
                }
                return new Claim(before, null);
            }
            if (before == CommandStatus.IN_FLIGHT) {
                if (live && holder != null && !holder.equals(replica.id())) {
                    return new Claim(before, holder);
                }
                // expired (or written before leases existed): nobody is waiting for this call's answer any more
                takeLease(c, command.id(), leaseMillis);
                return new Claim(before, null);
            }
            return new Claim(before, null);
        });
        if (claim.mine() || claim.expired()) {
            leases.held(command.id());
        }
        return claim;
    }

    /**
     * Undoes this replica's claim of a call that was never sent (given up at a hand-over or shutdown while it waited
     * for a permit): a row it inserted is deleted, a row accepted over HTTP goes back to {@code RECEIVED}, so the
     * partition's next owner claims and calls as if nothing had happened.
     */
    public void unclaim(IncomingCommand command, Claim claim) throws SQLException, InterruptedException {
        if (!claim.mine()) {
            return;
        }
        groupCommit.run(c -> {
            String sql = claim.before() == null
                    ? "DELETE FROM command_log WHERE command_id = ? AND status = 'IN_FLIGHT' AND lease_holder = ?"
                    : "UPDATE command_log SET status = 'RECEIVED', lease_holder = NULL, lease_until = NULL "
                            + "WHERE command_id = ? AND status = 'IN_FLIGHT' AND lease_holder = ?";
            try (PreparedStatement undo = c.prepareStatement(sql)) {
                undo.setString(1, clean(command.id()));
                undo.setString(2, replica.id());
                return undo.executeUpdate();
            }
        });
        leases.released(command.id());
    }

    private void takeLease(Connection c, String commandId, long leaseMillis) throws SQLException {
        try (PreparedStatement lease = c.prepareStatement("UPDATE command_log SET lease_holder = ?, "
                + "lease_until = clock_timestamp() + ? * interval '1 millisecond' WHERE command_id = ?")) {
            lease.setString(1, replica.id());
            lease.setLong(2, leaseMillis);
            lease.setString(3, clean(commandId));
            lease.executeUpdate();
        }
    }
}
