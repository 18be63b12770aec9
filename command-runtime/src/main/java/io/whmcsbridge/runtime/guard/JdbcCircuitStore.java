package io.whmcsbridge.runtime.guard;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@link CircuitStore} on the service's PostgreSQL: one autocommitted statement per change. */
final class JdbcCircuitStore implements CircuitStore {
    private static final String COLUMNS = "instance, state, reason, generation, probe_holder";
    private static final String LEASE = "now() + (? * interval '1 millisecond')";

    private final DataSource dataSource;

    JdbcCircuitStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    private interface Statement<T> {
        T run(Connection c) throws SQLException;
    }

    private <T> T with(String what, Statement<T> statement) {
        try (Connection c = dataSource.getConnection()) {
            return statement.run(c);
        } catch (SQLException e) {
            throw new StoreException("could not " + what + " (" + e.getMessage() + ")", e);
        }
    }

    /** Runs {@code sql} with the parameters; the rows it returns (a SELECT or an UPDATE ... RETURNING). */
    private static List<Row> rows(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            List<Row> out = new ArrayList<>();
            if (ps.execute()) {
                try (ResultSet rs = ps.getResultSet()) {
                    while (rs.next()) {
                        out.add(new Row(rs.getString(1), InstanceGuard.Circuit.valueOf(rs.getString(2)),
                                rs.getString(3) == null ? "" : rs.getString(3), rs.getLong(4), rs.getString(5)));
                    }
                }
            }
            return out;
        }
    }

    private static Row one(Connection c, String instance) throws SQLException {
        rows(c, "INSERT INTO guard_circuit (instance, state, generation, updated_at) VALUES (?, 'UNVERIFIED', 0, now()) "
                + "ON CONFLICT (instance) DO NOTHING", instance);
        return rows(c, "SELECT " + COLUMNS + " FROM guard_circuit WHERE instance = ?", instance).get(0);
    }

    /** An UPDATE ... RETURNING of one instance's row; creates the row first when it is missing. */
    private static Row change(Connection c, String set, String instance, Object... params) throws SQLException {
        Object[] all = new Object[params.length + 1];
        System.arraycopy(params, 0, all, 0, params.length);
        all[params.length] = instance;
        String sql = "UPDATE guard_circuit SET " + set + ", updated_at = now() WHERE instance = ? RETURNING " + COLUMNS;
        List<Row> r = rows(c, sql, all);
        if (r.isEmpty()) {
            one(c, instance);
            r = rows(c, sql, all);
        }
        return r.get(0);
    }

    @Override
    public Row ensure(String instance) {
        return with("read the circuit of " + instance, c -> one(c, instance));
    }

    @Override
    public List<Row> readAll() {
        return with("read the circuits", c -> rows(c, "SELECT " + COLUMNS + " FROM guard_circuit ORDER BY instance"));
    }

    @Override
    public Optional<Row> tryProbe(String instance, String holder, long leaseMillis) {
        return with("take the probe of " + instance, c -> rows(c, "UPDATE guard_circuit SET probe_holder = ?, "
                + "probe_until = " + LEASE + ", updated_at = now() WHERE instance = ? AND state <> 'OPEN' "
                + "AND (probe_holder IS NULL OR probe_holder = ? OR probe_until < now()) RETURNING " + COLUMNS,
                holder, leaseMillis, instance, holder).stream().findFirst());
    }

    @Override
    public void renewProbes(String holder, long leaseMillis) {
        with("renew the probes", c -> rows(c, "UPDATE guard_circuit SET probe_until = " + LEASE
                + " WHERE probe_holder = ?", leaseMillis, holder));
    }

    @Override
    public void releaseProbe(String instance, String holder) {
        with("give back the probe of " + instance, c -> rows(c, "UPDATE guard_circuit SET probe_holder = NULL, "
                + "probe_until = NULL WHERE instance = ? AND probe_holder = ?", instance, holder));
    }

    @Override
    public Row verified(String instance, String holder, long generation) {
        return with("record the verified probe of " + instance, c -> {
            List<Row> r = rows(c, "UPDATE guard_circuit SET state = 'VERIFIED', "
                    + "probe_until = CASE WHEN probe_holder = ? THEN NULL ELSE probe_until END, "
                    + "probe_holder = CASE WHEN probe_holder = ? THEN NULL ELSE probe_holder END, updated_at = now() "
                    + "WHERE instance = ? AND generation = ? AND state <> 'OPEN' RETURNING " + COLUMNS,
                    holder, holder, instance, generation);
            return r.isEmpty() ? one(c, instance) : r.get(0);
        });
    }

    @Override
    public Row open(String instance, String reason) {
        String r = reason == null ? "" : reason.length() > 500 ? reason.substring(0, 500) : reason;
        return with("open the circuit of " + instance, c -> change(c, "state = 'OPEN', reason = ?, "
                + "generation = generation + 1, probe_holder = NULL, probe_until = NULL", instance, r));
    }

    @Override
    public Row reset(String instance) {
        return with("reset the circuit of " + instance, c -> change(c, "state = 'UNVERIFIED', reason = NULL, "
                + "generation = generation + 1, probe_holder = NULL, probe_until = NULL", instance));
    }
}
