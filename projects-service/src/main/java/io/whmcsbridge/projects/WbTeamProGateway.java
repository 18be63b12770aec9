package io.whmcsbridge.projects;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.whmcsbridge.model.ErrorInfo;
import io.whmcsbridge.model.Json;
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
import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Calls wbTeamPro and reads its envelope. Credentials: {@code username} and either {@code password-md5} (the MD5
 * the API wants, so the plain password need not be stored) or {@code password} (hashed here). Options:
 * {@code format} ({@code json}|{@code xml}), {@code url-form} ({@code clean}|{@code direct}), {@code http-methods}
 * ({@code native}, or {@code post} for servers that only pass GET and POST: the operation then travels only in the
 * {@code method} parameter). Answers, {@code downloadFile}'s included, are read up to the instance's
 * {@code max-answer-bytes}.
 */
@ApplicationScoped
public class WbTeamProGateway implements ApiGateway {
    /** What this gateway sends itself (credentials, transport fields): no command parameter may be one of these. */
    static final List<String> RESERVED = List.of("username", "password", "password_md5", "method", "params", "action");

    @Inject
    RestClients clients;

    @Override
    public ApiOutcome call(ApiInstance instance, ActionSpec action, ObjectNode params) {
        ProjectsActions.Method m = ProjectsActions.BY_NAME.get(action.action());
        ObjectNode rest = params.deepCopy();
        String chain = m.resolve(rest);
        String format = instance.option("format", "json");
        String httpMethod = "post".equalsIgnoreCase(instance.option("http-methods", "native"))
                && !m.httpMethod().equals("GET") ? "POST" : m.httpMethod();
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("username", instance.credential("username"));
        fields.put("password", passwordMd5(instance));
        fields.put("method", m.httpMethod().toLowerCase());
        fields.put("params", rest.toString());
        WbTeamProApi api = clients.client(instance, WbTeamProApi.class);
        Response response;
        if ("direct".equalsIgnoreCase(instance.option("url-form", "clean"))) {
            fields.put("action", "v1." + chain + "." + format);
            response = httpMethod.equals("GET") ? api.getDirect(fields) : api.postDirect(PhpForm.body(form(fields)));
        } else {
            String path = "v1/" + chain.replace('.', '/') + "/" + format;
            response = switch (httpMethod) {
                case "GET" -> api.get(path, fields);
                case "DELETE" -> api.delete(path, fields);
                case "PUT" -> api.put(path, PhpForm.body(form(fields)));
                default -> api.post(path, PhpForm.body(form(fields)));
            };
        }
        // downloadFile's content is bounded by the instance's max-answer-bytes, like every answer
        return read(ApiReply.of(response, instance));
    }

    private static MultivaluedMap<String, String> form(Map<String, String> fields) {
        MultivaluedMap<String, String> form = new MultivaluedHashMap<>();
        fields.forEach(form::putSingle);
        return form;
    }

    static String passwordMd5(ApiInstance instance) {
        String hash = instance.credentials().get("password-md5");
        if (hash != null && !hash.isBlank()) {
            return hash.trim().toLowerCase();
        }
        try {
            byte[] d = MessageDigest.getInstance("MD5").digest(instance.credential("password").getBytes(StandardCharsets.UTF_8));
            return String.format("%032x", new BigInteger(1, d));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The envelope {@code {"request": {code, message, ...}, "response": {data, <resource keys>}}}, in JSON or XML.
     * Success is a 2xx {@code request.code}; the result's response is {@code response} with every scalar as text, so
     * JSON and XML answers give the same result. 401 (login failed) and 403 (address banned) stop calls to the
     * instance: the API bans an address after 3 failed logins.
     */
    static ApiOutcome read(ApiReply reply) {
        JsonNode env = AnswerBodies.jsonOrXml(reply.body());
        if (env == null || !env.has("request")) {
            return reply.unreadable("the answer is not wbTeamPro's envelope");
        }
        int code = env.path("request").path("code").asInt(reply.status());
        String message = env.path("request").path("message").asText("");
        if (code >= 200 && code < 300) {
            return new ApiOutcome.Success(text(env.path("response")));
        }
        ErrorInfo error = new ErrorInfo(Integer.toString(code), message.isEmpty() ? "wbTeamPro answered " + code : message,
                false, reply.body());
        if (code == 401 || code == 403) {
            return new ApiOutcome.AuthFailure(error);
        }
        if (code >= 500) {
            return new ApiOutcome.HttpFailure(code, reply.body());
        }
        return new ApiOutcome.ApiError(error);
    }

    /** Every scalar as text: what XML can say, so that both formats normalise to the same JSON. */
    static JsonNode text(JsonNode n) {
        if (n.isObject()) {
            ObjectNode o = Json.MAPPER.createObjectNode();
            n.fields().forEachRemaining(e -> o.set(e.getKey(), text(e.getValue())));
            return o;
        }
        if (n.isArray()) {
            ArrayNode a = Json.MAPPER.createArrayNode();
            n.forEach(v -> a.add(text(v)));
            return a;
        }
        return n.isNull() ? n : Json.MAPPER.getNodeFactory().textNode(n.asText());
    }

    @Override
    public Set<String> secretNames() {
        return Set.of("password", "password-md5", "username");
    }
}
