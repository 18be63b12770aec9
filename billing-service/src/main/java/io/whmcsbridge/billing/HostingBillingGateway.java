package io.whmcsbridge.billing;

import com.fasterxml.jackson.databind.JsonNode;
import io.whmcsbridge.model.ErrorCodes;
import io.whmcsbridge.model.ErrorInfo;
import io.whmcsbridge.runtime.api.AnswerBodies;
import io.whmcsbridge.runtime.api.ApiInstance;
import io.whmcsbridge.runtime.api.ApiOutcome;
import io.whmcsbridge.runtime.api.ApiReply;
import io.whmcsbridge.runtime.api.PhpForm;
import io.whmcsbridge.runtime.api.RestClients;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.MultivaluedMap;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sends {@code whmcs.billing.*} commands to the hosting billing API {@code whmcs.php} and reads its answers.
 * Credential: {@code token}. {@code download_invoice}'s PDF is read up to the instance's {@code max-answer-bytes}
 * like every answer (default 8 MiB: a PDF of 5 MiB in base64).
 */
@ApplicationScoped
class HostingBillingGateway {
    /** Our code for a WHMCS call that the billing API reports as failed inside a success answer. */
    static final String WHMCS_REFUSED = "WHMCS_REFUSED";
    private static final Pattern WRAPPED_FAILURE = Pattern.compile("WHMCS (\\w+) failed:\\s*(.*)", Pattern.DOTALL);

    /** What this gateway sends itself: no command parameter may be read as one of these. */
    static final List<String> RESERVED = List.of("action", "token");

    @Inject
    RestClients clients;

    /** @param form the command's parameters and {@code action}, encoded ({@link PhpForm#encode}) */
    ApiOutcome call(ApiInstance instance, MultivaluedMap<String, String> form) {
        form.putSingle("token", instance.credential("token"));
        return read(ApiReply.of(clients.client(instance, BillingApi.class).call(PhpForm.body(form)), instance));
    }

    /**
     * The billing API answers success as {@code "result": "OK"} or {@code "success"}, and failure in five shapes:
     * {@code {"code":-1,"message":...}}, {@code {"code":-3,...}}, {@code {"result":"-1","message":...}},
     * {@code {"result":-1,"error":...}} and add_contact's map of error keys {@code {"-1":"fill_required_fields",
     * "message_email_incorrect":...}}. All become {@code error.code} = the API's number and a message; the raw body
     * is {@code error.upstream}. "Invalid token" is an authentication failure. A success whose message says
     * {@code WHMCS <Call> failed: {...}} (apply_credit's page) is WHMCS refusing behind the API: {@value #WHMCS_REFUSED}.
     */
    static ApiOutcome read(ApiReply reply) {
        JsonNode body = AnswerBodies.jsonOrXml(reply.body());
        if (body == null || !body.isObject()) {
            return reply.unreadable("the answer is not the billing API's JSON");
        }
        String result = body.path("result").asText("");
        if (result.equalsIgnoreCase("OK") || result.equalsIgnoreCase("success")) {
            Matcher wrapped = WRAPPED_FAILURE.matcher(body.path("message").asText(""));
            return wrapped.matches() ? refusedBehind(wrapped, reply) : new ApiOutcome.Success(body);
        }
        String code;
        String message;
        if (body.has("code")) {
            code = body.get("code").asText();
            message = body.path("message").asText(body.path("error").asText(""));
        } else if (body.has("result") && body.get("result").asText().matches("-\\d+")) {
            code = body.get("result").asText();
            message = body.hasNonNull("message") ? body.get("message").asText() : body.path("error").asText("");
        } else if (body.has("-1")) {
            code = "-1";
            message = body.get("-1").asText() + errorKeys(body);
        } else if (body.has("error")) {
            code = ErrorCodes.http(reply.status());
            message = body.get("error").asText();
        } else if (!result.isEmpty() && body.hasNonNull("message")) {
            // a result word the vendor page does not show ("error", "fail"): still the API saying no
            code = result;
            message = body.get("message").asText();
        } else {
            return reply.unreadable("neither success nor a known failure shape");
        }
        ErrorInfo error = new ErrorInfo(code, message.isEmpty() ? "the billing API reported an error" : message, false,
                reply.body());
        String lower = message.toLowerCase();
        if (reply.status() == 401 || lower.contains("invalid token") || lower.contains("token expired")
                || lower.contains("expired token")) {
            return new ApiOutcome.AuthFailure(error);
        }
        return new ApiOutcome.ApiError(error);
    }

    /** apply_credit's page: "result": "success" with "WHMCS ApplyCredit failed: {...}": WHMCS refused it. */
    private static ApiOutcome refusedBehind(Matcher wrapped, ApiReply reply) {
        JsonNode inner = AnswerBodies.jsonOrXml(wrapped.group(2));
        String why = inner != null && inner.hasNonNull("error") ? inner.get("error").asText()
                : inner != null && inner.hasNonNull("message") ? inner.get("message").asText() : wrapped.group(2);
        return new ApiOutcome.ApiError(new ErrorInfo(WHMCS_REFUSED, "WHMCS " + wrapped.group(1) + " failed: " + why,
                false, reply.body()));
    }

    /** add_contact's error keys besides "-1", as ": key, key" (empty when there are none). */
    private static String errorKeys(JsonNode body) {
        List<String> keys = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getKey().equals("-1")) {
                keys.add(e.getKey());
            }
        }
        return keys.isEmpty() ? "" : ": " + String.join(", ", keys);
    }
}
