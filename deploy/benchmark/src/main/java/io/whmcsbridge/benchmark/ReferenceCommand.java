package io.whmcsbridge.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.common.TopicPartition;

import java.net.http.HttpResponse;

/** One command of the {@link ReferencePipeline}, from its record to its result. */
final class ReferenceCommand {
    static final ObjectMapper JSON = new ObjectMapper();

    final TopicPartition tp;
    final long offset;
    final String key;
    final String id;
    final JsonNode params;
    String status;
    /** The result event; set by the answering thread, read by the outbox thread after the queue's hand-off. */
    String event;
    /** Durable and acknowledged: its offset may be committed. */
    volatile boolean done;

    ReferenceCommand(TopicPartition tp, long offset, String key, String id, JsonNode params) {
        this.tp = tp;
        this.offset = offset;
        this.key = key == null ? "" : key;
        this.id = id;
        this.params = params;
    }

    /** The result event, shaped as the bridge's: subject is the command id, data the status and the API's answer. */
    void answered(HttpResponse<String> answer, Throwable error) {
        ObjectNode data = JSON.createObjectNode();
        if (error != null) {
            status = "FAILED"; // no retry: the bridge would retry a transport failure with backoff
            data.put("status", status).putObject("error").put("message", String.valueOf(error));
        } else {
            JsonNode body;
            try {
                body = JSON.readTree(answer.body());
            } catch (Exception notJson) {
                body = JSON.getNodeFactory().textNode(answer.body());
            }
            status = answer.statusCode() == 200 && "success".equals(body.path("status").asText()) ? "SUCCEEDED" : "FAILED";
            data.put("status", status).set("result", body);
        }
        ObjectNode e = JSON.createObjectNode().put("specversion", "1.0").put("id", id + ".result")
                .put("source", "reference-pipeline").put("type", AbuseCommands.TYPE + ".result").put("subject", id)
                .put("datacontenttype", "application/json");
        e.set("data", data);
        event = e.toString();
    }
}
