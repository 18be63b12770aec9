package io.whmcsbridge.abuse;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.whmcsbridge.model.Json;
import io.whmcsbridge.runtime.testing.ServiceTestResource;
import io.whmcsbridge.runtime.testing.SimulatorTestResource;
import io.whmcsbridge.simulator.WhmcsSimulator;
import io.whmcsbridge.simulator.abuse.AbuseManagerSim;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The HTTP ingress of abuse-service: REST commands, command status, the Alertmanager webhook, auth and limits. */
@QuarkusTest
@Order(1)
@QuarkusTestResource(value = ServiceTestResource.class, initArgs = @ResourceArg(name = "family", value = "abuse"))
class AbuseIngressIT {
    /** Configured in application.properties (%test) only as its SHA-256. */
    static final String KEY = "abuse-it-key-5d2c";

    WhmcsSimulator sim = SimulatorTestResource.simulator();

    static RequestSpecification authed() {
        return given().header("Authorization", "Bearer " + KEY);
    }

    long reportsWith(String marker) {
        return sim.api(AbuseManagerSim.class).reports().stream().filter(r -> marker.equals(r.additionalInfo())).count();
    }

    static String body(Object value) {
        try {
            return Json.MAPPER.writeValueAsString(value);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static JsonNode json(Response r) {
        try {
            return Json.MAPPER.readTree(r.asByteArray());
        } catch (Exception e) {
            throw new IllegalStateException(r.asString(), e);
        }
    }

    @Test
    void restCommandReachesTheApiAndItsResultComesBackThroughGet() {
        String marker = "rest-" + UUID.randomUUID();
        Response posted = authed().contentType(ContentType.JSON)
                .body(body(Map.of("type", "whmcs.abuse.create", "key", "service-21",
                        "params", Map.of("service_id", 21, "category", "Spam", "additional_info", marker))))
                .post("/commands");
        assertEquals(202, posted.statusCode(), posted.asString());
        String id = json(posted).path("commandId").asText();
        String location = posted.header("Location");
        assertTrue(location.endsWith("/commands/" + id), location);

        JsonNode status = json(authed().get("/commands/" + id + "?wait=20s"));
        assertEquals("SUCCEEDED", status.path("status").asText(), status.toString());
        assertEquals(id, status.path("result").path("commandId").asText());
        assertTrue(status.path("result").path("response").path("report_id").asInt() > 0, status.toString());
        assertEquals(1, reportsWith(marker), "one report filed through the REST ingress and Kafka");
    }

    @Test
    void sameClientCommandIdPostedTwiceCausesOneCall() {
        String id = "client-" + UUID.randomUUID();
        String marker = "dup-" + id;
        String request = body(Map.of("id", id, "type", "whmcs.abuse.create",
                "params", Map.of("service_id", 22, "category", "Spam", "additional_info", marker)));
        Response first = authed().contentType(ContentType.JSON).body(request).post("/commands");
        Response second = authed().contentType(ContentType.JSON).body(request).post("/commands");
        assertEquals(202, first.statusCode(), first.asString());
        assertEquals(202, second.statusCode(), second.asString());
        assertFalse(json(first).path("duplicate").asBoolean());
        assertTrue(json(second).path("duplicate").asBoolean(), "the retry is recognised");

        JsonNode status = json(authed().get("/commands/" + id + "?wait=20s"));
        assertEquals("SUCCEEDED", status.path("status").asText(), status.toString());
        assertEquals(1, reportsWith(marker), "one report for one command id");

        // the same id for a different command is refused, and files nothing
        Response clash = authed().contentType(ContentType.JSON).body(body(Map.of("id", id, "type", "whmcs.abuse.create",
                "params", Map.of("service_id", 23, "category", "Spam", "additional_info", marker)))).post("/commands");
        assertEquals(409, clash.statusCode(), clash.asString());
        assertEquals("ID_CONFLICT", json(clash).path("error").path("code").asText());
    }

    @Test
    void sameIdPostedConcurrentlyIsAcceptedOnceAndTheOthersAreRetries() throws Exception {
        String id = "race-" + UUID.randomUUID();
        String marker = "race-" + id;
        String request = body(Map.of("id", id, "type", "whmcs.abuse.create",
                "params", Map.of("service_id", 24, "category", "Spam", "additional_info", marker)));
        int n = 6;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(n);
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        List<java.util.concurrent.Future<Response>> posts = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                posts.add(pool.submit(() -> {
                    start.await();
                    return authed().contentType(ContentType.JSON).body(request).post("/commands");
                }));
            }
            start.countDown();
            int accepted = 0;
            for (java.util.concurrent.Future<Response> post : posts) {
                Response r = post.get(30, java.util.concurrent.TimeUnit.SECONDS);
                // the losers of the insert race answer as a retry does, not with a 500
                assertEquals(202, r.statusCode(), r.asString());
                accepted += json(r).path("duplicate").asBoolean() ? 0 : 1;
            }
            assertEquals(1, accepted, "one of the concurrent requests accepted the command");
        } finally {
            pool.shutdownNow();
        }
        JsonNode status = json(authed().get("/commands/" + id + "?wait=20s"));
        assertEquals("SUCCEEDED", status.path("status").asText(), status.toString());
        assertEquals(1, reportsWith(marker), "one report for one command id");
    }

    @Test
    void requestsWithoutOrWithAWrongKeyAreRefusedButHealthAndMetricsStayOpen() {
        String request = body(Map.of("type", "whmcs.abuse.create", "params", Map.of("service_id", 1, "category", "x")));
        Response none = given().contentType(ContentType.JSON).body(request).post("/commands");
        assertEquals(401, none.statusCode());
        assertEquals("UNAUTHENTICATED", json(none).path("error").path("code").asText());
        Response wrong = given().header("Authorization", "Bearer not-the-key").contentType(ContentType.JSON)
                .body(request).post("/commands");
        assertEquals(401, wrong.statusCode());
        assertEquals(401, given().get("/commands/anything").statusCode());
        assertEquals(401, given().get("/admin/instances").statusCode(), "operator endpoints need a key too");
        assertEquals(401, given().contentType(ContentType.JSON).body("{\"alerts\":[]}")
                .post("/webhooks/alertmanager").statusCode());

        assertEquals(200, given().get("/q/health/live").statusCode());
        assertEquals(200, given().get("/q/metrics").statusCode());
        assertEquals(200, given().header("Authorization", "Bearer " + AbuseIngressScopesIT.ADMIN)
                .get("/admin/instances").statusCode(), "with an admin key");
    }

    @Test
    void badRequestsGetA4xxNamingTheProblemAndReachNothing() {
        int callsBefore = sim.context().calls().size();
        // not JSON
        Response notJson = authed().contentType(ContentType.JSON).body("service_id=1&category=Spam").post("/commands");
        assertEquals(400, notJson.statusCode());
        assertEquals("NOT_JSON", json(notJson).path("error").path("code").asText());
        // an unknown action
        Response unknown = authed().contentType(ContentType.JSON)
                .body(body(Map.of("type", "whmcs.abuse.delete", "params", Map.of()))).post("/commands");
        assertEquals(400, unknown.statusCode());
        assertEquals("UNKNOWN_ACTION", json(unknown).path("error").path("code").asText());
        // category missing, service_id not a number
        Response invalid = authed().contentType(ContentType.JSON)
                .body(body(Map.of("type", "whmcs.abuse.create", "params", Map.of("service_id", "seventeen")))).post("/commands");
        assertEquals(422, invalid.statusCode());
        JsonNode violations = json(invalid).path("error").path("violations");
        List<String> fields = violations.findValuesAsText("field");
        assertTrue(fields.contains("category") && fields.contains("service_id"), violations.toString());
        // a 20 KB body against a 16 KB limit
        Response large = authed().contentType(ContentType.JSON).body(body(Map.of("type", "whmcs.abuse.create",
                "params", Map.of("service_id", 1, "category", "x", "additional_info", "x".repeat(20_000))))).post("/commands");
        assertEquals(413, large.statusCode());
        assertEquals("TOO_LARGE", json(large).path("error").path("code").asText());
        // an unknown instance
        Response instance = authed().contentType(ContentType.JSON).body(body(Map.of("type", "whmcs.abuse.create",
                "instance", "nowhere", "params", Map.of("service_id", 1, "category", "x")))).post("/commands");
        assertEquals(422, instance.statusCode());
        assertEquals("UNKNOWN_INSTANCE", json(instance).path("error").path("code").asText());
        // an id that could not be a path segment
        Response badId = authed().contentType(ContentType.JSON).body(body(Map.of("id", "a/b c", "type", "whmcs.abuse.create",
                "params", Map.of("service_id", 1, "category", "x")))).post("/commands");
        assertEquals(400, badId.statusCode());
        // a status of an id never seen
        Response missing = authed().get("/commands/never-seen-" + UUID.randomUUID());
        assertEquals(404, missing.statusCode());
        assertEquals("NOT_FOUND", json(missing).path("error").path("code").asText());

        assertEquals(callsBefore, sim.context().calls().size(), "nothing reached the API");
    }

    @Test
    void eachFiringAlertFilesOneReportAndRepeatedNotificationsFileNothingMore() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String startsAt = Instant.now().toString();
        Map<String, Object> spam = alert("firing", "fp-spam-" + run, startsAt,
                Map.of("alertname", "OutboundSpam", "service_id", "31", "abuse_category", "Spam", "service_ip", "203.0.113.7"),
                Map.of("description", "spam-" + run));
        Map<String, Object> cpu = alert("firing", "fp-cpu-" + run, startsAt,
                Map.of("alertname", "HighIO", "service_id", "32", "suspend_method", "immediate"),
                Map.of("summary", "io-" + run));
        Map<String, Object> resolved = alert("resolved", "fp-old-" + run, startsAt,
                Map.of("alertname", "OutboundSpam", "service_id", "33"), Map.of("description", "resolved-" + run));
        Map<String, Object> unmapped = alert("firing", "fp-nosvc-" + run, startsAt,
                Map.of("alertname", "NoServiceLabel"), Map.of("description", "nosvc-" + run));
        String notification = body(Map.of("version", "4", "groupKey", "{}:{alertname=\"x\"}", "status", "firing",
                "receiver", "whmcs-abuse", "groupLabels", Map.of(), "commonLabels", Map.of(), "commonAnnotations", Map.of(),
                "externalURL", "http://alertmanager:9093", "alerts", List.of(spam, cpu, resolved, unmapped)));

        JsonNode first = json(authed().contentType(ContentType.JSON).body(notification).post("/webhooks/alertmanager"));
        assertEquals(2, first.path("accepted").size(), first.toString());
        assertEquals(2, first.path("skipped").size(), first.toString());
        String skipped = first.path("skipped").toString();
        assertTrue(skipped.contains("fp-old-" + run) && skipped.contains("resolved"), skipped);
        assertTrue(skipped.contains("fp-nosvc-" + run) && skipped.contains("service_id"), skipped);

        // Alertmanager repeats the notification (repeat_interval, or a retry after a lost answer)
        JsonNode again = json(authed().contentType(ContentType.JSON).body(notification).post("/webhooks/alertmanager"));
        assertEquals(2, again.path("accepted").size());
        again.path("accepted").forEach(a -> assertTrue(a.path("duplicate").asBoolean(), a.toString()));

        for (JsonNode a : first.path("accepted")) {
            JsonNode status = json(authed().get("/commands/" + a.path("commandId").asText() + "?wait=20s"));
            assertEquals("SUCCEEDED", status.path("status").asText(), status.toString());
        }
        assertEquals(1, reportsWith("spam-" + run), "one report for the repeated spam alert");
        assertEquals(1, reportsWith("io-" + run));
        assertEquals(0, reportsWith("resolved-" + run), "resolved alerts file nothing");
        AbuseManagerSim.AbuseReport report = sim.api(AbuseManagerSim.class).reports().stream()
                .filter(r -> ("spam-" + run).equals(r.additionalInfo())).findFirst().orElseThrow();
        assertEquals(31, report.serviceId());
        assertEquals("Spam", report.category());
        assertEquals("203.0.113.7", report.serviceIp());
        AbuseManagerSim.AbuseReport io = sim.api(AbuseManagerSim.class).reports().stream()
                .filter(r -> ("io-" + run).equals(r.additionalInfo())).findFirst().orElseThrow();
        assertEquals("HighIO", io.category(), "the alert name when no category label is set");
        assertEquals("immediate", io.suspendMethod());
    }

    @Test
    void openApiAndAsyncApiDocumentsDescribeTheIngressAndTheTopics() {
        String openapi = given().get("/q/openapi?format=json").asString();
        assertTrue(openapi.contains("\"/commands\"") && openapi.contains("\"/webhooks/alertmanager\""), openapi);
        JsonNode asyncapi = json(given().get("/asyncapi"));
        assertTrue(asyncapi.path("channels").has("whmcs.abuse.commands"), asyncapi.toString());
        assertTrue(asyncapi.path("channels").has("whmcs.abuse.results"));
        JsonNode create = asyncapi.path("components").path("messages").path("whmcs.abuse.create");
        JsonNode params = create.path("payload").path("properties").path("data").path("properties").path("params");
        assertEquals("[\"service_id\",\"category\"]", params.path("required").toString());
        assertEquals(false, create.path("x-idempotent").asBoolean(true));
    }

    static Map<String, Object> alert(String status, String fingerprint, String startsAt, Map<String, String> labels,
            Map<String, String> annotations) {
        return Map.of("status", status, "labels", labels, "annotations", annotations, "startsAt", startsAt,
                "endsAt", "0001-01-01T00:00:00Z", "generatorURL", "http://prometheus:9090/graph", "fingerprint", fingerprint);
    }
}
