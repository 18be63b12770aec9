package io.whmcsbridge.runtime.pipeline;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PipelineLivenessTest {
    static final Duration STALL = Duration.ofMinutes(5);

    @Test
    void aLongBacklogThatMovesIsAlive() {
        assertFalse(PipelineLiveness.stalled(4096, Duration.ofMillis(200), STALL), "4,096 waiting, one started 200 ms ago");
    }

    @Test
    void nothingWaitingIsAliveHoweverLongIdle() {
        assertFalse(PipelineLiveness.stalled(0, Duration.ofHours(3), STALL));
    }

    @Test
    void commandsWaitingWithNoStartOrFinishForLongerThanStallAfterIsStuck() {
        assertTrue(PipelineLiveness.stalled(1, STALL.plusSeconds(1), STALL));
    }
}
