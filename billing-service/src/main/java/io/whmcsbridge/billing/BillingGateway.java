package io.whmcsbridge.billing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.whmcsbridge.model.ErrorCodes;
import io.whmcsbridge.model.ErrorInfo;
import io.whmcsbridge.model.Json;
import io.whmcsbridge.runtime.api.ApiGateway;
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

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sends {@code whmcs.billing.*} commands to {@code whmcs.php} and {@code whmcs.core.*} commands to the WHMCS core
 * API, and reads both APIs' answers into one result shape. Credentials: {@code token} (billing API),
 * {@code identifier} and {@code secret} (core API). Answers, {@code download_invoice}'s PDF included, are read up
 * to the instance's {@code max-answer-bytes} (default 8 MiB: a PDF of 5 MiB in base64).
 */
@ApplicationScoped
public class BillingGateway implements ApiGateway {
    /** Our code for a WHMCS call that the billing API reports as failed inside a success answer. */
    static final String WHMCS_REFUSED = "WHMCS_REFUSED";
    private static final String JSON_ENCODING_FAILED = "Error generating JSON encoded response";
    private static final Pattern WRAPPED_FAILURE = Pattern.compile("WHMCS (\\w+) failed:\\s*(.*)", Pattern.DOTALL);

    /** What this gateway sends to the billing API itself: no command parameter may be read as one of these. */
    static final List<String> BILLING_FIELDS = List.of("action", "token");
    /** What it sends to the core API itself (credentials come from configuration, never from a command). */
    static final List<String> CORE_FIELDS = List.of("identifier", "secret", "username", "password", "accesskey",
            "action", "responsetype");

    @Inject
    RestClients clients;

    @Override
    public ApiOutcome call(ApiInstance instance, ActionSpec action, ObjectNode params) {
        MultivaluedMap<String, String> form = PhpForm.encode(params);
        form.putSingle("action", action.action());
        if (action.type().startsWith(BillingActions.CORE_PREFIX)) {
            form.putSingle("identifier", instance.credential("identifier"));
            form.putSingle("secret", instance.credential("secret"));
            form.putSingle("responsetype", "json");
            form.remove("all_pages");
            WhmcsCoreApi api = clients.client(instance, WhmcsCoreApi.class);
            if (params.path("all_pages").asBoolean(false)) {
                return allPages(api, form, Integer.parseInt(instance.option("max-pages", "50")), action.idempotent(),
                        instance.maxAnswerBytes());
            }
            return callCore(api, form, action.idempotent(), instance.maxAnswerBytes());
        }
        form.putSingle("token", instance.credential("token"));
        return readBilling(ApiReply.of(clients.client(instance, BillingApi.class).call(PhpForm.body(form)),
                instance.maxAnswerBytes()));
    }

    /**
     * The billing API answers success as {@code "result": "OK"} or {@code "success"}, and failure in five shapes:
     * {@code {"code":-1,"message":...}}, {@code {"code":-3,...}}, {@code {"result":"-1","message":...}},
     * {@code {"result":-1,"error":...}} and add_contact's map of error keys {@code {"-1":"fill_required_fields",
     * "message_email_incorrect":...}}. All become {@code error.code} = the API's number and a message; the raw body
     * is {@code error.upstream}. "Invalid token" is an authentication failure. A success whose message says
     * {@code WHMCS <Call> failed: {...}} (apply_credit's page) is WHMCS refusing behind the API: {@value #WHMCS_REFUSED}.
     */
    static ApiOutcome readBilling(ApiReply reply) {
        JsonNode body = parse(reply.body());
        if (body == null || !body.isObject()) {
            return reply.is2xx() ? new ApiOutcome.Malformed("the answer is not the billing API's JSON", reply.body())
                    : new ApiOutcome.HttpFailure(reply.status(), reply.body());
        }
        String result = body.path("result").asText("");
        if (result.equalsIgnoreCase("OK") || result.equalsIgnoreCase("success")) {
            Matcher wrapped = WRAPPED_FAILURE.matcher(body.path("message").asText(""));
            if (!wrapped.matches()) {
                return new ApiOutcome.Success(body);
            }
            // apply_credit's page: "result": "success" with "WHMCS ApplyCredit failed: {...}": WHMCS refused it
            JsonNode inner = parse(wrapped.group(2));
            String why = inner != null && inner.hasNonNull("error") ? inner.get("error").asText()
                    : inner != null && inner.hasNonNull("message") ? inner.get("message").asText() : wrapped.group(2);
            return new ApiOutcome.ApiError(new ErrorInfo(WHMCS_REFUSED, "WHMCS " + wrapped.group(1) + " failed: " + why,
                    false, reply.body()));
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
            List<String> keys = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getKey().equals("-1")) {
                    keys.add(e.getKey());
                }
            }
            message = body.get("-1").asText() + (keys.isEmpty() ? "" : ": " + String.join(", ", keys));
        } else if (body.has("error")) {
            code = ErrorCodes.http(reply.status());
            message = body.get("error").asText();
        } else if (!result.isEmpty() && body.hasNonNull("message")) {
            // a result word the vendor page does not show ("error", "fail"): still the API saying no
            code = result;
            message = body.get("message").asText();
        } else {
            return reply.is2xx() ? new ApiOutcome.Malformed("neither success nor a known failure shape", reply.body())
                    : new ApiOutcome.HttpFailure(reply.status(), reply.body());
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

    /**
     * One core API call. WHMCS cannot encode an answer as JSON when stored data is not UTF-8 (docs/apis/whmcs-core.md:
     * "Error generating JSON encoded response: Malformed UTF-8 characters"); the action has run by then. A read is
     * asked again with {@code responsetype=xml}, which carries such data, and read into the same shape
     * ({@link XmlAnswers}: values as text). Anything else is not sent again: its outcome is unknown.
     */
    static ApiOutcome callCore(WhmcsCoreApi api, MultivaluedMap<String, String> form, boolean idempotent,
            long maxBytes) {
        ApiReply reply = ApiReply.of(api.call(form.getFirst("action"), PhpForm.body(form)), maxBytes);
        ApiOutcome outcome = readCore(reply);
        if (!(outcome instanceof ApiOutcome.ApiError e) || !e.error().message().startsWith(JSON_ENCODING_FAILED)) {
            return outcome;
        }
        if (!idempotent) {
            return new ApiOutcome.Malformed("WHMCS ran " + form.getFirst("action") + " but could not encode its answer as "
                    + "JSON (" + e.error().message() + "); it is not sent again", reply.body());
        }
        form.putSingle("responsetype", "xml");
        try {
            return readCore(ApiReply.of(api.call(form.getFirst("action"), PhpForm.body(form)), maxBytes));
        } finally {
            form.putSingle("responsetype", "json");
        }
    }

    /**
     * The core API: {@code {"result":"success",...}} or {@code {"result":"error","message":...}}. "Authentication
     * Failed" and "Invalid IP" (HTTP 403) stop calls to the instance.
     */
    static ApiOutcome readCore(ApiReply reply) {
        JsonNode body = parse(reply.body());
        if (body == null || !body.isObject() || !body.has("result")) {
            if (reply.status() == 403 && reply.body() != null && reply.body().contains("Invalid IP")) {
                return new ApiOutcome.AuthFailure(new ErrorInfo("INVALID_IP", reply.body().trim(), false, reply.body()));
            }
            return reply.is2xx() ? new ApiOutcome.Malformed("the answer is not WHMCS's JSON", reply.body())
                    : new ApiOutcome.HttpFailure(reply.status(), reply.body());
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

    /**
     * Collects every page of a core list action: {@code limitstart} advances by what each page returned until
     * {@code totalresults} are in or {@code maxPages} were read. The result is the first page's answer with the list
     * holding every record, {@code numreturned} the records collected, {@code startnumber} where the collection began,
     * {@code totalresults} as WHMCS reported it, plus {@code pages} and {@code truncated}.
     */
    static ApiOutcome allPages(WhmcsCoreApi api, MultivaluedMap<String, String> form, int maxPages, boolean idempotent,
            long maxBytes) {
        int start = form.containsKey("limitstart") ? Integer.parseInt(form.getFirst("limitstart")) : 0;
        if (!form.containsKey("limitnum")) {
            form.putSingle("limitnum", "100");
        }
        ObjectNode first = null;
        com.fasterxml.jackson.databind.node.ArrayNode all = Json.MAPPER.createArrayNode();
        int total = 0;
        int pages = 0;
        int next = start;
        boolean truncated = false;
        while (true) {
            form.putSingle("limitstart", Integer.toString(next));
            ApiOutcome page = callCore(api, form, idempotent, maxBytes);
            if (!(page instanceof ApiOutcome.Success ok)) {
                return page;
            }
            pages++;
            ObjectNode body = (ObjectNode) ok.response();
            if (first == null) {
                first = body;
                total = body.path("totalresults").asInt(0);
            }
            com.fasterxml.jackson.databind.node.ArrayNode items = listOf(body);
            int returned = body.path("numreturned").asInt(items == null ? 0 : items.size());
            if (items != null) {
                all.addAll(items);
            }
            next += returned;
            if (returned == 0 || next - start >= total - start || next >= total) {
                break;
            }
            if (pages >= maxPages) {
                truncated = true;
                break;
            }
        }
        com.fasterxml.jackson.databind.node.ArrayNode firstList = listOf(first);
        if (firstList != null) {
            firstList.removeAll();
            firstList.addAll(all);
        }
        first.put("startnumber", start).put("numreturned", all.size()).put("totalresults", total)
                .put("pages", pages).put("truncated", truncated);
        return new ApiOutcome.Success(first);
    }

    /** WHMCS nests lists twice ({@code "invoices": {"invoice": [...]}}): the one array under an object field. */
    private static com.fasterxml.jackson.databind.node.ArrayNode listOf(ObjectNode body) {
        for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
            JsonNode v = it.next().getValue();
            if (v.isObject() && v.size() == 1 && v.elements().next().isArray()) {
                return (com.fasterxml.jackson.databind.node.ArrayNode) v.elements().next();
            }
        }
        return null;
    }

    private static JsonNode parse(String body) {
        if (XmlAnswers.isXml(body)) {
            return XmlAnswers.read(body);
        }
        try {
            return body == null || body.isBlank() ? null : Json.MAPPER.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public Set<String> secretNames() {
        // Not "code": masking every "code" field would hide currency and promotion codes in core API answers and the
        // billing API's error codes. reset_password's one-time 2FA code is masked by that action alone
        // (BillingActions: secretParams("code")).
        return Set.of("token", "secret", "identifier", "password1", "password2", "pass", "reset_token", "co_secret");
    }
}
