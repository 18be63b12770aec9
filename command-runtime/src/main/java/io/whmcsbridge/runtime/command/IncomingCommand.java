package io.whmcsbridge.runtime.command;

import io.whmcsbridge.model.CloudEvent;

/** A command as read from Kafka (or accepted over HTTP), with where it came from. */
public record IncomingCommand(CloudEvent event, String key, String topic, Integer partition, Long offset) {

    public String id() {
        return event.id();
    }

    /** The ordering key: the record key, or the command id when the record has none (no ordering asked for). */
    public String orderingKey() {
        return key == null || key.isEmpty() ? event.id() : key;
    }

    /** W3C trace id from the {@code traceparent} extension, if any. */
    public String traceId() {
        String tp = event.extension("traceparent");
        if (tp == null) {
            return null;
        }
        String[] parts = tp.split("-");
        return parts.length >= 3 ? parts[1] : null;
    }
}
