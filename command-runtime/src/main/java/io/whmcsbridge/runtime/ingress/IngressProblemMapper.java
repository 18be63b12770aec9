package io.whmcsbridge.runtime.ingress;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Turns {@link IngressProblem} into its status and JSON body. */
public class IngressProblemMapper {

    @ServerExceptionMapper
    public Response map(IngressProblem problem) {
        return Response.status(problem.status()).type(MediaType.APPLICATION_JSON).entity(problem.body()).build();
    }
}
