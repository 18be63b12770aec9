package io.whmcsbridge.reliability;

import java.util.ArrayList;
import java.util.List;

/** What happened when in a run: printed as it happens, seconds since the run started, and kept for the report. */
final class Timeline {
    private final long t0 = System.nanoTime();
    private final List<String> lines = new ArrayList<>();

    synchronized void log(String what) {
        String line = String.format("%6.1fs %s", seconds(), what);
        lines.add(line);
        System.out.println(line);
    }

    double seconds() {
        return (System.nanoTime() - t0) / 1e9;
    }

    /** Nanos of System.nanoTime() at {@code seconds} after the start. */
    long at(double seconds) {
        return t0 + (long) (seconds * 1e9);
    }

    synchronized List<String> lines() {
        return List.copyOf(lines);
    }
}
