package io.whmcsbridge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.whmcsbridge.model.Json;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A service's admin API ({@code /admin/*}): which service, where it listens, the key with the admin scope, and
 * whether to print its answers as they are. The dead-letter
 * commands go through it rather than to Kafka directly: the service holds what they need (its catalogue's secrets
 * for redaction, the command log for an outcome to store, the table of re-drives), so the logic is written once,
 * there, and the CLI and any other client see the same answers.
 */
final class AdminApi {
    @Parameters(index = "0", description = "abuse, projects, billing or reseller")
    String family;

    @Option(names = "--json", description = "print the service's answer as it is")
    boolean json;

    @Option(names = "--url", description = "the service (default: the local stack's, http://127.0.0.1:8081 for abuse, "
            + "8082 projects, 8083 billing, 8084 reseller)")
    String url;

    @Option(names = "--api-key", description = "a key with the admin scope (default: WHMCS_ADMIN_KEY, or the local "
            + "stack's key)")
    String apiKey = System.getenv().getOrDefault("WHMCS_ADMIN_KEY", LocalStack.LOCAL_KEY);

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** The family, checked: a typo is one line that lists the four. */
    String family() {
        return Families.require(family);
    }

    String base() {
        String u = url != null ? url : "http://127.0.0.1:" + LocalStack.DEFAULT_PORTS.get(family());
        return u.endsWith("/") ? u.substring(0, u.length() - 1) : u;
    }

    JsonNode get(String path) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(base() + path)).GET());
    }

    JsonNode post(String path, JsonNode body) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(base() + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())));
    }

    /** The answer's JSON; any other status as one line with the service's own message. */
    private JsonNode send(HttpRequest.Builder request) throws Exception {
        String family = family();
        HttpResponse<String> answer;
        try {
            answer = HTTP.send(request.header("Authorization", "Bearer " + apiKey).timeout(Duration.ofSeconds(60))
                    .build(), HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new IllegalStateException("no " + family + "-service at " + base() + ": start the stack with "
                    + "./deploy/bridge stack (in another terminal), or pass --url");
        } catch (IOException e) {
            throw new IllegalStateException(family + "-service at " + base() + " did not answer: " + e);
        }
        JsonNode body;
        try {
            body = Json.MAPPER.readTree(answer.body());
        } catch (IOException e) {
            body = null;
        }
        if (answer.statusCode() == 200 && body != null) {
            return body;
        }
        String message = body == null ? answer.body() : body.path("error").path("message").asText(answer.body());
        String hint = answer.statusCode() == 401 || answer.statusCode() == 403
                ? " (pass a key with the admin scope: --api-key or WHMCS_ADMIN_KEY)" : "";
        throw new IllegalStateException(family + "-service answered " + answer.statusCode() + ": " + message + hint);
    }
}
