package io.whmcsbridge.projects;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.Encoded;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;
import org.jboss.resteasy.reactive.RestQuery;

import java.util.Map;

/**
 * wbTeamPro's Remote API (docs/apis/wbteampro.md). The clean URL form
 * {@code api.php/v1/<resource>/<id>/<sub>/<json|xml>} with the HTTP method of the operation, or the direct form
 * {@code api.php?action=v1.<resource>.<id>.<format>}; credentials, {@code method} and {@code params} (a JSON string)
 * travel as query parameters (GET, DELETE) or form fields (POST, PUT). Forms are sent encoded by {@code PhpForm.body}
 * (names too); query names and values are encoded by the client.
 */
// no configKey: RestClients builds the clients per instance (whmcs.instances.*); no quarkus.rest-client.* config
@RegisterRestClient
@Path("/modules/addons/wbteampro/api.php")
interface WbTeamProApi {

    @GET
    @Path("/{chain}")
    Response get(@PathParam("chain") @Encoded String chain, @RestQuery Map<String, String> query);

    @DELETE
    @Path("/{chain}")
    Response delete(@PathParam("chain") @Encoded String chain, @RestQuery Map<String, String> query);

    @POST
    @Path("/{chain}")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    Response post(@PathParam("chain") @Encoded String chain, String form);

    @PUT
    @Path("/{chain}")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    Response put(@PathParam("chain") @Encoded String chain, String form);

    /** The direct form: {@code action=v1.projects.100.json} as a parameter. */
    @GET
    Response getDirect(@RestQuery Map<String, String> query);

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    Response postDirect(String form);
}
