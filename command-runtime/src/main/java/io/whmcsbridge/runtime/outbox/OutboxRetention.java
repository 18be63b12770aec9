package io.whmcsbridge.runtime.outbox;

import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import io.whmcsbridge.runtime.config.BridgeConfig;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;

/**
 * Deletes outbox rows past {@code whmcs.outbox.retention}, hourly: published ones (set aside ones count as published),
 * or, when a Debezium connector relays the outbox (rows are never marked published then; the connector read them from
 * the WAL when they were written), any.
 */
@ApplicationScoped
public class OutboxRetention {
    private static final Logger LOG = Logger.getLogger(OutboxRetention.class);

    @Inject
    BridgeConfig config;
    @Inject
    AgroalDataSource dataSource;
    @Inject
    Outbox outbox;

    private volatile boolean stopping;

    @Scheduled(every = "1h", delayed = "1m", skipExecutionIf = BeforeStart.class,
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void deleteOld() {
        if (stopping) {
            return;
        }
        Instant before = Instant.now().minus(config.outbox().retention());
        try (Connection c = dataSource.getConnection()) {
            int n = outbox.deleteBefore(c, before, config.outbox().relayEnabled());
            if (n > 0) {
                LOG.infof("deleted %d outbox rows older than %s", n, config.outbox().retention());
            }
        } catch (SQLException e) {
            LOG.warnf("could not delete old outbox rows (%s); trying again in an hour", e.toString());
        }
    }

    /** With the publisher (300): the database is still there, but no new work starts. */
    void onStop(@Observes @Priority(300) ShutdownEvent ev) {
        stopping = true;
    }
}
