package io.whmcsbridge.model;

/** Error codes of our own, used where the API has none. */
public final class ErrorCodes {
    public static final String VALIDATION = "VALIDATION";
    public static final String UNKNOWN_ACTION = "UNKNOWN_ACTION";
    public static final String UNKNOWN_INSTANCE = "UNKNOWN_INSTANCE";
    public static final String AUTH = "AUTH";
    public static final String TIMEOUT = "TIMEOUT";
    public static final String CONNECTION = "CONNECTION";
    public static final String CIRCUIT_OPEN = "CIRCUIT_OPEN";
    public static final String MALFORMED_RESPONSE = "MALFORMED_RESPONSE";
    public static final String INTERRUPTED = "INTERRUPTED";
    public static final String TOO_LARGE = "TOO_LARGE";
    /** The database refused to store the command (its data); it was not sent. */
    public static final String STORE_REFUSED = "STORE_REFUSED";
    /** The service itself failed while calling (an {@link Error} such as a StackOverflowError). */
    public static final String INTERNAL_ERROR = "INTERNAL_ERROR";
    /** A write sent twice (the second time after a certain "not applied") of which the read-back finds no effect. */
    public static final String NOT_APPLIED = "NOT_APPLIED";

    public static String http(int status) {
        return "HTTP_" + status;
    }

    private ErrorCodes() {
    }
}
