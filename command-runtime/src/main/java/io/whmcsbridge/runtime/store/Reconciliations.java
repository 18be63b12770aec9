package io.whmcsbridge.runtime.store;

import io.whmcsbridge.runtime.config.BridgeConfig;
import io.whmcsbridge.runtime.fleet.Replica;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The command log's side of reading uncertain writes back: commands wait as {@code RECONCILING} with their next
 * read-back's time, the reads made and whether the write was sent again, all in the row, so a restart or another
 * replica carries on where this one stopped. A replica works on a command only under the row's lease (the columns of
 * the {@code IN_FLIGHT} lease): never while another replica's lease is live.
 */
@ApplicationScoped
public class Reconciliations {

    /** A command taken up for a read-back, under this replica's lease. */
    public record Due(String commandId, String type, String action, String instance, String orderingKey,
            String source, String params, String traceId, String topic, Integer partition, Long offset, int attempts,
            int reads, boolean sentAgain, String uncertain, long sinceSettleFromMillis, long ageMillis) {
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
     * The uncertain call of a command this replica holds ({@code IN_FLIGHT} under its lease, or {@code RECONCILING}
     * after a second send) waits for a read-back: due after {@code firstReadMillis}, its settle time counted from
     * now (the call left before this). {@code uncertainJson} is the outcome it ends with if nothing can be decided.
     * False if the row was not this replica's to change.
     */
    public boolean hold(String commandId, String uncertainJson, int attempts, long firstReadMillis)
            throws SQLException, InterruptedException {
        int n = updateMine(commandId, "status IN ('IN_FLIGHT', 'RECONCILING')", "status = 'RECONCILING', "
                + "reconcile_uncertain = ?::jsonb, attempts = ?, reconcile_settle_from = clock_timestamp(), "
                + "reconcile_next_at = clock_timestamp() + ? * interval '1 millisecond', lease_holder = NULL, "
                + "lease_until = NULL", CommandRows.clean(uncertainJson), attempts, firstReadMillis);
        leases.released(commandId);
        return n == 1;
    }

    /**
     * Takes up to {@code limit} commands whose read-back is due, under this replica's lease: {@code RECONCILING}
     * rows whose time has come, and {@code IN_FLIGHT} rows of {@code types} whose holder's lease expired (it died
     * while the call was out; {@code interruptedJson} becomes their uncertain outcome, their settle time counted from
     * now). Rows under another replica's live lease are left alone, and so are rows another replica is taking now,
     * and rows with {@code maxReads} reads or more (given up: read-backs that kept failing to store their outcome).
     */
    public List<Due> take(Collection<String> types, int limit, int maxReads, String interruptedJson)
            throws SQLException, InterruptedException {
        if (limit <= 0) {
            return List.of();
        }
        long leaseMillis = config.processing().lease().toMillis();
        List<Due> due = groupCommit.run(c -> {
            List<Due> rows = new ArrayList<>();
            try (PreparedStatement take = c.prepareStatement("WITH picked AS (SELECT command_id FROM command_log "
                    + "WHERE ((status = 'RECONCILING' AND reconcile_next_at <= clock_timestamp() AND reconcile_reads < ?) "
                    + "OR (status = 'IN_FLIGHT' AND type = ANY (?))) "
                    + "AND (lease_until IS NULL OR lease_until < clock_timestamp()) "
                    + "ORDER BY reconcile_next_at NULLS FIRST LIMIT ? FOR UPDATE SKIP LOCKED) "
                    + "UPDATE command_log l SET "
                    + "reconcile_uncertain = CASE WHEN l.status = 'IN_FLIGHT' THEN ?::jsonb ELSE l.reconcile_uncertain END, "
                    + "reconcile_settle_from = CASE WHEN l.status = 'IN_FLIGHT' THEN clock_timestamp() "
                    + "ELSE l.reconcile_settle_from END, status = 'RECONCILING', lease_holder = ?, "
                    + "lease_until = clock_timestamp() + ? * interval '1 millisecond', updated_at = clock_timestamp() "
                    + "FROM picked WHERE l.command_id = picked.command_id RETURNING l.command_id, l.type, l.action, "
                    + "l.instance, l.ordering_key, l.source, l.params, l.trace_id, l.kafka_topic, l.kafka_partition, "
                    + "l.kafka_offset, l.attempts, l.reconcile_reads, l.reconcile_sent_again, l.reconcile_uncertain, "
                    + "(EXTRACT(EPOCH FROM (clock_timestamp() - l.reconcile_settle_from)) * 1000)::bigint, "
                    + "(EXTRACT(EPOCH FROM (clock_timestamp() - l.received_at)) * 1000)::bigint")) {
                take.setInt(1, maxReads);
                take.setArray(2, c.createArrayOf("varchar", types.toArray()));
                take.setInt(3, limit);
                take.setString(4, CommandRows.clean(interruptedJson));
                take.setString(5, replica.id());
                take.setLong(6, leaseMillis);
                try (ResultSet rs = take.executeQuery()) {
                    while (rs.next()) {
                        rows.add(new Due(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                                rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9),
                                (Integer) rs.getObject(10), (Long) rs.getObject(11), rs.getInt(12), rs.getInt(13),
                                rs.getBoolean(14), rs.getString(15), rs.getLong(16), rs.getLong(17)));
                    }
                }
            }
            return rows;
        });
        due.forEach(d -> leases.held(d.commandId()));
        return due;
    }

    /**
     * Gives the command back until its next read-back, {@code inMillis} from now; {@code readsMade} counts towards
     * the bound of tries (waiting out the settle time does not).
     */
    public void later(String commandId, long inMillis, int readsMade) throws SQLException, InterruptedException {
        updateMine(commandId, "status = 'RECONCILING'", "reconcile_next_at = clock_timestamp() + ? * interval "
                + "'1 millisecond', reconcile_reads = reconcile_reads + ?, lease_holder = NULL, lease_until = NULL",
                inMillis, readsMade);
        leases.released(commandId);
    }

    /**
     * Records, before it leaves, that the write is being sent a second time: true once committed, false if it was
     * sent again before (never a third time) or the row is no longer this replica's.
     */
    public boolean sendingAgain(String commandId) throws SQLException, InterruptedException {
        return updateMine(commandId, "status = 'RECONCILING' AND NOT reconcile_sent_again",
                "reconcile_sent_again = TRUE, reconcile_reads = 0") == 1;
    }

    /** Updates the command's row where it is in {@code status} under this replica's lease; the rows changed. */
    private int updateMine(String commandId, String status, String set, Object... values)
            throws SQLException, InterruptedException {
        return groupCommit.run(c -> {
            try (PreparedStatement update = c.prepareStatement("UPDATE command_log SET " + set
                    + ", updated_at = clock_timestamp() WHERE command_id = ? AND " + status + " AND lease_holder = ?")) {
                int i = 1;
                for (Object v : values) {
                    update.setObject(i++, v);
                }
                update.setString(i++, CommandRows.clean(commandId));
                update.setString(i, replica.id());
                return update.executeUpdate();
            }
        });
    }
}
