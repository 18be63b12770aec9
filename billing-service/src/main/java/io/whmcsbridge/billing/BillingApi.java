package io.whmcsbridge.billing;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/**
 * The hosting billing API (docs/apis/billing-whmcs-php.md): {@code whmcs.php}, a form POST with {@code action} and
 * {@code token}.
 */
// no configKey: RestClients builds the clients per instance (whmcs.instances.*); no quarkus.rest-client.* config
@RegisterRestClient
@Path("/whmcs.php")
interface BillingApi {

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    /** @param form the encoded form ({@code PhpForm.body}) */
    Response call(String form);
}
