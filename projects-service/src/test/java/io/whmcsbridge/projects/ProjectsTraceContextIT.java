package io.whmcsbridge.projects;

import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.whmcsbridge.model.CloudEvent;
import io.whmcsbridge.runtime.testing.BridgeTestClient;
import io.whmcsbridge.runtime.testing.ServiceTestResource;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static io.whmcsbridge.runtime.testing.BridgeTestClient.command;
import static io.whmcsbridge.runtime.testing.BridgeTestClient.newId;
import static io.whmcsbridge.runtime.testing.BridgeTestClient.params;
import static io.whmcsbridge.runtime.testing.SpanTree.newTraceparent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Without an OTLP endpoint (the default, as every other test runs): the SDK is disabled, no span is made, and a
 * result carries its command's {@code traceparent} unchanged, whether the command came over Kafka or HTTP.
 */
@QuarkusTest
@Order(1)
@QuarkusTestResource(value = ServiceTestResource.class, initArgs = @ResourceArg(name = "family", value = "projects"))
class ProjectsTraceContextIT {
    static final Duration WAIT = Duration.ofSeconds(30);
    static BridgeTestClient client;

    @Inject
    InMemorySpanExporter exporter;

    @BeforeAll
    static void connect() {
        client = new BridgeTestClient("projects");
    }

    @AfterAll
    static void disconnect() {
        client.close();
    }

    @Test
    void withoutAnEndpointNothingIsTracedAndTheResultCarriesTheEmittersTraceparent() {
        assertTrue(ConfigProvider.getConfig().getValue("quarkus.otel.sdk.disabled", Boolean.class));
        String traceparent = newTraceparent();
        String id = newId();
        CloudEvent c = command(id, "whmcs.projects.findProjects", params(), null);
        client.send("project-tc", new CloudEvent(c.specversion(), c.id(), c.source(), c.type(), c.subject(), c.time(),
                c.datacontenttype(), c.data(), Map.of("traceparent", traceparent, "tracestate", "rojo=00f067aa0ba902b7")));
        assertEquals(traceparent, client.awaitResult(id, WAIT).extension("traceparent"));
        assertEquals(traceparent, header(id, "traceparent"));
        assertTrue(exporter.getFinishedSpanItems().isEmpty(), "no span exported: " + exporter.getFinishedSpanItems());
    }

    @Test
    void aCommandSentOverHttpPassesTheCallersTraceparentOnAndIgnoresAMalformedOne() {
        String traceparent = newTraceparent();
        assertEquals(traceparent, client.awaitResult(post(traceparent), WAIT).extension("traceparent"));
        assertNull(client.awaitResult(post("00-" + "a".repeat(700)), WAIT).extension("traceparent"),
                "accepted and run, without a trace context");
        assertTrue(exporter.getFinishedSpanItems().isEmpty());
    }

    /** The command id of a findProjects accepted over HTTP. */
    static String post(String traceparent) {
        Response posted = given().header("Authorization", "Bearer " + ProjectsTracesIT.KEY).header("traceparent", traceparent)
                .contentType(ContentType.JSON).body("{\"type\":\"whmcs.projects.findProjects\",\"params\":{}}")
                .post("/commands");
        assertEquals(202, posted.statusCode(), posted.asString());
        return posted.jsonPath().getString("commandId");
    }

    static String header(String commandId, String name) {
        client.awaitResult(commandId, WAIT);
        for (ConsumerRecord<String, byte[]> r : client.resultRecords()) {
            if (new String(r.value(), java.nio.charset.StandardCharsets.UTF_8).contains(commandId)) {
                return BridgeTestClient.header(r, name);
            }
        }
        throw new AssertionError("no result record for " + commandId);
    }
}
