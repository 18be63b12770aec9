package io.whmcsbridge.runtime.pipeline;

import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * Which partitions this replica owns, and how many commands of each have started and not finished. A command may
 * start only while the partition it was read from is still owned under the assignment it was read in; when
 * partitions are revoked, nothing new starts from them and {@link #revoke} waits for the started ones to finish
 * (their outcome committed and acknowledged) so the offsets committed next cover them. Commands of a revoked
 * partition that had not started are dropped here; the new owner reads them again.
 */
public final class PartitionHandOver {
    private static final Logger LOG = Logger.getLogger(PartitionHandOver.class);

    private static final class State {
        /** Changes at every assignment and revocation: a command read under an older value may not start. */
        long generation;
        /** A partition not yet seen in an assignment counts as owned (a channel without this commit strategy). */
        boolean owned = true;
        int running;
    }

    private final Map<TopicPartition, State> partitions = new HashMap<>();

    /** The assignment a record read now belongs to; pass it to {@link #tryStart}. */
    public synchronized long generation(String topic, int partition) {
        return state(new TopicPartition(topic, partition)).generation;
    }

    /** True (and counted as running) if the command's partition is still owned under the same assignment. */
    public synchronized boolean tryStart(String topic, int partition, long generation) {
        State s = state(new TopicPartition(topic, partition));
        if (!s.owned || s.generation != generation) {
            return false;
        }
        s.running++;
        return true;
    }

    /** A command that {@link #tryStart started} has finished and been acknowledged (or given up). */
    public synchronized void finished(String topic, int partition) {
        State s = state(new TopicPartition(topic, partition));
        s.running--;
        notifyAll();
    }

    public synchronized void assigned(Collection<TopicPartition> assigned) {
        for (TopicPartition tp : assigned) {
            State s = state(tp);
            s.generation++;
            s.owned = true;
        }
    }

    /**
     * Stops the partitions' commands from starting and waits up to {@code grace} for the started ones to finish.
     * Returns the number still running when it gave up (their calls go on; the new owner finds their
     * {@code IN_FLIGHT} leases and waits for them).
     */
    public synchronized int revoke(Collection<TopicPartition> revoked, Duration grace) throws InterruptedException {
        for (TopicPartition tp : revoked) {
            State s = state(tp);
            s.generation++;
            s.owned = false;
        }
        long deadline = System.nanoTime() + grace.toNanos();
        int running = running(revoked);
        if (running > 0) {
            LOG.infof("partitions %s revoked: waiting up to %s for %d commands in flight", revoked, grace, running);
        }
        while (running > 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                LOG.warnf("partitions %s handed over with %d calls still in flight after %s; their new owner waits "
                        + "for them", revoked, running, grace);
                return running;
            }
            wait(Math.max(1, left / 1_000_000));
            running = running(revoked);
        }
        return 0;
    }

    private int running(Collection<TopicPartition> tps) {
        int n = 0;
        for (TopicPartition tp : tps) {
            n += state(tp).running;
        }
        return n;
    }

    private State state(TopicPartition tp) {
        return partitions.computeIfAbsent(tp, k -> new State());
    }
}
