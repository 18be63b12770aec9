package io.whmcsbridge.runtime.ops;

import io.whmcsbridge.runtime.guard.InstanceGuard;
import io.whmcsbridge.runtime.guard.InstanceGuards;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.jboss.logging.Logger;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Operator view of the API instances' circuits (fleet-wide, read from the database) and this replica's shares of the
 * fleet-wide limits, and the reset after credentials were fixed: one reset on any replica re-opens calls for all.
 * Like everything under {@code /admin}, only for callers with the admin scope (403 otherwise; see CallerFilter).
 */
@Path("/admin/instances")
@io.whmcsbridge.runtime.ingress.IngressSecured
@Produces(MediaType.APPLICATION_JSON)
public class CircuitResource {
    private static final Logger LOG = Logger.getLogger(CircuitResource.class);

    @Inject
    InstanceGuards guards;

    /**
     * @param circuit          the fleet's circuit: UNVERIFIED, VERIFIED or OPEN
     * @param reason           why it opened (the API's error code)
     * @param here             what it means for this replica: VERIFIED once a call of its own was answered
     * @param probeHolder      the replica sending the fleet's one probe call, if any
     * @param replicas         live replicas, the number the fleet-wide limits are divided by
     * @param maxInFlightShare this replica's share of {@code maxInFlight} (fleet-wide)
     * @param rateShare        this replica's share of {@code rateLimit} (calls/s, fleet-wide; 0 = none)
     */
    public record CircuitState(String instance, String circuit, String reason, String here, String probeHolder,
            int replicas, int maxInFlight, int maxInFlightShare, int inFlight, double rateLimit, double rateShare) {
    }

    @GET
    public Map<String, CircuitState> list() {
        Map<String, CircuitState> out = new LinkedHashMap<>();
        guards.fleetState().forEach((name, s) -> out.put(name, state(guards.get(name), s)));
        return out;
    }

    @POST
    @Path("{instance}/circuit/reset")
    public CircuitState reset(@PathParam("instance") String name) {
        InstanceGuard g = guards.get(name);
        if (g == null) {
            throw new NotFoundException("no instance '" + name + "'");
        }
        InstanceGuard.State s = g.reset();
        LOG.infof("circuit of instance %s reset by an operator, for every replica", name);
        return state(g, s);
    }

    private CircuitState state(InstanceGuard g, InstanceGuard.State s) {
        return new CircuitState(g.name(), s.fleet().name(), s.reason(), s.here().name(), s.probeHolder(),
                guards.replicas(), g.maxInFlight(), g.maxInFlightShare(), g.inFlight(), g.rateLimit(), g.rateShare());
    }
}
