package io.whmcsbridge.runtime.outbox;

import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletionException;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

class KafkaRefusalTest {

    @Test
    void aRecordTooLargeIsRefusedForItselfWhereverItIsInTheCauses() {
        RecordTooLargeException tooLarge = new RecordTooLargeException("too large");
        assertSame(tooLarge, KafkaRefusal.refusedForItself(new CompletionException(new RuntimeException(tooLarge))));
    }

    @Test
    void aTimeoutIsTheClustersStateAndNotARefusal() {
        assertNull(KafkaRefusal.refusedForItself(new CompletionException(new TimeoutException("no leader"))));
        assertNull(KafkaRefusal.refusedForItself(null));
    }
}
