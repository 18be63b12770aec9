package io.whmcsbridge.projects;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.whmcsbridge.runtime.testing.ServiceTestResource;
import io.whmcsbridge.runtime.testing.SimulatorTestResource;
import io.whmcsbridge.simulator.WhmcsSimulator;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An API key limited to one command type (application.properties, %test) sends that type and no other. */
@QuarkusTest
@Order(1)
@QuarkusTestResource(value = ServiceTestResource.class, initArgs = @ResourceArg(name = "family", value = "projects"))
class ProjectsIngressScopesIT {
    static final String GET_PROJECT = "projects-it-getproject-6a0b";
    static final String READER = "projects-it-reader-0c55";

    WhmcsSimulator sim = SimulatorTestResource.simulator();

    static RequestSpecification as(String key) {
        return given().header("Authorization", "Bearer " + key);
    }

    static String command(String id, String method) {
        return "{\"id\":\"" + id + "\",\"type\":\"whmcs.projects." + method + "\",\"params\":{\"project_id\":219}}";
    }

    @Test
    void aKeyForOneTypeIsRefusedAnotherAndNothingOfItIsRecorded() {
        int calls = sim.context().calls().size();
        String delete = "scopes-delete-" + UUID.randomUUID();
        Response refused = as(GET_PROJECT).contentType(ContentType.JSON).body(command(delete, "deleteProject")).post("/commands");
        assertEquals(403, refused.statusCode(), refused.asString());
        assertTrue(refused.asString().contains("FORBIDDEN") && refused.asString().contains("whmcs.projects.getProject"),
                "the answer names what the key may send: " + refused.asString());
        assertEquals(404, as(READER).get("/commands/" + delete).statusCode(), "the command was not recorded");
        assertEquals(calls, sim.context().calls().size(), "nothing reached the API");

        String get = "scopes-get-" + UUID.randomUUID();
        Response accepted = as(GET_PROJECT).contentType(ContentType.JSON).body(command(get, "getProject")).post("/commands");
        assertEquals(202, accepted.statusCode(), accepted.asString());
        String status = as(GET_PROJECT).get("/commands/" + get + "?wait=20s").jsonPath().getString("status");
        assertEquals("SUCCEEDED", status);
    }
}
