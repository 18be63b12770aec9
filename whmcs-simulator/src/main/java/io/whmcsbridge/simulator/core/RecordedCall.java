package io.whmcsbridge.simulator.core;

import java.util.Map;

/**
 * One request the simulator received, with what it did about it. Times are epoch nanoseconds of this JVM's
 * {@link System#nanoTime()} clock, comparable between calls.
 *
 * @param outcome {@code OK}, {@code API_ERROR}, or the fault that was applied ({@code DROP}, {@code HANG},
 *                {@code HTTP_503}, {@code MALFORMED}, ...)
 */
public record RecordedCall(long seq, String api, String method, String path, String action,
        Map<String, String> params, String remoteIp, long startedNanos, long finishedNanos, String outcome,
        boolean authFailed) {
}
