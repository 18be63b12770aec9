package io.whmcsbridge.abuse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.whmcsbridge.runtime.api.AnswerBodies;
import io.whmcsbridge.runtime.api.ApiGateway;
import io.whmcsbridge.runtime.api.ApiInstance;
import io.whmcsbridge.runtime.api.ApiOutcome;
import io.whmcsbridge.runtime.api.ApiReply;
import io.whmcsbridge.runtime.api.PhpForm;
import io.whmcsbridge.runtime.api.RestClients;
import io.whmcsbridge.runtime.catalogue.ActionSpec;
import io.whmcsbridge.model.ErrorInfo;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.MultivaluedMap;

import java.util.List;
import java.util.Set;

/** Sends abuse commands to Abuse Manager Pro and reads its answers. Credential key: {@code api-id}. */
@ApplicationScoped
public class AbuseManagerGateway implements ApiGateway {
    /** The error code of a refused {@code API_ID}. */
    static final String UNAUTHORIZED = "AMP001";
    /**
     * What this gateway sends itself, and names an addon API may read credentials from: a command's parameter that
     * PHP would read as one of these is refused ({@link io.whmcsbridge.runtime.catalogue.ActionSpec#reservedNames()}).
     */
    static final List<String> RESERVED = List.of("action", "api_id", "identifier", "secret", "responsetype");

    @Inject
    RestClients clients;

    @Override
    public ApiOutcome call(ApiInstance instance, ActionSpec action, ObjectNode params) {
        MultivaluedMap<String, String> form = PhpForm.withAction(params, action.action());
        AbuseManagerApi api = clients.client(instance, AbuseManagerApi.class);
        return read(ApiReply.of(api.call(instance.credential("api-id"), PhpForm.body(form)), instance));
    }

    /**
     * Success is {@code {"status":"success","report_id":N}}; an error is
     * {@code {"status":"error","error_code":"AMPnnn","error_description":"..."}} with any AMP code (the vendor's table
     * says AMP003 for missing parameters, its example AMP009). The vendor prints the body wrapped in quotes, so a
     * JSON string that itself holds the object is unwrapped.
     */
    static ApiOutcome read(ApiReply reply) {
        JsonNode body = AnswerBodies.json(reply.body());
        if (body != null && body.isTextual() && body.asText().trim().startsWith("{")) {
            body = AnswerBodies.json(body.asText());
        }
        if (body == null || !body.isObject() || !body.has("status")) {
            return reply.unreadable("the answer is not Abuse Manager Pro's JSON");
        }
        String status = body.path("status").asText();
        if ("success".equals(status)) {
            return new ApiOutcome.Success(body);
        }
        String code = body.path("error_code").asText("");
        String message = body.path("error_description").asText("the API reported an error");
        ErrorInfo error = new ErrorInfo(code.isEmpty() ? "HTTP_" + reply.status() : code, message, false, reply.body());
        if (UNAUTHORIZED.equals(code)) {
            return new ApiOutcome.AuthFailure(error);
        }
        return new ApiOutcome.ApiError(error);
    }

    @Override
    public Set<String> secretNames() {
        return Set.of("API_ID");
    }
}
