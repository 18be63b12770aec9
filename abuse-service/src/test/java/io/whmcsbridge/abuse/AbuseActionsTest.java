package io.whmcsbridge.abuse;

import io.whmcsbridge.runtime.api.ApiOutcome;
import io.whmcsbridge.runtime.api.ApiReply;
import io.whmcsbridge.runtime.testing.ReadmeCatalogue;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

class AbuseActionsTest {

    @Test
    void readmeListsTheCatalogue() throws Exception {
        ReadmeCatalogue.assertUpToDate(new AbuseActions());
    }

    @Test
    void answersAreReadAsTheSeedShowsThem() {
        var ok = assertInstanceOf(ApiOutcome.Success.class,
                AbuseManagerGateway.read(new ApiReply(200, "application/json", "{\"status\":\"success\",\"report_id\":92}")));
        assertEquals(92, ok.response().path("report_id").asInt());
        // the vendor page prints the body wrapped in quotes; a JSON string holding the object is accepted
        assertInstanceOf(ApiOutcome.Success.class, AbuseManagerGateway.read(new ApiReply(200, "application/json",
                "\"{\\\"status\\\":\\\"success\\\",\\\"report_id\\\":92}\"")));
        // the vendor's example code AMP009 is not in its table: any AMP code is the API's own
        var err = assertInstanceOf(ApiOutcome.ApiError.class, AbuseManagerGateway.read(new ApiReply(200, "application/json",
                "{\"status\":\"error\",\"error_code\":\"AMP009\",\"error_description\":\"Missing required parameters.\"}")));
        assertEquals("AMP009", err.error().code());
        assertInstanceOf(ApiOutcome.AuthFailure.class, AbuseManagerGateway.read(new ApiReply(200, "application/json",
                "{\"status\":\"error\",\"error_code\":\"AMP001\",\"error_description\":\"Unauthorized\"}")));
        assertInstanceOf(ApiOutcome.HttpFailure.class, AbuseManagerGateway.read(new ApiReply(502, "text/html", "<html>bad gateway</html>")));
        assertInstanceOf(ApiOutcome.Malformed.class, AbuseManagerGateway.read(new ApiReply(200, "application/json", "{\"status\":\"succ")));
    }
}
