package io.whmcsbridge.benchmark;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;

/**
 * The benchmark's command and the Abuse Manager Pro call it leads to, written once for everything that sends or
 * answers it: the harness producing commands, the hand-written loop and the reference pipeline (which runs in its
 * own JVM, so nothing here may load a simulator class: the endpoint and API id are passed in).
 */
final class AbuseCommands {
    static final String TYPE = "whmcs.abuse.create";
    /** A call that hangs ends as a failure rather than holding its key forever. */
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private AbuseCommands() {
    }

    /** A CloudEvent of {@link #TYPE} for service {@code key + 1}; the id rides in additional_info so calls can be matched. */
    static byte[] command(String id, int key) {
        return ("{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"benchmark\",\"type\":\"" + TYPE + "\","
                + "\"datacontenttype\":\"application/json\",\"data\":{\"params\":{\"service_id\":" + (key + 1)
                + ",\"category\":\"Spam\",\"additional_info\":\"" + id + "\"}}}").getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The request abuse-service sends for the command's params: the form {@code action=create} plus each param
     * (PhpForm.withAction), with the API_ID header.
     */
    static HttpRequest request(URI api, String apiId, JsonNode params) {
        StringBuilder form = new StringBuilder("action=create");
        for (Iterator<Map.Entry<String, JsonNode>> it = params.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> p = it.next();
            form.append('&').append(URLEncoder.encode(p.getKey(), StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(p.getValue().asText(), StandardCharsets.UTF_8));
        }
        return HttpRequest.newBuilder(api).timeout(TIMEOUT).header("API_ID", apiId)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form.toString())).build();
    }
}
