package io.whmcsbridge.abuse;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.whmcsbridge.runtime.testing.ServiceTestResource;
import io.whmcsbridge.runtime.testing.SimulatorTestResource;
import io.whmcsbridge.simulator.WhmcsSimulator;
import io.whmcsbridge.simulator.abuse.AbuseManagerSim;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A real Prometheus Alertmanager (Debian's prometheus-alertmanager, when installed) notifying abuse-service, with a
 * repeat interval of 2 s so that it re-sends the same firing alerts several times during the test, then resolves
 * them. Skipped where the package is not installed (it is not part of the build).
 */
@QuarkusTest
@Order(1)
@QuarkusTestResource(value = ServiceTestResource.class, initArgs = @ResourceArg(name = "family", value = "abuse"))
class AbuseRealAlertmanagerIT {
    static final Path BINARY = Path.of("/usr/bin/prometheus-alertmanager");

    @Test
    void repeatedNotificationsOfARealAlertmanagerFileOneReportPerFiringAlert() throws Exception {
        assumeTrue(Files.isExecutable(BINARY), "prometheus-alertmanager is not installed (apt-get install prometheus-alertmanager)");
        WhmcsSimulator sim = SimulatorTestResource.simulator();
        String run = UUID.randomUUID().toString().substring(0, 8);
        int amPort = freePort();
        Path dir = Files.createTempDirectory("alertmanager-it");
        Files.writeString(dir.resolve("alertmanager.yml"), """
                route:
                  receiver: whmcs-abuse
                  group_by: ['alertname', 'service_id']
                  group_wait: 0s
                  group_interval: 1s
                  repeat_interval: 2s
                receivers:
                - name: whmcs-abuse
                  webhook_configs:
                  - url: http://127.0.0.1:%d/webhooks/alertmanager
                    send_resolved: true
                    http_config:
                      authorization:
                        type: Bearer
                        credentials: %s
                """.formatted(RestAssured.port, AbuseIngressIT.KEY));
        Process am = new ProcessBuilder(BINARY.toString(), "--config.file=" + dir.resolve("alertmanager.yml"),
                "--storage.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + amPort,
                "--cluster.listen-address=").redirectErrorStream(true).redirectOutput(dir.resolve("am.log").toFile()).start();
        HttpClient http = HttpClient.newHttpClient();
        String api = "http://127.0.0.1:" + amPort;
        try {
            awaitReady(http, api + "/-/ready");
            String startsAt = Instant.now().toString();
            String alerts = """
                    [{"labels":{"alertname":"RealSpam","service_id":"61","abuse_category":"Spam"},
                      "annotations":{"description":"real-am-%1$s-61"},"startsAt":"%2$s"},
                     {"labels":{"alertname":"RealSpam","service_id":"62","abuse_category":"Spam"},
                      "annotations":{"description":"real-am-%1$s-62"},"startsAt":"%2$s"}]""".formatted(run, startsAt);
            post(http, api + "/api/v2/alerts", alerts);

            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (reports(sim, run) < 2 && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertEquals(2, reports(sim, run), "one report per firing alert");
            // let Alertmanager repeat the notification a few times (repeat_interval 2s)
            Thread.sleep(7000);
            double sent = metric(http, api, "alertmanager_notifications_total");
            assertTrue(sent >= 3, "Alertmanager re-sent its notifications (" + sent + " sent)");
            assertEquals(2, reports(sim, run), "the repeats filed nothing more");

            String resolved = alerts.replace("\"startsAt\":\"" + startsAt + "\"",
                    "\"startsAt\":\"" + startsAt + "\",\"endsAt\":\"" + Instant.now() + "\"");
            post(http, api + "/api/v2/alerts", resolved);
            Thread.sleep(3000);
            assertEquals(2, reports(sim, run), "resolved notifications file nothing");
            assertEquals(0, metric(http, api, "alertmanager_notifications_failed_total"),
                    "every notification was answered 2xx");
        } finally {
            am.destroy();
            am.waitFor();
        }
    }

    static long reports(WhmcsSimulator sim, String run) {
        return sim.api(AbuseManagerSim.class).reports().stream()
                .filter(r -> r.additionalInfo() != null && r.additionalInfo().startsWith("real-am-" + run)).count();
    }

    static void post(HttpClient http, String url, String json) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
    }

    /** Sum of a counter's webhook series in Alertmanager's own metrics. */
    static double metric(HttpClient http, String api, String name) throws Exception {
        String text = http.send(HttpRequest.newBuilder(URI.create(api + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = Pattern.compile("^" + name + "\\{[^}]*integration=\"webhook\"[^}]*\\} ([0-9.e+]+)$", Pattern.MULTILINE)
                .matcher(text);
        double sum = 0;
        while (m.find()) {
            sum += Double.parseDouble(m.group(1));
        }
        return sum;
    }

    static void awaitReady(HttpClient http, String url) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode() == 200) {
                    return;
                }
            } catch (java.io.IOException notYet) {
                // starting
            }
            Thread.sleep(100);
        }
        throw new AssertionError("Alertmanager not ready at " + url);
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
