package io.whmcsbridge.simulator.core;

/**
 * What a simulated API answers.
 *
 * @param outcome    {@code OK} or {@code API_ERROR}, for the call record
 * @param authFailed the request failed authentication (counted for IP bans and by tests)
 */
public record SimReply(int status, String contentType, String body, String outcome, boolean authFailed) {

    public static SimReply json(String body) {
        return new SimReply(200, "application/json", body, "OK", false);
    }

    public static SimReply apiError(int status, String contentType, String body) {
        return new SimReply(status, contentType, body, "API_ERROR", false);
    }

    public static SimReply authError(int status, String contentType, String body) {
        return new SimReply(status, contentType, body, "API_ERROR", true);
    }
}
