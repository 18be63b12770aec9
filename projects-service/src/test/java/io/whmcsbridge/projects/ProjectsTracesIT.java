package io.whmcsbridge.projects;

import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.whmcsbridge.model.CloudEvent;
import io.whmcsbridge.model.Json;
import io.whmcsbridge.runtime.config.TracingConfigSource;
import io.whmcsbridge.runtime.testing.BridgeTestClient;
import io.whmcsbridge.runtime.testing.ServiceTestResource;
import io.whmcsbridge.runtime.testing.SimulatorTestResource;
import io.whmcsbridge.runtime.testing.SpanTree;
import io.whmcsbridge.runtime.tracing.Tracing;
import io.whmcsbridge.simulator.WhmcsSimulator;
import io.whmcsbridge.simulator.core.SimContext;
import io.whmcsbridge.simulator.projects.WbTeamProSim;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import static io.restassured.RestAssured.given;
import static io.whmcsbridge.runtime.testing.BridgeTestClient.command;
import static io.whmcsbridge.runtime.testing.BridgeTestClient.newId;
import static io.whmcsbridge.runtime.testing.BridgeTestClient.params;
import static io.whmcsbridge.runtime.testing.SpanTree.newTraceparent;
import static io.whmcsbridge.runtime.testing.SpanTree.spanId;
import static io.whmcsbridge.runtime.testing.SpanTree.traceId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The trace of a command, as an in-memory exporter captures it with the SDK on: the real broker, database and
 * simulated wbTeamPro API, commands sent over Kafka with an emitter's {@code traceparent} and over HTTP with the
 * header.
 */
@QuarkusTest
@Order(3)
@TestProfile(ProjectsTracesIT.Traced.class)
@QuarkusTestResource(value = ServiceTestResource.class, initArgs = @ResourceArg(name = "family", value = "projects"))
class ProjectsTracesIT {
    static final Duration WAIT = Duration.ofSeconds(30);
    static final String FIND = "command whmcs.projects.findProjects";
    static final String RESULTS = "publish whmcs.projects.results";
    /** ProjectsCommandsIT's operator key (application.properties, %test) and the instance's credentials. */
    static final String KEY = "projects-it-key-77d1";
    static final List<String> SECRETS = List.of(KEY, "apiadmin", "6611648ab7b88b272be46867bee39103");

    /**
     * An OTLP endpoint configured, as WHMCS_TRACING_OTLP_ENDPOINT does: the SDK is on. The spans go to
     * {@link InMemorySpans} (with a {@code SpanExporter} bean Quarkus makes no OTLP exporter), every 20 ms.
     */
    public static class Traced implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(TracingConfigSource.ENDPOINT, "http://127.0.0.1:4317", "quarkus.otel.bsp.schedule.delay", "20ms");
        }
    }

    static BridgeTestClient client;

    @Inject
    InMemorySpanExporter exporter;

    WhmcsSimulator sim = SimulatorTestResource.simulator();

    @BeforeAll
    static void connect() {
        client = new BridgeTestClient("projects");
    }

    @AfterAll
    static void disconnect() {
        client.close();
    }

    /** Every span is the pipeline's (none of the connector's or Vert.x'), none says a secret or a parameter value. */
    @AfterEach
    void onlyThePipelinesSpansAndNothingSecretInThem() {
        List<SpanData> all = exporter.getFinishedSpanItems();
        assertEquals(Set.of(Tracing.SCOPE), all.stream().map(s -> s.getInstrumentationScopeInfo().getName())
                .collect(Collectors.toSet()), "spans of other instrumentation: " + all);
        for (SpanData span : all) {
            span.getAttributes().forEach((k, v) -> {
                String text = String.valueOf(v);
                assertTrue(text.length() <= 200, k + " is unbounded: " + text.length());
                for (String secret : SECRETS) {
                    assertFalse(text.contains(secret), k + " says a secret");
                }
                assertFalse(text.contains("marker-"), k + " says a parameter value: " + text);
            });
            assertFalse(span.getName().contains("marker-") || span.getName().contains("evil"), span.getName());
        }
    }

    static CloudEvent traced(String id, String type, JsonNode params, String instance, String traceparent) {
        CloudEvent c = command(id, type, (com.fasterxml.jackson.databind.node.ObjectNode) params, instance);
        return new CloudEvent(c.specversion(), c.id(), c.source(), c.type(), c.subject(), c.time(), c.datacontenttype(),
                c.data(), Map.of("traceparent", traceparent));
    }

    /** Sends over Kafka with an emitter's traceparent; the result event and the spans of the trace once complete. */
    SpanTree run(String type, JsonNode params, String instance, String traceparent, String status) {
        String id = newId();
        client.send("project-tr", traced(id, type, params, instance, traceparent));
        CloudEvent result = client.awaitResult(id, WAIT);
        assertEquals(status, result.data().path("status").asText(), result.data().toString());
        SpanTree tree = SpanTree.await(exporter, traceId(traceparent), t -> t.has(RESULTS)
                && t.spans().stream().anyMatch(s -> s.getKind() == SpanKind.CONSUMER), WAIT);
        SpanData command = tree.spans().stream().filter(s -> s.getKind() == SpanKind.CONSUMER).findFirst().orElseThrow();
        assertEquals(spanId(traceparent), command.getParentSpanId(), "a child of the emitter's span");
        assertTrue(command.getParentSpanContext().isRemote());
        assertEquals(id, attr(command, "cloudevents.event_id"));
        assertEquals("whmcs.projects.commands", attr(command, "messaging.destination.name"));
        assertEquals(status, attr(command, "whmcs.command.status"));
        // a consumer of the result continues the command's span
        assertEquals("00-" + traceId(traceparent) + "-" + command.getSpanId() + "-01", result.extension("traceparent"));
        assertEquals(command.getSpanId(), tree.one(RESULTS).getParentSpanId());
        System.out.println("trace of a " + status + " " + type + ":\n" + tree.render());
        return tree;
    }

    static Object attr(SpanData span, String key) {
        return span.getAttributes().asMap().entrySet().stream().filter(e -> e.getKey().getKey().equals(key))
                .map(Map.Entry::getValue).findFirst().orElse(null);
    }

    @Test
    void theEndpointTurnedTheSdkOn() {
        assertFalse(ConfigProvider.getConfig().getValue("quarkus.otel.sdk.disabled", Boolean.class));
        assertEquals("http://127.0.0.1:4317",
                ConfigProvider.getConfig().getValue("quarkus.otel.exporter.otlp.traces.endpoint", String.class));
    }

    @Test
    void aSucceededCommandIsOneSpanWithItsDatabaseWorkItsCallAndItsPublication() {
        SpanTree tree = run("whmcs.projects.findProjects", params("title", "marker-" + UUID.randomUUID()), null,
                newTraceparent(), "SUCCEEDED");
        SpanData command = tree.one(FIND);
        assertEquals(List.of("db lookup", "call findProjects", "db complete", RESULTS), tree.childNames(command));
        assertEquals("findProjects", attr(command, "whmcs.action"));
        assertEquals("default", attr(command, "whmcs.instance"));
        assertEquals(1L, attr(command, "whmcs.command.attempts"));
        assertEquals(StatusCode.UNSET, command.getStatus().getStatusCode());
        SpanData call = tree.one("call findProjects");
        assertEquals(SpanKind.CLIENT, call.getKind());
        assertEquals(1L, attr(call, "whmcs.attempt"));
        assertEquals(200L, attr(call, "http.response.status_code"));
        assertEquals("Success", attr(call, "whmcs.api.result"));
        assertEquals("lookup", attr(tree.one("db lookup"), "db.operation.name"));
        assertEquals(SpanKind.PRODUCER, tree.one(RESULTS).getKind());
    }

    /** Commands on a few keys at once, each handed to a worker: every one's spans stay in its own emitter's trace. */
    @Test
    void concurrentCommandsKeepTheirOwnContexts() {
        List<String> traceparents = new java.util.ArrayList<>();
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 24; i++) {
            String traceparent = newTraceparent();
            String id = newId();
            traceparents.add(traceparent);
            ids.add(id);
            client.send("project-cc-" + (i % 3), traced(id, "whmcs.projects.findProjects", params(), null, traceparent));
        }
        for (int i = 0; i < ids.size(); i++) {
            client.awaitResult(ids.get(i), WAIT);
            String traceparent = traceparents.get(i);
            SpanTree tree = SpanTree.await(exporter, traceId(traceparent), t -> t.has(RESULTS) && t.has(FIND), WAIT);
            SpanData command = tree.one(FIND);
            assertEquals(spanId(traceparent), command.getParentSpanId());
            assertEquals(ids.get(i), attr(command, "cloudevents.event_id"));
            assertEquals(List.of("db lookup", "call findProjects", "db complete", RESULTS), tree.childNames(command));
        }
    }

    @Test
    void aRetriedCallIsOneSpanPerAttempt() {
        sim.context().answerNext(WbTeamProSim.NAME, new SimContext.Canned(503, "text/plain", "busy", 1));
        SpanTree tree = run("whmcs.projects.findProjects", params(), null, newTraceparent(), "SUCCEEDED");
        SpanData command = tree.one(FIND);
        assertEquals(List.of("db lookup", "call findProjects", "call findProjects", "db complete", RESULTS),
                tree.childNames(command));
        assertEquals(2L, attr(command, "whmcs.command.attempts"));
        List<SpanData> calls = tree.named("call findProjects");
        assertEquals(List.of(1L, 2L), calls.stream().map(c -> attr(c, "whmcs.attempt")).toList());
        assertEquals(List.of(503L, 200L), calls.stream().map(c -> attr(c, "http.response.status_code")).toList());
        assertEquals(List.of("HttpFailure", "Success"), calls.stream().map(c -> attr(c, "whmcs.api.result")).toList());
        assertEquals(List.of(StatusCode.ERROR, StatusCode.UNSET),
                calls.stream().map(c -> c.getStatus().getStatusCode()).toList());
        assertTrue(calls.get(1).getStartEpochNanos() >= calls.get(0).getEndEpochNanos(), "after the first one's backoff");
    }

    @Test
    void aRejectedCommandHasNoCallAndMadeUpNamesReadUnknown() {
        SpanTree invalid = run("whmcs.projects.findProjects", params("limit", 5000), null, newTraceparent(), "REJECTED");
        SpanData command = invalid.one(FIND);
        assertEquals(List.of("db lookup", "db complete", RESULTS), invalid.childNames(command));
        assertEquals("VALIDATION", attr(command, "whmcs.error.code"));
        assertEquals(StatusCode.UNSET, command.getStatus().getStatusCode(), "the sender's mistake, not an error here");

        // a type and an instance the sender made up are labels from a fixed set, not the sender's strings
        SpanTree unknown = run("whmcs.projects.evil" + UUID.randomUUID(), params(), "evil-" + "x".repeat(150),
                newTraceparent(), "REJECTED");
        SpanData made = unknown.one("command unknown");
        assertEquals("unknown", attr(made, "cloudevents.event_type"));
        assertEquals("unknown", attr(made, "whmcs.action"));
        assertEquals("unknown", attr(made, "whmcs.instance"));
        assertEquals("UNKNOWN_ACTION", attr(made, "whmcs.error.code"));
    }

    Response post(String traceparent) {
        var request = given().header("Authorization", "Bearer " + KEY).contentType(ContentType.JSON)
                .body("{\"type\":\"whmcs.projects.findProjects\",\"params\":{\"limit\":3}}");
        Response posted = (traceparent == null ? request : request.header("traceparent", traceparent)).post("/commands");
        assertEquals(202, posted.statusCode(), posted.asString());
        String id = posted.jsonPath().getString("commandId");
        JsonNode status = json(given().header("Authorization", "Bearer " + KEY).get("/commands/" + id + "?wait=20s"));
        assertEquals("SUCCEEDED", status.path("status").asText(), status.toString());
        return posted;
    }

    static JsonNode json(Response r) {
        try {
            return Json.MAPPER.readTree(r.asByteArray());
        } catch (Exception e) {
            throw new IllegalStateException(r.asString(), e);
        }
    }

    @Test
    void aCommandSentOverHttpContinuesTheCallersTrace() {
        String traceparent = newTraceparent();
        String id = post(traceparent).jsonPath().getString("commandId");
        SpanTree tree = SpanTree.await(exporter, traceId(traceparent), t -> t.has(RESULTS) && t.has(FIND), WAIT);
        SpanData ingress = tree.one("ingress whmcs.projects.findProjects");
        assertEquals(SpanKind.SERVER, ingress.getKind());
        assertEquals(spanId(traceparent), ingress.getParentSpanId());
        assertEquals(id, attr(ingress, "cloudevents.event_id"));
        assertEquals("accepted", attr(ingress, "whmcs.ingress.result"));
        assertEquals(List.of("db accept", "publish whmcs.projects.commands", FIND), tree.childNames(ingress));
        SpanData command = tree.one(FIND);
        assertEquals(List.of("db lookup", "call findProjects", "db complete", RESULTS), tree.childNames(command));
        System.out.println("trace of a command sent over HTTP:\n" + tree.render());
    }

    @Test
    void aMalformedTraceparentHeaderStartsANewTraceAndTheCommandRunsAsUsual() {
        String id = post("00-" + "z".repeat(32) + "-not-a-span-id-at-all").jsonPath().getString("commandId");
        SpanData ingress = awaitSpan(s -> id.equals(attr(s, "cloudevents.event_id"))
                && s.getName().startsWith("ingress "));
        assertFalse(ingress.getParentSpanContext().isValid(), "a root span");
        SpanTree tree = SpanTree.await(exporter, ingress.getTraceId(), t -> t.has(RESULTS) && t.has(FIND), WAIT);
        assertEquals(ingress.getSpanId(), tree.one(FIND).getParentSpanId());
    }

    SpanData awaitSpan(java.util.function.Predicate<SpanData> matches) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            var found = exporter.getFinishedSpanItems().stream().filter(matches).findFirst();
            if (found.isPresent()) {
                return found.get();
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("no such span within " + WAIT + ": " + exporter.getFinishedSpanItems());
    }
}
