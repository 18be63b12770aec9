package io.whmcsbridge.runtime.ops;

import io.whmcsbridge.runtime.api.ApiInstances;
import io.whmcsbridge.runtime.pipeline.InstanceGuard;
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

/** Operator view of the API instances' circuits, and the reset after credentials were fixed. */
@Path("/admin/instances")
@io.whmcsbridge.runtime.ingress.IngressSecured
@Produces(MediaType.APPLICATION_JSON)
public class CircuitResource {
    private static final Logger LOG = Logger.getLogger(CircuitResource.class);

    @Inject
    ApiInstances instances;

    public record CircuitState(String instance, String circuit, String reason) {
    }

    @GET
    public Map<String, CircuitState> list() {
        Map<String, CircuitState> out = new LinkedHashMap<>();
        instances.guards().forEach((name, g) -> out.put(name, state(name, g)));
        return out;
    }

    @POST
    @Path("{instance}/circuit/reset")
    public CircuitState reset(@PathParam("instance") String name) {
        InstanceGuard g = instances.guard(name);
        if (g == null) {
            throw new NotFoundException("no instance '" + name + "'");
        }
        g.reset();
        LOG.infof("circuit of instance %s reset by an operator", name);
        return state(name, g);
    }

    private static CircuitState state(String name, InstanceGuard g) {
        return new CircuitState(name, g.circuit().name(), g.openReason());
    }
}
