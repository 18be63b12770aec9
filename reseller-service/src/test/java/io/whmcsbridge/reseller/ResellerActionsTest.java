package io.whmcsbridge.reseller;

import io.whmcsbridge.runtime.api.ApiOutcome;
import io.whmcsbridge.runtime.api.ApiReply;
import io.whmcsbridge.runtime.testing.ReadmeCatalogue;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResellerActionsTest {

    @Test
    void readmeListsTheCatalogue() throws Exception {
        ReadmeCatalogue.assertUpToDate(new ResellerActions());
    }

    @Test
    void statusWordsBecomeOutcomes() {
        assertInstanceOf(ApiOutcome.Success.class,
                VoipResellerGateway.read(new ApiReply(200, "application/json", "{\"status\":\"success\"}")));
        var client = assertInstanceOf(ApiOutcome.ApiError.class,
                VoipResellerGateway.read(new ApiReply(200, "application/json", "{\"status\":\"invalid_client\"}")));
        assertEquals("invalid_client", client.error().code());
        assertFalse(client.error().retryable());
        // the published spelling, capital I included
        assertEquals("Invalid_threshold", assertInstanceOf(ApiOutcome.ApiError.class, VoipResellerGateway.read(
                new ApiReply(200, "application/json", "{\"status\":\"Invalid_threshold\"}"))).error().code());
        var limit = assertInstanceOf(ApiOutcome.ApiError.class,
                VoipResellerGateway.read(new ApiReply(200, "application/json", "{\"status\":\"api_limit_exceeded\"}")));
        assertTrue(limit.error().retryable(), "the per-minute limit: the API did not act");
        for (String word : new String[] { "invalid_credentials", "missing_credentials", "ip_not_enabled", "api_not_enabled" }) {
            assertInstanceOf(ApiOutcome.AuthFailure.class,
                    VoipResellerGateway.read(new ApiReply(200, "application/json", "{\"status\":\"" + word + "\"}")), word);
        }
        assertInstanceOf(ApiOutcome.Malformed.class, VoipResellerGateway.read(new ApiReply(200, "text/html", "<html>")));
        assertInstanceOf(ApiOutcome.HttpFailure.class, VoipResellerGateway.read(new ApiReply(503, "text/html", "busy")));
    }
}
