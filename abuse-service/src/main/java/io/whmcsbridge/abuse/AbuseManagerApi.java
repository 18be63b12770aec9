package io.whmcsbridge.abuse;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/**
 * Abuse Manager Pro's API as the vendor documents it (docs/apis/abuse-manager-pro.md): one endpoint, a form POST with
 * {@code action}, authenticated by the {@code API_ID} header (the identifier of a WHMCS API credential; the secret is
 * not used).
 */
// no configKey: RestClients builds the clients per instance (whmcs.instances.*); no quarkus.rest-client.* config
@RegisterRestClient
@Path("/modules/addons/abusemanagerpro/includes/api.php")
interface AbuseManagerApi {

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    /** @param form the encoded form ({@code PhpForm.body}): names and values percent-encoded */
    Response call(@HeaderParam("API_ID") String apiId, String form);
}
