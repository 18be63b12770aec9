package io.whmcsbridge.runtime.pipeline;

/**
 * Database work of a command that could not be done: the database {@link #refused()} what the command asked it to
 * store (its data; trying again cannot help), or the work kept failing until the bound of tries ran out.
 */
final class StoreFailure extends Exception {
    private final boolean refused;
    private final String reason;
    private final String code;

    StoreFailure(boolean refused, String reason, String code, Throwable cause) {
        super(reason, cause);
        this.refused = refused;
        this.reason = reason;
        this.code = code;
    }

    boolean refused() {
        return refused;
    }

    /** What failed, with the database's message (cut, control characters escaped). */
    String reason() {
        return reason;
    }

    /** Only the SQLState or the exception's class: safe to store where the database's text was refused. */
    String code() {
        return code;
    }
}
