package io.whmcsbridge.runtime.pipeline;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PartitionHandOverTest {
    static final String T = "whmcs.billing.commands";
    static final TopicPartition P0 = new TopicPartition(T, 0);
    static final TopicPartition P1 = new TopicPartition(T, 1);

    @Test
    void aCommandReadBeforeItsPartitionWasRevokedDoesNotStartButOtherPartitionsGoOn() throws Exception {
        PartitionHandOver h = new PartitionHandOver();
        h.assigned(List.of(P0, P1));
        long g0 = h.generation(T, 0);
        long g1 = h.generation(T, 1);
        assertEquals(0, h.revoke(List.of(P0), Duration.ofSeconds(1)));
        assertFalse(h.tryStart(T, 0, g0), "revoked partition: not started, the new owner reads it");
        assertTrue(h.tryStart(T, 1, g1), "the partition that stayed keeps working");
    }

    @Test
    void aPartitionRevokedAndAssignedBackDoesNotStartWhatWasReadUnderTheOldAssignment() throws Exception {
        PartitionHandOver h = new PartitionHandOver();
        h.assigned(List.of(P0));
        long before = h.generation(T, 0);
        h.revoke(List.of(P0), Duration.ZERO);
        h.assigned(List.of(P0));
        assertFalse(h.tryStart(T, 0, before), "re-read from the committed offset instead");
        assertTrue(h.tryStart(T, 0, h.generation(T, 0)));
    }

    @Test
    void revocationWaitsForTheStartedCommandsToFinish() throws Exception {
        PartitionHandOver h = new PartitionHandOver();
        h.assigned(List.of(P0));
        assertTrue(h.tryStart(T, 0, h.generation(T, 0)));
        CompletableFuture<Integer> revoked = CompletableFuture.supplyAsync(() -> {
            try {
                return h.revoke(List.of(P0), Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(300);
        assertFalse(revoked.isDone(), "the partition is not let go while its call is in flight");
        h.finished(T, 0);
        assertEquals(0, revoked.get(5, TimeUnit.SECONDS), "let go once the command finished");
    }

    @Test
    void revocationGivesUpAfterTheGraceAndSaysHowManyCallsAreStillOut() throws Exception {
        PartitionHandOver h = new PartitionHandOver();
        h.assigned(List.of(P0));
        h.tryStart(T, 0, h.generation(T, 0));
        h.tryStart(T, 0, h.generation(T, 0));
        long start = System.nanoTime();
        assertEquals(2, h.revoke(List.of(P0), Duration.ofMillis(300)));
        assertTrue((System.nanoTime() - start) / 1_000_000 >= 290, "waited the grace");
    }

    @Test
    void aPartitionNeverSeenInAnAssignmentCountsAsOwned() {
        PartitionHandOver h = new PartitionHandOver();
        assertTrue(h.tryStart(T, 3, h.generation(T, 3)), "a channel without the hand-over strategy still works");
    }
}
