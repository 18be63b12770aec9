package io.whmcsbridge.projects;

import io.whmcsbridge.runtime.api.ApiOutcome;
import io.whmcsbridge.runtime.api.ApiReply;
import io.whmcsbridge.runtime.testing.ReadmeCatalogue;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

class ProjectsActionsTest {

    @Test
    void readmeListsTheCatalogue() throws Exception {
        ReadmeCatalogue.assertUpToDate(new ProjectsActions());
    }

    @Test
    void everyMethodOfTheSeedIsACommand() {
        assertEquals(46, ProjectsActions.METHODS.size(), "the seed's Resource Action Reference lists 46 methods");
        assertEquals(true, new ProjectsActions().byType("whmcs.projects.getProjectTimelogs").isPresent());
        assertEquals(false, ProjectsActions.BY_NAME.get("createProject").idempotent());
        assertEquals(true, ProjectsActions.BY_NAME.get("deleteProject").idempotent());
    }

    @Test
    void jsonAndXmlEnvelopesNormaliseToTheSameResult() {
        String json = "{\"request\":{\"action\":\"projects/219\",\"method\":\"GET\",\"format\":\"json\",\"code\":200,\"message\":\"Success\"},"
                + "\"response\":{\"data\":{\"total\":1,\"filters\":{\"project_id\":\"219\"}},\"project\":{\"project_id\":\"219\",\"title\":\"A & B\"},"
                + "\"whmcstickets\":[{\"id\":\"2038\"},{\"id\":\"2039\"}]}}";
        String xml = "<?xml version=\"1.0\"?><wbteampro><request><action>projects/219</action><method>GET</method><format>xml</format>"
                + "<code>200</code><message>Success</message></request><response><data><total>1</total><filters><project_id>219</project_id>"
                + "</filters></data><project><project_id>219</project_id><title>A &amp; B</title></project>"
                + "<whmcstickets type=\"array\"><item><id>2038</id></item><item><id>2039</id></item></whmcstickets></response></wbteampro>";
        var fromJson = assertInstanceOf(ApiOutcome.Success.class, WbTeamProGateway.read(new ApiReply(200, "application/json", json)));
        var fromXml = assertInstanceOf(ApiOutcome.Success.class, WbTeamProGateway.read(new ApiReply(200, "application/xml", xml)));
        assertEquals(fromJson.response(), fromXml.response());
        assertEquals("1", fromJson.response().path("data").path("total").asText());
    }

    @Test
    void loginFailuresAndBansStopTheInstance() {
        assertInstanceOf(ApiOutcome.AuthFailure.class, WbTeamProGateway.read(new ApiReply(401, "application/json",
                "{\"request\":{\"code\":401,\"message\":\"Login failed\"},\"response\":{}}")));
        assertInstanceOf(ApiOutcome.AuthFailure.class, WbTeamProGateway.read(new ApiReply(403, "application/json",
                "{\"request\":{\"code\":403,\"message\":\"IP address banned\"},\"response\":{}}")));
        assertEquals("404", assertInstanceOf(ApiOutcome.ApiError.class, WbTeamProGateway.read(new ApiReply(404,
                "application/json", "{\"request\":{\"code\":404,\"message\":\"Record not found\"},\"response\":{}}"))).error().code());
        assertInstanceOf(ApiOutcome.Malformed.class, WbTeamProGateway.read(new ApiReply(200, "text/html", "<html><body>PHP Warning")));
        assertInstanceOf(ApiOutcome.HttpFailure.class, WbTeamProGateway.read(new ApiReply(502, "text/plain", "Bad gateway")));
    }
}
