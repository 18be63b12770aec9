package io.whmcsbridge.runtime.deadletter;

import io.whmcsbridge.model.CloudEvent;
import io.whmcsbridge.model.CloudEventCodec;
import io.whmcsbridge.model.UnreadableCommandException;
import io.whmcsbridge.runtime.command.IncomingCommand;
import io.whmcsbridge.runtime.pipeline.DeadLetter;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * One record of the dead-letter topic, read: where it is ({@link #id()}: {@code partition:offset}), the command it
 * holds (decoded as the pipeline decodes it; null when it is not a command), why it is there, and the outcome the
 * API had given when that travels with it.
 */
record DeadLetterEntry(ConsumerRecord<String, byte[]> record, IncomingCommand command, DeadLetter.Kind kind,
        String reason, String outcome) {

    /** The headers the messaging connector's DLQ writes (and ours, {@link DeadLetter#OUTCOME_HEADER}). */
    static final String DEAD_LETTER_HEADERS = "dead-letter-";
    static final String REASON_HEADER = "dead-letter-reason";

    static DeadLetterEntry of(ConsumerRecord<String, byte[]> record) {
        Map<String, String> headers = IncomingCommand.headerMap(record.headers());
        IncomingCommand command = null;
        try {
            CloudEvent event = CloudEventCodec.read(record.value(), headers);
            // where the command was read when it was dead-lettered, as the command log records it
            command = new IncomingCommand(event, record.key(), first(record, "dead-letter-topic"),
                    parseInt(first(record, "dead-letter-partition")), parseLong(first(record, "dead-letter-offset")));
        } catch (UnreadableCommandException e) {
            // not a command: listed with the decoder's reason, never re-driven
        }
        String reason = first(record, REASON_HEADER);
        DeadLetter.Kind kind = DeadLetter.kindOf(command == null ? null : command.id(), reason);
        // Only the pipeline's own outcome: it adds it last, and only to a command that was answered. A record that
        // came in with such a header (an emitter's) would otherwise have it carried into the DLQ and taken for one.
        String outcome = kind == DeadLetter.Kind.ANSWERED_NOT_STORED ? last(record, DeadLetter.OUTCOME_HEADER) : null;
        return new DeadLetterEntry(record, command, kind, reason, outcome);
    }

    /** {@code partition:offset}: how an operator names a dead letter, whether or not it holds a command. */
    String id() {
        return record.partition() + ":" + record.offset();
    }

    /** Where the command was read from, {@code topic/partition/offset}, as the DLQ headers say. */
    String origin() {
        String topic = first(record, "dead-letter-topic");
        return topic == null ? null : topic + "/" + first(record, "dead-letter-partition") + "/"
                + first(record, "dead-letter-offset");
    }

    /** Whether {@code wanted} names this dead letter: its {@code partition:offset} or its command id. */
    boolean named(String wanted) {
        return id().equals(wanted) || command != null && command.id().equals(wanted);
    }

    /**
     * The first header of that name: the connector writes its {@code dead-letter-*} headers before the record's own,
     * so a header an emitter sent under such a name comes after the connector's and is not read.
     */
    private static String first(ConsumerRecord<?, ?> record, String name) {
        for (Header h : record.headers().headers(name)) {
            return h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
        }
        return null;
    }

    private static String last(ConsumerRecord<?, ?> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static Integer parseInt(String s) {
        try {
            return s == null ? null : Integer.valueOf(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Long parseLong(String s) {
        try {
            return s == null ? null : Long.valueOf(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
