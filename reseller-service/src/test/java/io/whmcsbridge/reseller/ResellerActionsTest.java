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
        assertInstanceOf(ApiOutcome.Malformed.class, VoipResellerGateway.read(new ApiReply(200, "application/json", "[]")));
        assertInstanceOf(ApiOutcome.HttpFailure.class, VoipResellerGateway.read(new ApiReply(503, "text/html", "busy")));
    }

    @Test
    void aPhpListWithGapsArrivesAsAnArray() {
        // the vendor's getCharges: keys 0, 1, 3, which json_encode writes as an object; keys 10 and 2 sort as numbers
        String answer = "{\"status\":\"success\",\"charges\":{\"0\":{\"id\":\"475568\"},\"1\":{\"id\":\"475567\"},"
                + "\"3\":{\"id\":\"467988\"},\"10\":{\"id\":\"1\"},\"2\":{\"id\":\"2\"}},"
                + "\"balance\":{\"current_balance\":\"8.0588\"}}";
        var ok = assertInstanceOf(ApiOutcome.Success.class,
                VoipResellerGateway.read(new ApiReply(200, "application/json", answer)));
        assertTrue(ok.response().path("charges").isArray(), ok.toString());
        assertEquals("[475568, 475567, 2, 467988, 1]", ok.response().findValuesAsText("id").toString());
        assertTrue(ok.response().path("balance").isObject(), "a record that is not a list stays as sent");
    }
}
