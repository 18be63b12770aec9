package io.whmcsbridge.runtime.fleet;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The membership rules against a simulated {@code fleet_member} table and clock: replicas join, leave on SIGTERM,
 * are killed, stall (their heartbeat late while their calls go on) and lose heartbeats, and at every moment the
 * shares of the replicas that may call add up to at most the total. Times are milliseconds.
 */
class MemberStateTest {
    static final long HEARTBEAT = 1000;
    static final long EXPIRY = HEARTBEAT * FleetMembership.EXPIRY_HEARTBEATS;
    static final long FENCE = HEARTBEAT * FleetMembership.FENCE_HEARTBEATS;

    record Row(int view, long seenAt) {
    }

    /** One replica in the simulation: its rules, when it next reads the table, and its heartbeat on the way. */
    static final class Member {
        final String id;
        final MemberState state;
        long nextRead;
        long writeAt = -1;
        long sentAt;
        int viewToWrite;
        long stalledUntil;
        int ticks;
        boolean gone;

        Member(String id, long now) {
            this.id = id;
            this.state = new MemberState(id, FENCE);
            this.nextRead = now;
        }
    }

    final Map<String, Row> table = new HashMap<>();
    final List<Member> members = new ArrayList<>();
    long now;
    int joined;

    Map<String, Integer> live() {
        Map<String, Integer> live = new HashMap<>();
        table.forEach((id, r) -> {
            if (r.seenAt() > now - EXPIRY) {
                live.put(id, r.view());
            }
        });
        return live;
    }

    Member join() {
        Member m = new Member("replica-" + (++joined), now);
        members.add(m);
        return m;
    }

    /** Moves the simulation to {@code until}, step by step, checking the shares at every step. */
    void run(long until, Random random, double writeFailure) {
        for (; now < until; now += 5) {
            for (Member m : members) {
                if (m.gone || now < m.stalledUntil) {
                    continue;
                }
                if (m.writeAt >= 0 && now >= m.writeAt) {
                    double fate = random.nextDouble();
                    if (fate >= writeFailure / 2) {
                        table.put(m.id, new Row(m.viewToWrite, now + random.nextInt(20)));
                        if (fate >= writeFailure) {
                            m.state.onHeartbeat(m.sentAt);
                        } // else: written, but the answer was lost
                    }
                    m.writeAt = -1;
                    // the first two heartbeats run back to back at start, then one per heartbeat
                    m.nextRead = ++m.ticks == 1 ? now : now + HEARTBEAT + random.nextInt(50);
                } else if (m.writeAt < 0 && now >= m.nextRead) {
                    m.viewToWrite = m.state.onRead(live(), now);
                    m.sentAt = now + random.nextInt(30);
                    m.writeAt = m.sentAt;
                }
            }
            double sum = 0;
            for (Member m : members) {
                if (!m.gone && m.state.mayCall(now)) {
                    sum += 1.0 / m.state.view();
                }
            }
            if (sum > 1 + 1e-9) {
                StringBuilder b = new StringBuilder();
                members.stream().filter(m -> !m.gone).forEach(m -> b.append(m.id).append(" view ").append(m.state.view())
                        .append(m.state.mayCall(now) ? " calling" : " waiting").append("; "));
                fail("at " + now + " ms the shares add up to " + sum + " of the total: " + b + " table " + table);
            }
        }
    }

    @Test
    void aReplicaAloneCallsAfterItsSecondHeartbeat() {
        Member m = join();
        run(1, new Random(1), 0);
        assertFalse(m.state.mayCall(now), "not before its row is written");
        run(200, new Random(1), 0);
        assertTrue(m.state.mayCall(now));
        assertEquals(1, m.state.view());
    }

    /** Two replicas, started together and calling after 5 s. */
    List<Member> twoCalling(Random random) {
        List<Member> two = List.of(join(), join());
        run(5_000, random, 0);
        two.forEach(m -> assertTrue(m.state.mayCall(now)));
        return two;
    }

    @Test
    void aNewReplicaWaitsUntilEveryOtherCountsIt() {
        Random random = new Random(2);
        Member a = twoCalling(random).get(0);
        Member c = join();
        run(now + 200, random, 0);
        assertFalse(c.state.mayCall(now), "registered, but the others still divide by 2");
        run(now + 2_500, random, 0);
        assertTrue(c.state.mayCall(now));
        assertEquals(3, a.state.view());
        assertEquals(3, c.state.view());
    }

    @Test
    void aReplicaWhoseHeartbeatStallsStopsCallingBeforeTheOthersStopCountingIt() {
        Random random = new Random(3);
        List<Member> two = twoCalling(random);
        Member a = two.get(0);
        Member b = two.get(1);
        b.stalledUntil = now + 7_000;
        run(now + FENCE + 100, random, 0);
        assertFalse(b.state.mayCall(now), "fenced");
        run(now + 3_000, random, 0);
        assertEquals(1, a.state.view(), "b expired");
        run(now + 5_000, random, 0);
        assertTrue(b.state.mayCall(now), "joined again");
        assertEquals(2, a.state.view());
    }

    @Test
    void sharesNeverAddUpToMoreThanTheTotalWhileReplicasComeAndGo() {
        for (long seed = 1; seed <= Long.getLong("fleet.seeds", 12); seed++) {
            table.clear();
            members.clear();
            now = 0;
            Random random = new Random(seed);
            for (int i = 0; i < 3; i++) {
                join();
            }
            long end = 90_000;
            while (now < end) {
                run(now + 250 + random.nextInt(1500), random, 0.05);
                List<Member> alive = members.stream().filter(m -> !m.gone).toList();
                int event = random.nextInt(10);
                if (event < 3 && alive.size() < 10) {
                    join();
                } else if (event < 5 && alive.size() > 1) {
                    Member m = alive.get(random.nextInt(alive.size())); // SIGTERM: stops calling, deletes its row
                    m.state.leave();
                    m.gone = true;
                    table.remove(m.id);
                } else if (event < 6 && alive.size() > 1) {
                    alive.get(random.nextInt(alive.size())).gone = true; // SIGKILL: its row stays until it expires
                } else if (event < 8) {
                    alive.get(random.nextInt(alive.size())).stalledUntil = now + 500 + random.nextInt(8000);
                }
            }
            // then a quiet minute: every replica left calls, each dividing by the number of replicas
            run(now + 60_000, random, 0);
            List<Member> alive = members.stream().filter(m -> !m.gone).toList();
            for (Member m : alive) {
                assertTrue(m.state.mayCall(now), "seed " + seed + ": " + m.id + " calls again");
                assertEquals(alive.size(), m.state.view(), "seed " + seed + ": " + m.id);
            }
        }
    }
}
