package io.whmcsbridge.model;

/** A record that cannot be read as a command at all (not JSON, not a CloudEvent): it goes to the DLQ. */
public class UnreadableCommandException extends Exception {
    public UnreadableCommandException(String reason) {
        super(reason);
    }

    public UnreadableCommandException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
