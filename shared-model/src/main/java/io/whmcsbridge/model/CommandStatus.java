package io.whmcsbridge.model;

/** Life cycle of one command in the command log; the last four are the terminal result statuses. */
public enum CommandStatus {
    RECEIVED,
    IN_FLIGHT,
    /**
     * A non-idempotent call's answer was lost and the action declares a read-back: the bridge is reading the effect
     * back (and may send the write once more on a certain "not applied"). No result yet; it ends in one of the four
     * terminal statuses.
     */
    RECONCILING,
    /** The API reported success. */
    SUCCEEDED,
    /** The API reported an error, or retries of a retryable failure ran out. */
    FAILED,
    /** The command was invalid and never sent. */
    REJECTED,
    /** A non-idempotent call may or may not have taken effect; never retried automatically. */
    UNKNOWN;

    public boolean isTerminal() {
        return this != RECEIVED && this != IN_FLIGHT && this != RECONCILING;
    }
}
