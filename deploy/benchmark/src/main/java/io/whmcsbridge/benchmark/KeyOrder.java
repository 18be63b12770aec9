package io.whmcsbridge.benchmark;

import org.apache.kafka.common.TopicPartition;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * The reference pipeline's per-key order: each key's commands queue in record order and only the head of a key
 * may be called; when its call answers, the next one becomes runnable. Keys are independent. One thread only.
 */
final class KeyOrder {
    /** Per key, its commands in order: the head is in flight or runnable. */
    private final Map<String, ArrayDeque<ReferenceCommand>> byKey = new HashMap<>();
    /** Heads of keys, not yet called, in the order they became callable. */
    private final ArrayDeque<ReferenceCommand> runnable = new ArrayDeque<>();

    void add(ReferenceCommand c) {
        ArrayDeque<ReferenceCommand> q = byKey.computeIfAbsent(c.key, k -> new ArrayDeque<>());
        q.add(c);
        if (q.size() == 1) {
            runnable.add(c);
        }
    }

    /** The next command to call, or null. */
    ReferenceCommand poll() {
        return runnable.poll();
    }

    /** The key's previous call answered: its next command may start. */
    void answered(ReferenceCommand c) {
        ArrayDeque<ReferenceCommand> q = byKey.get(c.key);
        if (q == null || q.peek() != c) {
            return; // its partition was revoked meanwhile
        }
        q.poll();
        if (q.isEmpty()) {
            byKey.remove(c.key);
        } else {
            runnable.add(q.peek());
        }
    }

    /** Forgets the commands of revoked partitions (a key lives in one partition); calls in flight still finish. */
    void revoke(Collection<TopicPartition> parts) {
        byKey.values().removeIf(q -> parts.contains(q.peek().tp));
        runnable.removeIf(c -> parts.contains(c.tp));
    }
}
