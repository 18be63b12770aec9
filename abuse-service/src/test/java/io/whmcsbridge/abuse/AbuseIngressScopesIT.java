package io.whmcsbridge.abuse;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.whmcsbridge.runtime.testing.ServiceTestResource;
import io.whmcsbridge.runtime.testing.SimulatorTestResource;
import io.whmcsbridge.simulator.WhmcsSimulator;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static io.whmcsbridge.abuse.AbuseIngressIT.body;
import static io.whmcsbridge.abuse.AbuseIngressIT.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What each API key may do (application.properties, %test): send which types, read whose commands, /admin, the
 * webhook; and that guessing keys from one address is slowed down without locking out the others.
 */
@QuarkusTest
@Order(1)
@QuarkusTestResource(value = ServiceTestResource.class, initArgs = @ResourceArg(name = "family", value = "abuse"))
class AbuseIngressScopesIT {
    static final String CREATE_ONLY = "abuse-it-create-only-1f0e";
    static final String READER = "abuse-it-reader-8b3a";
    static final String ADMIN = "abuse-it-admin-42c7";
    static final String ALERTMANAGER = "abuse-it-alertmanager-e19d";

    WhmcsSimulator sim = SimulatorTestResource.simulator();

    static RequestSpecification as(String key) {
        return given().header("Authorization", "Bearer " + key);
    }

    static String create(String id, int serviceId) {
        return body(Map.of("id", id, "type", "whmcs.abuse.create",
                "params", Map.of("service_id", serviceId, "category", "Spam", "additional_info", "scopes-" + id)));
    }

    @Test
    void aKeySendsOnlyItsTypesAndAWebhookKeyOnlyTheWebhook() {
        int callsBefore = sim.context().calls().size();
        // whmcs.abuse.create only: another type is refused before anything is looked at or recorded
        String other = "scopes-other-" + UUID.randomUUID();
        Response forbidden = as(CREATE_ONLY).contentType(ContentType.JSON)
                .body(body(Map.of("id", other, "type", "whmcs.abuse.close", "params", Map.of("service_id", 1))))
                .post("/commands");
        assertEquals(403, forbidden.statusCode(), forbidden.asString());
        assertEquals("FORBIDDEN", json(forbidden).path("error").path("code").asText());
        assertEquals(404, as(READER).get("/commands/" + other).statusCode(), "nothing was recorded");

        // the Alertmanager key may use the webhook, not POST /commands
        String viaRest = "scopes-am-" + UUID.randomUUID();
        Response amRest = as(ALERTMANAGER).contentType(ContentType.JSON).body(create(viaRest, 51)).post("/commands");
        assertEquals(403, amRest.statusCode(), amRest.asString());
        assertEquals(404, as(READER).get("/commands/" + viaRest).statusCode(), "nothing was recorded");
        assertEquals(callsBefore, sim.context().calls().size(), "nothing reached the API");

        String notification = body(Map.of("version", "4", "status", "firing", "receiver", "whmcs-abuse",
                "alerts", List.of(AbuseIngressIT.alert("firing", "fp-scopes-" + UUID.randomUUID(), Instant.now().toString(),
                        Map.of("alertname", "OutboundSpam", "service_id", "52"), Map.of("description", "scopes")))));
        // a key for the type but not for the webhook
        Response notWebhook = as(CREATE_ONLY).contentType(ContentType.JSON).body(notification).post("/webhooks/alertmanager");
        assertEquals(403, notWebhook.statusCode(), notWebhook.asString());
        Response webhook = as(ALERTMANAGER).contentType(ContentType.JSON).body(notification).post("/webhooks/alertmanager");
        assertEquals(200, webhook.statusCode(), webhook.asString());
        JsonNode filed = json(webhook).path("accepted");
        assertEquals(1, filed.size(), webhook.asString());
        // and it reads what it filed
        String id = filed.get(0).path("commandId").asText();
        assertEquals("SUCCEEDED", json(as(ALERTMANAGER).get("/commands/" + id + "?wait=20s")).path("status").asText());
    }

    @Test
    void aKeyReadsOnlyItsOwnCommandsUnlessItMayReadAll() {
        String mine = "scopes-own-" + UUID.randomUUID();
        Response sent = AbuseIngressIT.authed().contentType(ContentType.JSON).body(create(mine, 53)).post("/commands");
        assertEquals(202, sent.statusCode(), sent.asString());
        assertEquals(200, AbuseIngressIT.authed().get("/commands/" + mine).statusCode(), "its sender reads it");

        // another sender gets the same 404 as for an id never used, so ids cannot be probed
        Response foreign = as(CREATE_ONLY).get("/commands/" + mine);
        Response never = as(CREATE_ONLY).get("/commands/never-" + UUID.randomUUID());
        assertEquals(404, foreign.statusCode(), foreign.asString());
        assertEquals(404, never.statusCode());
        assertEquals(json(never).path("error").path("code"), json(foreign).path("error").path("code"));
        assertEquals(json(never).path("error").path("message").asText().replaceAll("'[^']*'", "''"),
                json(foreign).path("error").path("message").asText().replaceAll("'[^']*'", "''"));
        assertEquals(404, as(ADMIN).get("/commands/" + mine).statusCode(), "admin is not read-all");

        // and the other way round
        String theirs = "scopes-theirs-" + UUID.randomUUID();
        assertEquals(202, as(CREATE_ONLY).contentType(ContentType.JSON).body(create(theirs, 54)).post("/commands").statusCode());
        assertEquals(200, as(CREATE_ONLY).get("/commands/" + theirs).statusCode());
        assertEquals(404, AbuseIngressIT.authed().get("/commands/" + theirs).statusCode());

        JsonNode read = json(as(READER).get("/commands/" + mine + "?wait=20s"));
        assertEquals("SUCCEEDED", read.path("status").asText(), "a read-all key reads every command: " + read);
        assertEquals(200, as(READER).get("/commands/" + theirs).statusCode());
    }

    @Test
    void onlyAnAdminKeyResetsCircuitsAndSeesThem() {
        Response sender = AbuseIngressIT.authed().post("/admin/instances/wrongkey/circuit/reset");
        assertEquals(403, sender.statusCode(), sender.asString());
        assertEquals("FORBIDDEN", json(sender).path("error").path("code").asText());
        assertEquals(403, as(READER).post("/admin/instances/wrongkey/circuit/reset").statusCode());
        assertEquals(403, AbuseIngressIT.authed().get("/admin/instances").statusCode());
        assertEquals(403, as(READER).get("/admin/instances").statusCode());

        Response admin = as(ADMIN).post("/admin/instances/wrongkey/circuit/reset");
        assertEquals(200, admin.statusCode(), admin.asString());
        assertEquals(200, as(ADMIN).get("/admin/instances").statusCode());
        assertEquals(401, given().post("/admin/instances/wrongkey/circuit/reset").statusCode());
    }

    @Test
    void repeatedBadKeysFromOneAddressGet429WhileOtherAddressesGoOn() throws Exception {
        String guessing = "127.0.0.3";
        List<Integer> statuses = new ArrayList<>();
        List<String> tried = new ArrayList<>();
        String retryAfter = null;
        for (int i = 0; i < 20; i++) {
            String guess = "guess-" + i + "-" + UUID.randomUUID();
            tried.add(guess);
            Raw r = Raw.get(guessing, "/commands/anything", guess);
            statuses.add(r.status());
            if (r.status() == 429 && retryAfter == null) {
                retryAfter = r.header("retry-after");
            }
        }
        assertEquals(List.of(401, 401, 401, 401, 401, 401, 401, 401, 401, 401), statuses.subList(0, 10), statuses.toString());
        assertTrue(statuses.subList(10, 20).stream().allMatch(s -> s == 429), statuses.toString());
        assertTrue(retryAfter != null && Integer.parseInt(retryAfter) > 0 && Integer.parseInt(retryAfter) <= 60, retryAfter);
        // while blocked, even a good key is not looked at from there: no more guesses
        assertEquals(429, Raw.get(guessing, "/admin/instances", ADMIN).status());

        // another address is not affected
        Raw other = Raw.get("127.0.0.2", "/admin/instances", ADMIN);
        assertEquals(200, other.status(), other.body());
        assertEquals(200, as(ADMIN).get("/admin/instances").statusCode());
        // health stays open to everyone
        assertEquals(200, Raw.get(guessing, "/q/health/live", null).status());

        // the block is logged with the address, and no presented key is written to the log
        String written;
        try (var files = Files.list(Path.of("target"))) {
            StringBuilder all = new StringBuilder();
            for (Path f : files.filter(f -> f.getFileName().toString().matches("quarkus.*\\.log(\\.\\d+)?")).toList()) {
                all.append(Files.readString(f));
            }
            written = all.toString();
        }
        assertTrue(written.contains("client " + guessing + ": 10 failed authentications"), "the service logs the block");
        for (String guess : tried) {
            assertFalse(written.contains(guess), "the log holds a presented key");
        }
        assertFalse(written.contains(ADMIN));
    }

    /** A request from a chosen loopback address (RestAssured always sends from 127.0.0.1). */
    record Raw(int status, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name.toLowerCase());
        }

        static Raw get(String from, String path, String key) throws Exception {
            try (Socket s = new Socket()) {
                s.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
                s.connect(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), RestAssured.port), 5000);
                s.setSoTimeout(10_000);
                String request = "GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                        + (key == null ? "" : "Authorization: Bearer " + key + "\r\n") + "\r\n";
                OutputStream out = s.getOutputStream();
                out.write(request.getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = s.getInputStream();
                ByteArrayOutputStream all = new ByteArrayOutputStream();
                in.transferTo(all);
                String text = all.toString(StandardCharsets.UTF_8);
                int end = text.indexOf("\r\n\r\n");
                String[] lines = text.substring(0, end < 0 ? text.length() : end).split("\r\n");
                Map<String, String> headers = new java.util.HashMap<>();
                for (int i = 1; i < lines.length; i++) {
                    int colon = lines[i].indexOf(':');
                    if (colon > 0) {
                        headers.put(lines[i].substring(0, colon).trim().toLowerCase(), lines[i].substring(colon + 1).trim());
                    }
                }
                return new Raw(Integer.parseInt(lines[0].split(" ")[1]), headers, end < 0 ? "" : text.substring(end + 4));
            }
        }
    }
}
