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

    /**
     * What stopped a command, as its {@code dead-letter-reason} says: the reason is {@code "command <id>"}, then the
     * kind's phrase, then the details. A listing reads the kind back from the text ({@link #kindOf}), so records
     * written before the kinds had names are read the same way.
     */
    public enum Kind {
        /** The record is not a command at all (the envelope could not be read); its reason is the decoder's. */
        UNREADABLE("unreadable", null),
        /** Database work before the call kept failing: nothing was sent. */
        NOT_SENT("not-sent", " was not sent: "),
        /** The API answered, the outcome could not be stored; the outcome travels in {@link #OUTCOME_HEADER}. */
        ANSWERED_NOT_STORED("answered-not-stored", " was sent and answered "),
        /** The command ended without an answer of the API (REJECTED, a refused call), the outcome could not be stored. */
        OUTCOME_NOT_STORED("outcome-not-stored", " ended "),
        /** The command had finished before; its stored result could not be published again. */
        REPUBLISH_FAILED("republish-failed", " finished before ("),
        /** Processing threw (a bug, an {@link Error} outside the call). */
        PROCESSING_FAILED("processing-failed", " could not be processed: "),
        /** Any other failure the messaging connector sent to the DLQ. */
        OTHER("other", null);

        private final String code;
        private final String phrase;

        Kind(String code, String phrase) {
            this.code = code;
            this.phrase = phrase;
        }

        /** The name operators filter by ({@code not-sent}). */
        public String code() {
            return code;
        }

        public static java.util.Optional<Kind> byCode(String code) {
            for (Kind k : values()) {
                if (k.code.equals(code)) {
                    return java.util.Optional.of(k);
                }
            }
            return java.util.Optional.empty();
        }
    }

    private final String outcome;

    /** {@code "command <id><the kind's phrase><details>"}, the outcome when the API had answered. */
    public DeadLetter(Kind kind, String commandId, String details, String outcome) {
        super("command " + commandId + kind.phrase + details, null, false, false);
        this.outcome = outcome;
    }

    /**
     * The kind of a dead letter whose record holds the command {@code commandId} (null: the record is not a command),
     * read from its {@code dead-letter-reason}. The id is matched in full, so an id that contains a phrase cannot
     * pass for another kind.
     */
    public static Kind kindOf(String commandId, String reason) {
        if (commandId == null) {
            return Kind.UNREADABLE;
        }
        String prefix = "command " + commandId;
        if (reason != null && reason.startsWith(prefix)) {
            for (Kind k : Kind.values()) {
                if (k.phrase != null && reason.startsWith(k.phrase, prefix.length())) {
                    return k;
                }
            }
        }
        return Kind.OTHER;
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
