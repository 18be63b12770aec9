package io.whmcsbridge.reliability;

import io.whmcsbridge.simulator.core.RecordedCall;
import io.whmcsbridge.simulator.core.SideEffect;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The per-command-id checks both suites make. Command ids are numbered {@code <prefix>k<key>-<seq>}: the key and
 * the command's place in its key's order can be read back from every call and side effect that names its command.
 */
final class Checks {
    static final Set<String> TERMINAL = Set.of("SUCCEEDED", "FAILED", "REJECTED", "UNKNOWN");

    private Checks() {
    }

    /** Ids without exactly one terminal status in the command log or without a result event (with the reason). */
    static List<String> lost(Collection<String> ids, Map<String, Rig.Row> rows, Results results) {
        List<String> lost = new ArrayList<>();
        for (String id : ids) {
            Rig.Row row = rows.get(id);
            if (row == null || !TERMINAL.contains(row.status()) || !results.has(id)) {
                lost.add(id + "=" + (row == null ? null : row.status()) + (results.has(id) ? "" : " (no result event)"));
            }
        }
        return lost;
    }

    /** Side effects of {@code kind} per command id of the run. */
    static Map<String, List<SideEffect>> effects(Workload work, String kind, List<SideEffect> effects, String prefix) {
        Map<String, List<SideEffect>> byId = new HashMap<>();
        for (SideEffect e : effects) {
            String mark = e.kind().equals(kind) ? work.markOf(e.params()) : null;
            if (mark != null && mark.startsWith(prefix)) {
                byId.computeIfAbsent(mark, k -> new ArrayList<>()).add(e);
            }
        }
        return byId;
    }

    /** The calls of the run that reached the API, by command id. */
    static Map<String, List<RecordedCall>> callsById(Workload work, List<RecordedCall> calls, String prefix) {
        Map<String, List<RecordedCall>> byId = new HashMap<>();
        for (RecordedCall call : calls) {
            String mark = work.markOf(call.params());
            if (mark != null && mark.startsWith(prefix)) {
                byId.computeIfAbsent(mark, k -> new ArrayList<>()).add(call);
            }
        }
        return byId;
    }

    /**
     * Per-key order as the API saw it.
     *
     * @param outOfOrder a call that started before a call of an earlier command of its key
     * @param overlaps   a call that started before the previous call of its key had ended at the API (two calls
     *                   of one key in flight at once: two processes working the same key)
     */
    record Order(int outOfOrder, int overlaps, List<String> examples) {
    }

    static Order order(Map<String, List<RecordedCall>> callsById) {
        Map<String, List<RecordedCall>> byKey = new HashMap<>();
        Map<RecordedCall, String> idOf = new HashMap<>();
        callsById.forEach((id, calls) -> calls.forEach(c -> {
            byKey.computeIfAbsent(keyOf(id), k -> new ArrayList<>()).add(c);
            idOf.put(c, id);
        }));
        int outOfOrder = 0;
        int overlaps = 0;
        List<String> examples = new ArrayList<>();
        for (List<RecordedCall> calls : byKey.values()) {
            calls.sort(Comparator.comparingLong(RecordedCall::startedNanos));
            RecordedCall lastEnded = null;
            for (int i = 0; i < calls.size(); i++) {
                RecordedCall c = calls.get(i);
                if (i > 0 && seqOf(idOf.get(c)) < seqOf(idOf.get(calls.get(i - 1)))) {
                    outOfOrder++;
                    example(examples, idOf.get(c) + " started after " + idOf.get(calls.get(i - 1)));
                }
                if (lastEnded != null && c.startedNanos() < lastEnded.finishedNanos()) {
                    overlaps++;
                    example(examples, String.format("%s started %.2f s before %s ended", idOf.get(c),
                            (lastEnded.finishedNanos() - c.startedNanos()) / 1e9, idOf.get(lastEnded)));
                }
                if (lastEnded == null || c.finishedNanos() > lastEnded.finishedNanos()) {
                    lastEnded = c;
                }
            }
        }
        return new Order(outOfOrder, overlaps, examples);
    }

    private static void example(List<String> examples, String what) {
        if (examples.size() < 10) {
            examples.add(what);
        }
    }

    /** {@code k<key>} of a command id {@code <prefix>k<key>-<seq>}. */
    static String keyOf(String id) {
        String rest = id.substring(0, id.lastIndexOf('-'));
        return rest.substring(rest.lastIndexOf('-') + 1);
    }

    static int seqOf(String id) {
        return Integer.parseInt(id.substring(id.lastIndexOf('-') + 1));
    }
}
