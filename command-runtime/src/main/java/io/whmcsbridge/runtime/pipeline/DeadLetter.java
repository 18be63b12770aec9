package io.whmcsbridge.runtime.pipeline;

/**
 * A command that cannot be finished here. Its record goes to the DLQ topic (the record as read, with the
 * {@code dead-letter-reason} header) and is acknowledged, so its key and its partition move on. When the API had
 * answered, {@link #outcome()} is the result event the command would have had (redacted), carried in the
 * {@code dead-letter-outcome} header: an answer received is not thrown away.
 */
public final class DeadLetter extends RuntimeException {
    /** The header that carries the outcome. */
    public static final String OUTCOME_HEADER = "dead-letter-outcome";

    private final String outcome;

    public DeadLetter(String reason, String outcome) {
        super(reason, null, false, false);
        this.outcome = outcome;
    }

    /** The result event JSON the command would have had, or null when no API call answered. */
    public String outcome() {
        return outcome;
    }

    /** The dead letter among {@code error} and its causes, or null. */
    static DeadLetter in(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof DeadLetter d) {
                return d;
            }
        }
        return null;
    }
}
