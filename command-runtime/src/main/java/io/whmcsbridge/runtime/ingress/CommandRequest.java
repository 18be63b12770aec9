package io.whmcsbridge.runtime.ingress;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * A command sent over HTTP: the same {@code type} and {@code params} as a Kafka command.
 *
 * @param id       optional client-chosen command id, the idempotency key for retries; a new UUID when absent
 * @param type     {@code whmcs.<family>.<action>}
 * @param params   the API's own parameter names
 * @param instance the configured API endpoint, {@code default} when absent
 * @param key      ordering key: commands with the same key run in order; the command id when absent
 */
@Schema(name = "CommandRequest", description = "A command, as on the commands topic")
public record CommandRequest(
        @Schema(description = "Client-chosen command id ([A-Za-z0-9._:-], at most 200); retrying with the same id never "
                + "runs the command twice", example = "5f0e6a8e-3a51-4bd6-9a43-12c1d7c0c2aa") String id,
        @Schema(required = true, example = "whmcs.abuse.create") String type,
        @Schema(required = true, description = "Parameters in the API's own names") ObjectNode params,
        @Schema(defaultValue = "default") String instance,
        @Schema(description = "Ordering key; commands with the same key are executed in order") String key) {
}
