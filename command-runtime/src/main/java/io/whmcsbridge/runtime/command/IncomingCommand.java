package io.whmcsbridge.runtime.command;

import io.whmcsbridge.model.CloudEvent;
import org.apache.kafka.common.header.Header;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

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

    /** A record's headers as the envelope decoder reads them: names lower-cased, values as UTF-8, the last one wins. */
    public static Map<String, String> headerMap(Iterable<Header> headers) {
        Map<String, String> out = new HashMap<>();
        for (Header h : headers) {
            out.put(h.key().toLowerCase(), h.value() == null ? "" : new String(h.value(), StandardCharsets.UTF_8));
        }
        return out;
    }
}
