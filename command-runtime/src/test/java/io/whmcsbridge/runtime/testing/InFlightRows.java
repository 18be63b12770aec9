package io.whmcsbridge.runtime.testing;

import io.agroal.api.AgroalDataSource;
import io.quarkus.arc.Arc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;

/** Rows a replica leaves in the command log while its call is out, written straight into the test's database. */
public final class InFlightRows {
    private InFlightRows() {
    }

    /**
     * The row of a non-idempotent call another replica has out: {@code IN_FLIGHT} under {@code holder}'s lease for
     * {@code lease} from now ({@code null} for both: a row of before leases, what a crashed process of then left).
     * {@code paramsJson} are the parameters as the pipeline stores them (may be null). Plain JDBC: the entity's
     * fields cannot be written from this jar (Panache rewrites field access only in the application's classes).
     */
    public static void inFlightElsewhere(String id, String type, String action, String paramsJson, String holder,
            Duration lease) {
        AgroalDataSource db = Arc.container().instance(AgroalDataSource.class).get();
        try (Connection c = db.getConnection(); PreparedStatement insert = c.prepareStatement("INSERT INTO command_log "
                + "(command_id, type, action, instance, status, params, attempts, received_at, updated_at, lease_holder, "
                + "lease_until) VALUES (?, ?, ?, 'default', 'IN_FLIGHT', ?::jsonb, 0, ?, ?, ?, ?)")) {
            Timestamp now = Timestamp.from(Instant.now());
            insert.setString(1, id);
            insert.setString(2, type);
            insert.setString(3, action);
            insert.setString(4, paramsJson);
            insert.setTimestamp(5, now);
            insert.setTimestamp(6, now);
            insert.setString(7, holder);
            insert.setTimestamp(8, lease == null ? null : Timestamp.from(Instant.now().plus(lease)));
            insert.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
