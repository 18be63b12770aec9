package io.whmcsbridge.simulator.core;

import java.util.List;

/**
 * What the simulator does to requests of one API before (or instead of) answering them. Rates are probabilities
 * from 0 to 1, drawn per request in this order: drop, read timeout, error status, malformed body.
 *
 * @param latencyMs      added to every request
 * @param dropRate       the connection is closed without an answer
 * @param hangRate       the request is accepted and never answered (the client's read timeout fires)
 * @param errorRate      answered with one of {@code errorStatuses} and no side effect
 * @param errorStatuses  HTTP statuses for {@code errorRate}, e.g. 500, 502, 503, 429
 * @param malformedRate  the request is processed (side effect happens) but the body is cut short
 * @param dropAfterEffectRate the request is processed (side effect happens), then the connection is closed unanswered
 * @param hangAfterEffectRate the request is processed (side effect happens) and never answered
 */
public record Fault(long latencyMs, double dropRate, double hangRate, double errorRate, List<Integer> errorStatuses,
        double malformedRate, double dropAfterEffectRate, double hangAfterEffectRate) {

    public Fault(long latencyMs, double dropRate, double hangRate, double errorRate, List<Integer> errorStatuses,
            double malformedRate) {
        this(latencyMs, dropRate, hangRate, errorRate, errorStatuses, malformedRate, 0, 0);
    }

    public static final Fault NONE = new Fault(0, 0, 0, 0, List.of(503), 0);

    public static Fault latency(long ms) {
        return new Fault(ms, 0, 0, 0, List.of(503), 0);
    }

    public static Fault errors(double rate, Integer... statuses) {
        return new Fault(0, 0, 0, rate, List.of(statuses), 0);
    }

    /** One-shot faults that apply to the next requests, before the standing {@link Fault}. */
    public enum Once {
        DROP, HANG, MALFORMED, HANG_AFTER_EFFECT, DROP_AFTER_EFFECT;
    }
}
