package io.whmcsbridge.runtime.outbox;

import java.util.UUID;

/**
 * A committed outbox row, as it is sent: {@code topic} is its {@code aggregatetype}, {@code key} its
 * {@code aggregateid} (the record key), {@code payload} the structured CloudEvent.
 */
public record OutboxRow(UUID id, String topic, String key, String type, String payload, String traceparent) {
}
