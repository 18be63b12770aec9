package io.whmcsbridge.simulator;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.whmcsbridge.simulator.core.SimulatorSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What the simulator's wire tests share: one simulator per class, reset before each test, and plain HTTP to it
 * (money read as exact decimals).
 */
public abstract class SimulatorOnTheWire {
    protected static final ObjectMapper JSON = JsonMapper.builder().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .nodeFactory(JsonNodeFactory.withExactBigDecimals(true)).build();
    protected static final HttpClient HTTP = HttpClient.newHttpClient();
    protected static WhmcsSimulator sim;

    @BeforeAll
    static void startSimulator() {
        sim = WhmcsSimulator.start(0, new SimulatorSettings());
    }

    @AfterAll
    static void stopSimulator() {
        sim.close();
    }

    @BeforeEach
    void freshState() {
        sim.reset();
    }

    /** {@code name, value, name, value, ...} URL-encoded as a form or query string. */
    protected static String encode(List<String> pairs) {
        StringBuilder form = new StringBuilder();
        for (int i = 0; i < pairs.size(); i += 2) {
            form.append(form.isEmpty() ? "" : "&").append(URLEncoder.encode(pairs.get(i), StandardCharsets.UTF_8))
                    .append('=').append(URLEncoder.encode(pairs.get(i + 1), StandardCharsets.UTF_8));
        }
        return form.toString();
    }

    /** POSTs the pairs form-encoded to {@code path} on the simulator. */
    protected static HttpResponse<String> postForm(String path, List<String> pairs) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(sim.baseUrl() + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(encode(pairs))).build(), HttpResponse.BodyHandlers.ofString());
    }
}
