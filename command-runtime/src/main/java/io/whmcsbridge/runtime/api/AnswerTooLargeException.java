package io.whmcsbridge.runtime.api;

/**
 * The API's answer is larger than the instance's {@code max-answer-bytes}: reading stopped at the cap (or before any
 * reading, when the answer declared its length) and the connection was dropped. The API had the request.
 */
public final class AnswerTooLargeException extends RuntimeException {
    private final int status;
    private final long maxBytes;

    public AnswerTooLargeException(int status, long maxBytes, String seen) {
        super("the API answered HTTP " + status + " with " + seen + "; at most " + maxBytes
                + " bytes are read (max-answer-bytes)", null, false, false);
        this.status = status;
        this.maxBytes = maxBytes;
    }

    /** The HTTP status of the answer. */
    public int status() {
        return status;
    }

    public long maxBytes() {
        return maxBytes;
    }
}
