package io.whmcsbridge.runtime.catalogue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.function.BiFunction;

/**
 * How the effect of a non-idempotent action can be read back when its answer was lost (a timeout, a dropped
 * connection, a killed process), or why it cannot. Declared once per action in the service's catalogue; the README's
 * catalogue table shows {@link #describe()}.
 */
public sealed interface ReadBack {

    /** The README's words for this decision. */
    String describe();

    /** No read-back: the action's answer lost stays {@code UNKNOWN}; {@code why} says what is missing. */
    record None(String why) implements ReadBack {
        @Override
        public String describe() {
            return "none: " + why;
        }
    }

    /**
     * A read-back by an exact marker: a parameter of the write that names its effect at the API (a transaction id).
     *
     * @param read     the idempotent read
     * @param how      the read in words, for the README and the result ({@code GetTransactions transid=<marker>})
     * @param marker   the write's parameter that carries the marker; set to the command id when the command has none
     * @param freeText the marker parameter is text a customer may see (a description): the bridge marks it (appending
     *                 {@code [ref <command id>]}) only where the instance enables it for this action, and otherwise
     *                 the action has no read-back on that instance
     * @param request  the read's parameters, from the write's parameters and the marker
     * @param rule     what the read's answer says about the write
     */
    record ByMarker(ActionSpec read, String how, String marker, boolean freeText,
            BiFunction<ObjectNode, String, ObjectNode> request, Rule rule) implements ReadBack {

        public ByMarker {
            if (!read.idempotent()) {
                throw new IllegalArgumentException(read.type() + " is not idempotent: it cannot be a read-back");
            }
        }

        @Override
        public String describe() {
            return "`" + how + "`" + (freeText ? " (marker `[ref <command id>]` appended to `" + marker
                    + "`, which the customer may see: only where the instance enables it, off by default)"
                    : "; the bridge sets `" + marker + "` to the command id when the command has none");
        }

        /** The write's parameters with the marker in place (a copy; {@code params} stays as it was). */
        public ObjectNode mark(ObjectNode params, String commandId) {
            ObjectNode marked = params.deepCopy();
            if (freeText) {
                String text = params.path(marker).asText("");
                String ref = ref(commandId);
                if (!text.contains(ref)) {
                    marked.put(marker, text.isEmpty() ? ref : text + " " + ref);
                }
            } else if (!params.hasNonNull(marker) || params.get(marker).asText().isEmpty()) {
                marked.put(marker, commandId);
            }
            return marked;
        }

        /** The value the read looks for, from the parameters as sent ({@link #mark}ed). */
        public String markerOf(ObjectNode sent, String commandId) {
            return freeText ? ref(commandId) : sent.path(marker).asText(commandId);
        }

        private static String ref(String commandId) {
            return "[ref " + commandId + "]";
        }
    }

    /** What a read's answer says about the write. A rule that throws is taken as {@link Verdict.CannotTell}. */
    @FunctionalInterface
    interface Rule {
        Verdict judge(JsonNode answer, ObjectNode sent, String marker);
    }

    /** The rule's answer. */
    sealed interface Verdict {
        /** The write took effect: {@code found} is the record that shows it. */
        record Applied(JsonNode found) implements Verdict {
        }

        /** The read shows no effect of the write ({@code saw}: what it found instead, in words). */
        record NotApplied(String saw) implements Verdict {
        }

        /** The answer does not decide it (e.g. the marker names a record of another invoice). */
        record CannotTell(String reason) implements Verdict {
        }
    }
}
