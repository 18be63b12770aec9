package io.whmcsbridge.reseller;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;
import org.jboss.resteasy.reactive.RestQuery;

import java.util.Map;

/**
 * The VoIP reseller API as VoIP.ms documents it (docs/apis/voip-reseller.md): one endpoint ({@code api/v1/rest.php},
 * configurable), called with {@code api_username}, {@code api_password}, {@code method} and the function's parameters,
 * as a GET query or a POST form; the answer is JSON with a {@code status} word.
 */
// no configKey: RestClients builds the clients per instance (whmcs.instances.*); no quarkus.rest-client.* config
@RegisterRestClient
interface VoipResellerApi {

    @GET
    Response get(@RestQuery Map<String, String> query);

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    /** @param form the encoded form ({@code PhpForm.body}) */
    Response post(String form);
}
