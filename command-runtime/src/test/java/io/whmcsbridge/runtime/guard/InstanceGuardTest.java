package io.whmcsbridge.runtime.guard;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Several replicas' guards over one circuit store (the database's rules, in memory): what the fleet as a whole
 * sends to an API with wrong credentials, after a reset, from a replica started while the circuit is open, and what
 * a verified replica's calls cost.
 */
class InstanceGuardTest {
    static final String INSTANCE = "default";
    final ExecutorService pool = Executors.newCachedThreadPool();
    final MemoryCircuitStore store = new MemoryCircuitStore();
    /** Calls that reached the "API", and those refused for their credentials. */
    final AtomicInteger calls = new AtomicInteger();
    final AtomicInteger failedLogins = new AtomicInteger();
    final AtomicInteger concurrentProbes = new AtomicInteger();
    final AtomicInteger maxConcurrentProbes = new AtomicInteger();

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    InstanceGuard replica(int n, int maxInFlight, double rate, int view) {
        InstanceGuard g = new InstanceGuard(INSTANCE, maxInFlight, rate, store, "replica-" + n, 10_000, () -> view);
        g.refresh(store.ensure(INSTANCE)); // as InstanceGuards does at start
        return g;
    }

    List<InstanceGuard> fleet(int replicas) {
        List<InstanceGuard> fleet = new ArrayList<>();
        for (int i = 1; i <= replicas; i++) {
            fleet.add(replica(i, 16, 0, replicas));
        }
        return fleet;
    }

    /** A heartbeat on every replica. */
    void heartbeat(List<InstanceGuard> fleet) {
        for (CircuitStore.Row row : store.readAll()) {
            fleet.forEach(g -> g.refresh(row));
        }
    }

    /** One command's call through the guard: {@code CIRCUIT_OPEN}, {@code OK} or {@code AUTH}. */
    String command(InstanceGuard guard, boolean credentialsRight) throws Exception {
        InstanceGuard.Permit permit;
        try {
            permit = guard.acquire();
        } catch (InstanceGuard.CircuitOpenException e) {
            return "CIRCUIT_OPEN";
        }
        boolean probe = !guard.state().verifiedHere();
        if (probe) {
            maxConcurrentProbes.accumulateAndGet(concurrentProbes.incrementAndGet(), Math::max);
        }
        try {
            calls.incrementAndGet();
            Thread.sleep(20);
            if (!credentialsRight) {
                failedLogins.incrementAndGet();
            }
        } finally {
            if (probe) {
                concurrentProbes.decrementAndGet();
            }
            permit.release(true, !credentialsRight, credentialsRight ? null : "401");
        }
        return credentialsRight ? "OK" : "AUTH";
    }

    /** {@code perReplica} commands on each replica at once; the outcomes. */
    List<String> burst(List<InstanceGuard> fleet, int perReplica, boolean credentialsRight) throws Exception {
        List<Future<String>> futures = new ArrayList<>();
        for (InstanceGuard g : fleet) {
            for (int i = 0; i < perReplica; i++) {
                futures.add(pool.submit(() -> command(g, credentialsRight)));
            }
        }
        List<String> out = new ArrayList<>();
        for (Future<String> f : futures) {
            out.add(f.get(20, TimeUnit.SECONDS));
        }
        return out;
    }

    @Test
    void wrongCredentialsCostOneFailedLoginForTheWholeFleet() throws Exception {
        List<InstanceGuard> fleet = fleet(3);
        List<String> outcomes = burst(fleet, 10, false);
        assertEquals(1, failedLogins.get(), "one failed login for three replicas: " + outcomes);
        assertEquals(29, outcomes.stream().filter("CIRCUIT_OPEN"::equals).count(), outcomes.toString());
        fleet.forEach(g -> assertEquals(InstanceGuard.Circuit.OPEN, g.state().fleet(), "open on every replica"));
        assertEquals("401", fleet.get(2).state().reason());
    }

    @Test
    void aResetOnOneReplicaGivesOneProbeForTheFleetAndAStartingReplicaDoesNotProbe() throws Exception {
        List<InstanceGuard> fleet = fleet(3);
        burst(fleet, 5, false);
        assertEquals(1, failedLogins.get());

        InstanceGuard started = replica(4, 16, 0, 4);
        assertEquals("CIRCUIT_OPEN", command(started, false), "a replica started while open sends nothing");
        assertEquals(1, calls.get());

        fleet.get(1).reset();
        heartbeat(fleet);
        fleet.forEach(g -> assertEquals(InstanceGuard.Circuit.UNVERIFIED, g.state().fleet(), "the reset reached every replica"));
        List<String> outcomes = burst(fleet, 10, false);
        assertEquals(2, failedLogins.get(), "one probe after the reset, fleet-wide: " + outcomes);
        assertEquals(1, outcomes.stream().filter("AUTH"::equals).count());
    }

    @Test
    void eachReplicaVerifiesItsOwnCredentialsWithOneProbeAtATimeInTheFleet() throws Exception {
        List<InstanceGuard> fleet = fleet(3);
        List<String> outcomes = burst(fleet, 20, true);
        assertTrue(outcomes.stream().allMatch("OK"::equals), outcomes.toString());
        assertEquals(1, maxConcurrentProbes.get(), "never two probes at once in the fleet");
        fleet.forEach(g -> assertEquals(InstanceGuard.Circuit.VERIFIED, g.state().here()));

        // a replica that starts with wrong credentials while the others are verified: its one probe opens the circuit
        InstanceGuard broken = replica(4, 16, 0, 4);
        assertEquals(InstanceGuard.Circuit.UNVERIFIED, broken.state().here(), "another replica's verdict is not its own");
        List<String> second = burst(List.of(broken), 10, false);
        assertEquals(1, failedLogins.get(), second.toString());
        heartbeat(fleet);
        assertEquals("CIRCUIT_OPEN", command(fleet.get(0), true), "open for the verified replicas too");
    }

    @Test
    void aVerifiedReplicaCallsWithoutTouchingTheStoreEvenWhenTheDatabaseIsDown() throws Exception {
        InstanceGuard g = replica(1, 16, 0, 1);
        assertEquals("OK", command(g, true));
        int operations = store.operations.get();
        store.down = true;
        for (int i = 0; i < 200; i++) {
            g.acquire().release(true, false, null);
        }
        assertEquals(operations, store.operations.get(), "no store access on the verified path");
    }

    @Test
    void anOpenDecidedHereHoldsUntilWrittenAndAStaleRowDoesNotUndoIt() throws Exception {
        InstanceGuard g = replica(1, 16, 0, 1);
        assertEquals("OK", command(g, true));
        CircuitStore.Row verified = store.readAll().get(0);
        store.down = true;
        assertEquals("AUTH", command(g, false));
        g.refresh(verified); // a heartbeat's read from before the failure
        assertEquals(InstanceGuard.Circuit.OPEN, g.state().fleet());
        assertEquals(InstanceGuard.Circuit.VERIFIED, store.readAllWhileDown().get(0).state(), "not written yet");
        store.down = false;
        g.refresh(verified); // the next heartbeat writes it
        assertEquals(InstanceGuard.Circuit.OPEN, store.readAll().get(0).state());
        assertEquals(InstanceGuard.Circuit.OPEN, g.state().fleet());
    }

    @Test
    void aDeadProbeHoldersLeaseRunsOut() throws Exception {
        InstanceGuard dead = new InstanceGuard(INSTANCE, 16, 0, store, "dead", 300, () -> 2);
        dead.acquire(); // takes the probe and is never heard of again
        InstanceGuard other = replica(2, 16, 0, 2);
        long t = System.nanoTime();
        Future<String> waiting = pool.submit(() -> command(other, true));
        assertEquals("OK", waiting.get(5, TimeUnit.SECONDS));
        assertTrue(System.nanoTime() - t >= 250_000_000L, "waited for the lease");
    }

    @Test
    void theCapIsSharedByTheReplicas() throws Exception {
        InstanceGuard g = replica(1, 16, 0, 3);
        assertEquals("OK", command(g, true));
        assertEquals(5, g.maxInFlightShare(), "16 / 3 replicas");
        List<InstanceGuard.Permit> held = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            held.add(g.acquire());
        }
        Future<InstanceGuard.Permit> sixth = pool.submit(g::acquire);
        assertThrows(TimeoutException.class, () -> sixth.get(200, TimeUnit.MILLISECONDS));
        held.get(0).release(true, false, null);
        sixth.get(2, TimeUnit.SECONDS).release(true, false, null);
        assertEquals(4, g.inFlight());
    }

    @Test
    void theRateLimitIsSharedByTheReplicas() throws Exception {
        InstanceGuard g = replica(1, 16, 30, 3);
        assertEquals("OK", command(g, true));
        assertEquals(10.0, g.rateShare(), 1e-9);
        long t = System.nanoTime();
        for (int i = 0; i < 10; i++) {
            g.acquire().release(true, false, null);
        }
        double seconds = (System.nanoTime() - t) / 1e9;
        assertTrue(seconds >= 0.85 && seconds < 3, "10 calls at 10/s (the first one's slot was taken by the probe): " + seconds);
    }

    @Test
    void aPermitIsGivenBackWhateverTheVerdict() throws Exception {
        InstanceGuard g = replica(1, 1, 0, 1);
        InstanceGuard.Permit p = g.acquire();
        store.down = true; // giving back the probe fails in the database
        p.release(false, false, null);
        assertEquals(0, g.inFlight());
        store.down = false;
        assertFalse(g.state().verifiedHere());
        assertEquals("OK", command(g, true), "the same replica probes again (its own lease)");
    }
}
