package io.whmcsbridge.projects;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.whmcsbridge.model.CloudEvent;
import io.whmcsbridge.runtime.testing.BadInputCorpus;
import io.whmcsbridge.runtime.testing.BridgeTestClient;
import io.whmcsbridge.runtime.testing.SecretScan;
import io.whmcsbridge.runtime.testing.ServiceTestResource;
import io.whmcsbridge.runtime.testing.SimulatorTestResource;
import io.whmcsbridge.simulator.WhmcsSimulator;
import io.whmcsbridge.simulator.core.Fault;
import io.whmcsbridge.simulator.core.RecordedCall;
import io.whmcsbridge.simulator.projects.WbTeamProSim;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import static io.restassured.RestAssured.given;
import static io.whmcsbridge.runtime.testing.BridgeTestClient.command;
import static io.whmcsbridge.runtime.testing.BridgeTestClient.newId;
import static io.whmcsbridge.runtime.testing.BridgeTestClient.params;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** projects-service end to end: the real broker and database, the simulated wbTeamPro Remote API. */
@QuarkusTest
@Order(1)
@QuarkusTestResource(value = ServiceTestResource.class, initArgs = @ResourceArg(name = "family", value = "projects"))
class ProjectsCommandsIT {
    static final Duration WAIT = Duration.ofSeconds(30);
    static BridgeTestClient client;

    WhmcsSimulator sim = SimulatorTestResource.simulator();

    @BeforeAll
    static void connect() {
        client = new BridgeTestClient("projects");
    }

    @AfterAll
    static void disconnect() {
        client.close();
    }

    static JsonNode run(String method, ObjectNode params, String instance) {
        String id = newId();
        client.send("project-219", command(id, "whmcs.projects." + method, params, instance));
        return client.awaitResult(id, WAIT).data();
    }

    static JsonNode run(String method, ObjectNode params) {
        return run(method, params, null);
    }

    static JsonNode ok(String method, ObjectNode params) {
        JsonNode r = run(method, params);
        assertEquals("SUCCEEDED", r.path("status").asText(), method + ": " + r);
        return r.path("response");
    }

    RecordedCall lastCall() {
        List<RecordedCall> calls = sim.context().calls();
        return calls.get(calls.size() - 1);
    }

    @Test
    void projectsCanBeCreatedFoundReadUpdatedAndDeleted() {
        JsonNode created = ok("createProject", params("title", "Migration", "status", "Active"));
        assertEquals("POST", lastCall().method());
        String id = created.path("project").path("project_id").asText();
        JsonNode found = ok("findProjects", params("title", "Migration"));
        assertEquals("1", found.path("data").path("total").asText(), found.toString());
        assertEquals("Migration", found.path("data").path("filters").path("title").asText());
        ok("createProject", params("title", "Second", "status", "Active"));
        JsonNode page2 = ok("findProjects", params("status", "Active", "limit", 1, "page", 2));
        assertEquals("2", page2.path("data").path("page").asText(), page2.toString());
        assertEquals("1", page2.path("data").path("limit").asText());
        assertEquals("1", page2.path("data").path("offset").asText());
        assertTrue(page2.path("data").path("pages").asInt() >= 3, "three active projects, one per page: " + page2);
        assertEquals(1, page2.path("projects").size());
        assertEquals("Migration", ok("getProject", params("project_id", id)).path("project").path("title").asText());
        assertEquals("GET", lastCall().method());
        assertTrue(lastCall().path().endsWith("/api.php/v1/projects/" + id + "/json"), lastCall().path());
        assertEquals("Done", ok("updateProject", params("project_id", id, "status", "Done")).path("project").path("status").asText());
        assertEquals("PUT", lastCall().method());
        ok("deleteProject", params("project_id", id));
        assertEquals("DELETE", lastCall().method());
        JsonNode gone = run("getProject", params("project_id", id), null);
        assertEquals("FAILED", gone.path("status").asText());
        assertEquals("404", gone.path("error").path("code").asText());
        assertEquals("Record not found", gone.path("error").path("message").asText());
    }

    @Test
    void everyResourceFamilyAnswers() {
        assertTrue(ok("findResources", params()).path("resources").size() >= 7);
        assertEquals("15", ok("getConfig", params("option", "time_increment")).path("config").path("time_increment").asText());
        String action = ok("createAction", params("project_id", 219, "title", "Build")).path("action").path("action_id").asText();
        assertEquals("Build", ok("getAction", params("action_id", action)).path("action").path("title").asText());
        ok("updateAction", params("action_id", action, "status", "Closed"));
        assertTrue(ok("findActions", params("project_id", 219)).path("actions").size() >= 2);
        String topic = ok("createTopic", params("project_id", 219, "action_id", action, "title", "Q&A")).path("topic").path("topic_id").asText();
        assertEquals("Q&A", ok("getTopic", params("topic_id", topic)).path("topic").path("title").asText());
        ok("updateTopic", params("topic_id", topic, "title", "Q and A"));
        assertTrue(ok("findTopicThreads", params()).path("threads").has(topic));
        assertTrue(ok("findTopics", params("project_id", 219)).path("topics").size() >= 2);
        String file = ok("createFile", params("project_id", 219, "filename", "notes.txt")).path("file").path("file_id").asText();
        assertEquals("notes.txt", ok("getFile", params("file_id", file)).path("file").path("filename").asText());
        ok("updateFile", params("file_id", file, "filename", "notes2.txt"));
        assertTrue(ok("findFileThreads", params()).path("threads").has("701"));
        assertTrue(ok("findFiles", params("project_id", 219)).path("files").size() >= 3);
        assertEquals("Logo files", ok("getWHMCSTicket", params("ticket_id", 2038)).path("whmcsticket").path("subject").asText());
        assertEquals(1, ok("findWHMCSTickets", params("project_id", 219)).path("whmcstickets").size());
        String xref = ok("createTicketXref", params("ticket_id", 2038, "project_id", 219)).path("ticketxref").path("xref_id").asText();
        ok("getTicketXref", params("xref_id", xref));
        ok("updateTicketXref", params("xref_id", xref, "action_id", action));
        assertTrue(ok("findTicketXrefs", params("ticket_id", 2038)).path("ticketxrefs").size() >= 2);
        String log = ok("createTimelog", params("project_id", 219, "action_id", action, "minutes", 30)).path("timelog").path("timelog_id").asText();
        assertEquals("30", ok("getTimelog", params("timelog_id", log)).path("timelog").path("minutes").asText());
        ok("updateTimelog", params("timelog_id", log, "minutes", 45));
        assertTrue(ok("findTimelogs", params("project_id", 219)).path("timelogs").size() >= 2);
        for (String m : new String[] { "deleteTimelog:timelog_id:" + log, "deleteTicketXref:xref_id:" + xref,
                "deleteFile:file_id:" + file, "deleteTopic:topic_id:" + topic, "deleteAction:action_id:" + action }) {
            String[] p = m.split(":");
            ok(p[0], params(p[1], p[2]));
        }
    }

    @Test
    void combinedRequestsReturnTheParentAndItsList() {
        for (String[] m : new String[][] { { "getProjectActions", "actions" }, { "getProjectTopics", "topics" },
                { "getProjectFiles", "files" }, { "getProjectTickets", "whmcstickets" }, { "getProjectTimelogs", "timelogs" } }) {
            JsonNode r = ok(m[0], params("project_id", 219));
            assertEquals("219", r.path("project").path("project_id").asText(), m[0] + ": " + r);
            assertTrue(r.path(m[1]).isArray() && r.path(m[1]).size() >= 1, m[0] + ": " + r);
            assertEquals("219", r.path("data").path("filters").path("project_id").asText());
        }
        assertTrue(lastCall().path().endsWith("/v1/projects/219/timelogs/json"), lastCall().path());
        for (String[] m : new String[][] { { "getActionTopics", "topics" }, { "getActionFiles", "files" },
                { "getActionTickets", "whmcstickets" }, { "getActionTimelogs", "timelogs" } }) {
            JsonNode r = ok(m[0], params("action_id", 501));
            assertEquals("501", r.path("action").path("action_id").asText(), m[0] + ": " + r);
            assertTrue(r.path(m[1]).size() >= 1, m[0] + ": " + r);
        }
    }

    @Test
    void xmlAndTheDirectUrlFormGiveTheSameResultAsJson() {
        JsonNode json = run("getProjectTickets", params("project_id", 219), null);
        JsonNode xml = run("getProjectTickets", params("project_id", 219), "xml");
        assertEquals("SUCCEEDED", xml.path("status").asText(), xml.toString());
        RecordedCall call = lastCall();
        assertEquals("v1.projects.219.whmcstickets.xml", call.params().get("action"), "the direct URL form");
        assertEquals(json.path("response"), xml.path("response"));
        // the xml instance tunnels writes through POST with method=put
        JsonNode updated = run("updateProject", params("project_id", 219, "title", "Website relaunch"), "xml");
        assertEquals("SUCCEEDED", updated.path("status").asText(), updated.toString());
        assertEquals("POST", lastCall().method());
        assertEquals("put", lastCall().params().get("method"));
    }

    @Test
    void downloadFileIsBase64UpToTheCap() {
        JsonNode small = ok("downloadFile", params("file_id", 701));
        assertEquals("The brief.\n", new String(Base64.getDecoder().decode(small.path("download").path("content").asText())));
        JsonNode big = run("downloadFile", params("file_id", 702));
        assertEquals("FAILED", big.path("status").asText(), big.toString());
        assertEquals("TOO_LARGE", big.path("error").path("code").asText());
    }

    @Test
    void aCreateIsNeverSentTwiceForOneCommandId() {
        String id = newId();
        CloudEvent create = command(id, "whmcs.projects.createProject", params("title", "Once-" + id), null);
        client.send("project-new", create);
        client.awaitResult(id, WAIT);
        client.send("project-new", create);
        client.awaitResults(id, 2, WAIT);
        assertEquals(1, sim.api(WbTeamProSim.class).rows("projects").stream()
                .filter(p -> ("Once-" + id).equals(p.path("title").asText())).count());
        // and a timeout after the create is UNKNOWN, not a second project
        sim.context().failNext(WbTeamProSim.NAME, 1, Fault.Once.HANG_AFTER_EFFECT);
        JsonNode hung = run("createProject", params("title", "Hung-" + id));
        assertEquals("UNKNOWN", hung.path("status").asText(), hung.toString());
        assertEquals(1, sim.api(WbTeamProSim.class).rows("projects").stream()
                .filter(p -> ("Hung-" + id).equals(p.path("title").asText())).count());
    }

    @Test
    void aReadIsRetriedAfterA503() {
        sim.context().setFault(WbTeamProSim.NAME, Fault.errors(1.0, 503));
        String id = newId();
        client.send("project-219", command(id, "whmcs.projects.getProject", params("project_id", 219), null));
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (sim.context().calls().stream().noneMatch(c -> "HTTP_503".equals(c.outcome())) && System.nanoTime() < deadline) {
            sleep(2);
        }
        sim.context().clearFaults();
        JsonNode r = client.awaitResult(id, WAIT).data();
        assertEquals("SUCCEEDED", r.path("status").asText(), r.toString());
        assertTrue(r.path("attempts").asInt() >= 2, r.toString());
    }

    @Test
    void wrongCredentialsWithOneHundredQueuedCommandsCauseExactlyOneFailedLogin() {
        int before = failedLogins();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            String id = newId();
            ids.add(id);
            // different keys: nothing holds them back but the circuit
            client.send("ban-" + i, command(id, "whmcs.projects.getProject", params("project_id", 219), "wrongpass"));
        }
        int loginFailed = 0;
        int circuitOpen = 0;
        for (String id : ids) {
            JsonNode r = client.awaitResult(id, WAIT).data();
            assertEquals("FAILED", r.path("status").asText(), r.toString());
            if (r.path("error").path("code").asText().equals("401")) {
                loginFailed++;
            } else if (r.path("error").path("code").asText().equals("CIRCUIT_OPEN")) {
                circuitOpen++;
            }
        }
        assertEquals(1, loginFailed, "one command met the refused login");
        assertEquals(99, circuitOpen, "the others were stopped by the open circuit");
        assertEquals(before + 1, failedLogins(), "exactly one failed login reached wbTeamPro");

        // the circuit stays open until an operator resets it, with an API key
        assertEquals(401, given().post("/admin/instances/wrongpass/circuit/reset").statusCode());
        assertEquals("CIRCUIT_OPEN", run("getProject", params("project_id", 219), "wrongpass").path("error").path("code").asText());
        assertEquals(200, given().header("Authorization", "Bearer projects-it-key-77d1")
                .post("/admin/instances/wrongpass/circuit/reset").statusCode());
        assertEquals("401", run("getProject", params("project_id", 219), "wrongpass").path("error").path("code").asText());
        assertEquals(before + 2, failedLogins(), "one probe after the reset, still below the ban");
        assertEquals("SUCCEEDED", run("getProject", params("project_id", 219)).path("status").asText(), "the good instance is not banned");
    }

    int failedLogins() {
        return (int) sim.context().calls().stream().filter(RecordedCall::authFailed).count();
    }

    @Test
    void missingIdsAreRejectedBeforeAnyCall() {
        int calls = sim.context().calls().size();
        JsonNode r = run("getProject", params());
        assertEquals("REJECTED", r.path("status").asText());
        assertTrue(r.path("error").path("message").asText().contains("project_id"), r.toString());
        assertEquals("REJECTED", run("downloadFile", params("file_id", "seven")).path("status").asText());
        assertEquals(calls, sim.context().calls().size());
    }

    @Test
    void thePasswordAndItsHashReachNoLogTableOrEvent() throws Exception {
        ok("getProject", params("project_id", 219));
        run("getProject", params("project_id", 219), "xml");
        SecretScan scan = SecretScan.of("projects");
        scan.assertAbsent(WbTeamProSim.DEFAULT_PASSWORD);
        scan.assertAbsent(WbTeamProSim.md5(WbTeamProSim.DEFAULT_PASSWORD));
        // every answer published so far, walked like the catalogue: no field looks secret without being declared
        ProjectsSecretsTest.walk().answers(scan.answers()).assertEverySecretDeclared();
    }

    @Test
    void badInputCorpusIsRejectedOrDeadLettered() {
        String good = newId();
        BadInputCorpus.assertHandled(client, "projects", "whmcs.projects.getProject", command(good, "whmcs.projects.findResources", params(), null), () -> sim.context().calls().size());
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
