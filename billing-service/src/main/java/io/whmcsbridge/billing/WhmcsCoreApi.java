package io.whmcsbridge.billing;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/**
 * The WHMCS core API (docs/apis/whmcs-core.md): POST {@code includes/api.php} with {@code identifier}, {@code secret},
 * {@code action} and {@code responsetype=json}; the answer's {@code result} is {@code success} or {@code error}. Its
 * structure document's apiPattern puts the action in the query ({@code ?action=}) and its parameter list in the body:
 * it goes in both, with the same value, so either reading finds it.
 */
// no configKey: RestClients builds the clients per instance (whmcs.instances.*); no quarkus.rest-client.* config
@RegisterRestClient
@Path("/includes/api.php")
interface WhmcsCoreApi {

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    /** @param form the encoded form ({@code PhpForm.body}) */
    Response call(@QueryParam("action") String action, String form);
}
