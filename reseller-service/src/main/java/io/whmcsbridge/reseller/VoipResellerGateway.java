package io.whmcsbridge.reseller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.whmcsbridge.model.ErrorInfo;
import io.whmcsbridge.runtime.api.AnswerBodies;
import io.whmcsbridge.runtime.api.ApiGateway;
import io.whmcsbridge.runtime.api.ApiInstance;
import io.whmcsbridge.runtime.api.ApiOutcome;
import io.whmcsbridge.runtime.api.ApiReply;
import io.whmcsbridge.runtime.api.PhpForm;
import io.whmcsbridge.runtime.api.RestClients;
import io.whmcsbridge.runtime.catalogue.ActionSpec;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.MultivaluedMap;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Calls the VoIP reseller API and reads its status words. Credentials: {@code api-username}, {@code api-password};
 * options: {@code path} (default {@value #DEFAULT_PATH}), {@code http-method} ({@code GET}, the documented form,
 * or {@code POST}).
 */
@ApplicationScoped
public class VoipResellerGateway implements ApiGateway {
    static final String DEFAULT_PATH = "/api/v1/rest.php";
    /** Words that mean the account cannot call at all: the circuit opens until an operator fixes it. */
    static final Set<String> ACCOUNT_WORDS = Set.of("invalid_credentials", "missing_credentials", "ip_not_enabled",
            "api_not_enabled");
    /** Words that mean the API did not act and a later call may succeed. */
    static final Set<String> TRANSIENT_WORDS = Set.of("api_limit_exceeded", "method_maintenance");
    /** The answers' lists: PHP arrays, which json_encode writes as objects when their keys have gaps. */
    static final Set<String> LISTS = Set.of("balance_management", "charges", "clients", "deposits", "packages");

    /** What this gateway sends itself: no command parameter may be read as one of these. */
    static final List<String> RESERVED = List.of("api_username", "api_password", "method");

    @Inject
    RestClients clients;

    @Override
    public ApiOutcome call(ApiInstance instance, ActionSpec action, ObjectNode params) {
        MultivaluedMap<String, String> form = PhpForm.encode(params);
        form.putSingle("api_username", instance.credential("api-username"));
        form.putSingle("api_password", instance.credential("api-password"));
        form.putSingle("method", action.action());
        VoipResellerApi api = clients.client(instance, instance.option("path", DEFAULT_PATH), VoipResellerApi.class);
        if ("POST".equalsIgnoreCase(instance.option("http-method", "GET"))) {
            return read(ApiReply.of(api.post(PhpForm.body(form)), instance));
        }
        return read(ApiReply.of(api.get(PhpForm.query(form)), instance));
    }

    /** {@code {"status":"success",...}} or {@code {"status":"<error word>"}}; the word becomes the error code. */
    static ApiOutcome read(ApiReply reply) {
        JsonNode body = AnswerBodies.json(reply.body());
        if (body == null || !body.isObject() || !body.hasNonNull("status")) {
            return reply.unreadable("the answer is not the reseller API's JSON");
        }
        String word = body.get("status").asText();
        if ("success".equals(word)) {
            return new ApiOutcome.Success(listsAsArrays((ObjectNode) body));
        }
        String message = "the reseller API answered " + word;
        if (ACCOUNT_WORDS.contains(word)) {
            return new ApiOutcome.AuthFailure(new ErrorInfo(word, message, false, reply.body()));
        }
        return new ApiOutcome.ApiError(new ErrorInfo(word, message, TRANSIENT_WORDS.contains(word), reply.body()));
    }

    /**
     * The vendor prints getCharges with keys 0, 1, 3; PHP encodes such an array as {@code {"0":..,"1":..,"3":..}}.
     * Consumers get a JSON array either way, in key order.
     */
    static ObjectNode listsAsArrays(ObjectNode body) {
        for (String field : LISTS) {
            JsonNode list = body.get(field);
            if (list == null || !list.isObject() || list.isEmpty()) {
                continue;
            }
            TreeMap<Long, JsonNode> byKey = new TreeMap<>();
            for (Map.Entry<String, JsonNode> e : list.properties()) {
                if (!e.getKey().matches("\\d{1,18}")) {
                    byKey = null; // not a PHP list: leave it as the API sent it
                    break;
                }
                byKey.put(Long.parseLong(e.getKey()), e.getValue());
            }
            if (byKey != null) {
                ArrayNode array = body.putArray(field);
                byKey.values().forEach(array::add);
            }
        }
        return body;
    }

    @Override
    public Set<String> secretNames() {
        return Set.of("api_password", "password", "confirm_password");
    }
}
