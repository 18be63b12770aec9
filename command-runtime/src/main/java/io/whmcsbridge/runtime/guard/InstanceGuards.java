package io.whmcsbridge.runtime.guard;

import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.StartupEvent;
import io.whmcsbridge.runtime.config.BridgeConfig;
import io.whmcsbridge.runtime.fleet.FleetMembership;
import io.whmcsbridge.runtime.fleet.Replica;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The guards of this service's API instances, one per configured instance, over the circuits in the service's
 * database. At start every circuit is read before a command can call (a replica that starts while a circuit is OPEN
 * sends nothing to that instance); then at every fleet heartbeat: the circuits are read again (an OPEN or a reset
 * made by another replica is seen within a heartbeat), OPENs that could not be written are written, and the
 * leases of the probes this replica holds are renewed.
 */
@ApplicationScoped
public class InstanceGuards {
    private static final Logger LOG = Logger.getLogger(InstanceGuards.class);

    @Inject
    BridgeConfig config;
    @Inject
    AgroalDataSource dataSource;
    @Inject
    FleetMembership fleet;
    @Inject
    Replica replica;

    private final Map<String, InstanceGuard> guards = new TreeMap<>();
    private CircuitStore store;
    private long leaseMillis;
    private boolean failing;

    @PostConstruct
    void init() {
        store = new JdbcCircuitStore(dataSource);
        // a probe's lease is renewed every heartbeat while its call runs; a dead holder's runs out after this
        leaseMillis = Math.max(10_000, 10 * config.fleet().heartbeat().toMillis());
        config.instances().forEach((name, c) -> guards.put(name, new InstanceGuard(name, c.maxInFlight(), c.rateLimit(),
                store, replica.id(), leaseMillis, fleet::awaitActive)));
        fleet.onHeartbeat(this::refresh);
    }

    void start(@Observes StartupEvent ev) {
        guards.forEach((name, guard) -> {
            try {
                guard.refresh(store.ensure(name));
            } catch (CircuitStore.StoreException e) {
                LOG.warnf("%s; a call reads it first", e.getMessage());
            }
        });
    }

    /** At every heartbeat. */
    void refresh() {
        List<CircuitStore.Row> rows;
        try {
            rows = store.readAll();
            if (guards.values().stream().anyMatch(InstanceGuard::holdsProbe)) {
                store.renewProbes(replica.id(), leaseMillis);
            }
            failing = false;
        } catch (CircuitStore.StoreException e) {
            if (!failing) {
                LOG.warnf("%s; the circuits as last read stay in force", e.getMessage());
                failing = true;
            }
            return;
        }
        apply(rows);
    }

    private void apply(List<CircuitStore.Row> rows) {
        for (CircuitStore.Row row : rows) {
            InstanceGuard guard = guards.get(row.instance());
            if (guard != null) {
                guard.refresh(row);
            }
        }
    }

    /** The guard of a configured instance, or null. */
    public InstanceGuard get(String name) {
        return guards.get(name);
    }

    public Map<String, InstanceGuard> all() {
        return Collections.unmodifiableMap(guards);
    }

    /**
     * The circuits as the database has them now (what every replica will see within a heartbeat), applied here too;
     * when the database cannot be read, as this replica last saw them.
     */
    public Map<String, InstanceGuard.State> fleetState() {
        try {
            apply(store.readAll());
        } catch (CircuitStore.StoreException e) {
            LOG.debugf("%s; answering with the circuits as last read", e.getMessage());
        }
        Map<String, InstanceGuard.State> out = new LinkedHashMap<>();
        guards.forEach((name, guard) -> out.put(name, guard.state()));
        return out;
    }

    /** Live replicas as this one counts them: the number the fleet-wide limits are divided by. */
    public int replicas() {
        return fleet.view();
    }
}
