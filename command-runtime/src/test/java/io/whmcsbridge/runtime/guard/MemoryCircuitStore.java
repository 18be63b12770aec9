package io.whmcsbridge.runtime.guard;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The circuit table of {@link JdbcCircuitStore} in memory, with the same conditions, for tests that run several
 * "replicas" (guards with their own holder id) over one store. Counts its operations.
 */
public final class MemoryCircuitStore implements CircuitStore {
    private record Entry(InstanceGuard.Circuit state, String reason, long generation, String holder, long until) {
        Row row(String instance) {
            return new Row(instance, state, reason, generation, holder);
        }
    }

    private final Map<String, Entry> rows = new TreeMap<>();
    public final AtomicInteger operations = new AtomicInteger();
    /** The database is unreachable: every operation fails. */
    public volatile boolean down;

    private static long now() {
        return System.nanoTime() / 1_000_000;
    }

    private void check() {
        operations.incrementAndGet();
        if (down) {
            throw new StoreException("could not reach the database (test)", null);
        }
    }

    private Entry entry(String instance) {
        check();
        return rows.computeIfAbsent(instance, i -> new Entry(InstanceGuard.Circuit.UNVERIFIED, "", 0, null, 0));
    }

    @Override
    public synchronized Row ensure(String instance) {
        return entry(instance).row(instance);
    }

    @Override
    public synchronized List<Row> readAll() {
        check();
        return readAllWhileDown();
    }

    /** The rows, also while {@link #down}. */
    public synchronized List<Row> readAllWhileDown() {
        List<Row> out = new ArrayList<>();
        rows.forEach((i, e) -> out.add(e.row(i)));
        return out;
    }

    @Override
    public synchronized Optional<Row> tryProbe(String instance, String holder, long leaseMillis) {
        Entry e = entry(instance);
        if (e.state() == InstanceGuard.Circuit.OPEN || e.holder() != null && !e.holder().equals(holder) && e.until() >= now()) {
            return Optional.empty();
        }
        Entry taken = new Entry(e.state(), e.reason(), e.generation(), holder, now() + leaseMillis);
        rows.put(instance, taken);
        return Optional.of(taken.row(instance));
    }

    @Override
    public synchronized void renewProbes(String holder, long leaseMillis) {
        check();
        rows.replaceAll((i, e) -> holder.equals(e.holder())
                ? new Entry(e.state(), e.reason(), e.generation(), holder, now() + leaseMillis) : e);
    }

    @Override
    public synchronized void releaseProbe(String instance, String holder) {
        Entry e = entry(instance);
        if (holder.equals(e.holder())) {
            rows.put(instance, new Entry(e.state(), e.reason(), e.generation(), null, 0));
        }
    }

    @Override
    public synchronized Row verified(String instance, String holder, long generation) {
        Entry e = entry(instance);
        if (e.generation() == generation && e.state() != InstanceGuard.Circuit.OPEN) {
            boolean mine = holder.equals(e.holder());
            e = new Entry(InstanceGuard.Circuit.VERIFIED, e.reason(), e.generation(), mine ? null : e.holder(), mine ? 0 : e.until());
            rows.put(instance, e);
        }
        return e.row(instance);
    }

    @Override
    public synchronized Row open(String instance, String reason) {
        Entry e = new Entry(InstanceGuard.Circuit.OPEN, reason, entry(instance).generation() + 1, null, 0);
        rows.put(instance, e);
        return e.row(instance);
    }

    @Override
    public synchronized Row reset(String instance) {
        Entry e = new Entry(InstanceGuard.Circuit.UNVERIFIED, "", entry(instance).generation() + 1, null, 0);
        rows.put(instance, e);
        return e.row(instance);
    }
}
