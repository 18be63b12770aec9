package io.whmcsbridge.billing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.whmcsbridge.model.ErrorInfo;
import io.whmcsbridge.runtime.api.AnswerBodies;
import io.whmcsbridge.runtime.api.ApiInstance;
import io.whmcsbridge.runtime.api.ApiOutcome;
import io.whmcsbridge.runtime.api.ApiReply;
import io.whmcsbridge.runtime.api.PhpForm;
import io.whmcsbridge.runtime.api.RestClients;
import io.whmcsbridge.runtime.api.XmlAnswers;
import io.whmcsbridge.runtime.catalogue.ActionSpec;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.MultivaluedMap;

import java.util.List;

/**
 * Sends {@code whmcs.core.*} commands to the WHMCS core API and reads its answers. Credentials: {@code identifier}
 * and {@code secret}; option {@code max-pages} (default 50) bounds an {@code all_pages} collection ({@link CorePages}).
 */
@ApplicationScoped
class WhmcsCoreGateway {
    private static final String JSON_ENCODING_FAILED = "Error generating JSON encoded response";

    /** What this gateway sends itself (credentials come from configuration, never from a command). */
    static final List<String> RESERVED = List.of("identifier", "secret", "username", "password", "accesskey",
            "action", "responsetype");

    @Inject
    RestClients clients;

    /**
     * @param form   the command's parameters and {@code action}, encoded ({@link PhpForm#encode})
     * @param params the command's parameters, for {@code all_pages} (ours: it is not sent)
     */
    ApiOutcome call(ApiInstance instance, ActionSpec action, ObjectNode params, MultivaluedMap<String, String> form) {
        form.putSingle("identifier", instance.credential("identifier"));
        form.putSingle("secret", instance.credential("secret"));
        form.putSingle("responsetype", "json");
        form.remove("all_pages");
        WhmcsCoreApi api = clients.client(instance, WhmcsCoreApi.class);
        if (params.path("all_pages").asBoolean(false)) {
            return CorePages.collect(api, form, Integer.parseInt(instance.option("max-pages", "50")),
                    action.idempotent(), instance.maxAnswerBytes());
        }
        return call(api, form, action.idempotent(), instance.maxAnswerBytes());
    }

    /**
     * One core API call. WHMCS cannot encode an answer as JSON when stored data is not UTF-8 (docs/apis/whmcs-core.md:
     * "Error generating JSON encoded response: Malformed UTF-8 characters"); the action has run by then. A read is
     * asked again with {@code responsetype=xml}, which carries such data, and read into the same shape
     * ({@link XmlAnswers}: values as text). Anything else is not sent again: its outcome is unknown.
     */
    static ApiOutcome call(WhmcsCoreApi api, MultivaluedMap<String, String> form, boolean idempotent, long maxBytes) {
        ApiReply reply = ApiReply.of(api.call(form.getFirst("action"), PhpForm.body(form)), maxBytes);
        ApiOutcome outcome = read(reply);
        if (!(outcome instanceof ApiOutcome.ApiError e) || !e.error().message().startsWith(JSON_ENCODING_FAILED)) {
            return outcome;
        }
        if (!idempotent) {
            return new ApiOutcome.Malformed("WHMCS ran " + form.getFirst("action") + " but could not encode its answer as "
                    + "JSON (" + e.error().message() + "); it is not sent again", reply.body());
        }
        form.putSingle("responsetype", "xml");
        try {
            return read(ApiReply.of(api.call(form.getFirst("action"), PhpForm.body(form)), maxBytes));
        } finally {
            form.putSingle("responsetype", "json");
        }
    }

    /**
     * {@code {"result":"success",...}} or {@code {"result":"error","message":...}}. "Authentication Failed" and
     * "Invalid IP" (HTTP 403) stop calls to the instance.
     */
    static ApiOutcome read(ApiReply reply) {
        JsonNode body = AnswerBodies.jsonOrXml(reply.body());
        if (body == null || !body.isObject() || !body.has("result")) {
            if (reply.status() == 403 && reply.body() != null && reply.body().contains("Invalid IP")) {
                return new ApiOutcome.AuthFailure(new ErrorInfo("INVALID_IP", reply.body().trim(), false, reply.body()));
            }
            return reply.unreadable("the answer is not WHMCS's JSON");
        }
        if ("success".equals(body.get("result").asText())) {
            return new ApiOutcome.Success(body);
        }
        String message = body.path("message").asText("the WHMCS API reported an error");
        if (message.startsWith("Authentication Failed") || message.startsWith("Invalid IP")) {
            return new ApiOutcome.AuthFailure(new ErrorInfo("AUTH", message, false, reply.body()));
        }
        return new ApiOutcome.ApiError(new ErrorInfo("error", message, false, reply.body()));
    }
}
