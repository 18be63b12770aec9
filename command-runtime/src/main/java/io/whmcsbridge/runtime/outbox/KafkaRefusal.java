package io.whmcsbridge.runtime.outbox;

import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;

/** Tells a record Kafka refuses for what it is from a send that failed for the state of the cluster. */
final class KafkaRefusal {
    private KafkaRefusal() {
    }

    /**
     * The exception saying Kafka refused the record for what it is (too large, not serialisable, an invalid topic name),
     * which no retry changes, rather than for the state of the cluster; null if it did not.
     */
    static Throwable refusedForItself(Throwable failure) {
        Throwable t = failure;
        for (int i = 0; t != null && i < 20; i++, t = t.getCause()) {
            if (t instanceof RecordTooLargeException || t instanceof RecordBatchTooLargeException
                    || t instanceof InvalidRecordException || t instanceof SerializationException
                    || t instanceof InvalidTopicException) {
                return t;
            }
        }
        return null;
    }
}
