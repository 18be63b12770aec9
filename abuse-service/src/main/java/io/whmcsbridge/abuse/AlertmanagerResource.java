package io.whmcsbridge.abuse;

import io.whmcsbridge.model.Json;
import io.whmcsbridge.runtime.config.BridgeConfig;
import io.whmcsbridge.runtime.ingress.Caller;
import io.whmcsbridge.runtime.ingress.CommandIngress;
import io.whmcsbridge.runtime.ingress.CommandRequest;
import io.whmcsbridge.runtime.ingress.CommandResource;
import io.whmcsbridge.runtime.ingress.IngressProblem;
import io.whmcsbridge.runtime.ingress.IngressSecured;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Prometheus Alertmanager webhook receiver: each firing alert files one abuse report. The command id is derived
 * from the alert's fingerprint and {@code startsAt}, so Alertmanager's repeated notifications of one firing alert
 * (every {@code repeat_interval}, or after a failed delivery) never file a second report; a new firing of the
 * same alert (new {@code startsAt}) does. Resolved alerts file nothing.
 */
@Path("/webhooks/alertmanager")
@IngressSecured
@Tag(name = "webhooks")
@SecurityRequirement(name = "apiKey")
public class AlertmanagerResource {
    private static final Logger LOG = Logger.getLogger(AlertmanagerResource.class);
    /** Its name in {@code whmcs.ingress.api-keys.<name>.webhooks} and the OIDC role {@code whmcs-webhook:alertmanager}. */
    public static final String WEBHOOK = "alertmanager";

    /** What became of each alert of the notification. */
    public record Answer(List<Filed> accepted, List<Skipped> skipped) {
    }

    public record Filed(String fingerprint, String commandId, String location, boolean duplicate) {
    }

    public record Skipped(String fingerprint, String alertname, String reason) {
    }

    @Inject
    CommandIngress ingress;
    @Inject
    AlertMapping mapping;
    @Inject
    BridgeConfig config;

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Alertmanager webhook: one abuse report per firing alert",
            description = "Always 200 for a readable notification (Alertmanager does not retry 4xx); the body says "
                    + "which alerts were filed and why others were skipped.")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = AlertmanagerNotification.class)))
    @APIResponse(responseCode = "403", description = "The key or token may not call this webhook")
    public Answer receive(byte[] body, @Context ContainerRequestContext request) {
        // the webhook's own scope (a key's webhooks, or the OIDC webhook role); it files whmcs.abuse.create only
        Caller caller = Caller.of(request).asWebhook(WEBHOOK, List.of(AbuseActions.CREATE.type()));
        AlertmanagerNotification n = CommandResource.read(body, AlertmanagerNotification.class,
                config.ingress().maxBodyBytes());
        if (n.alerts() == null) {
            throw new IngressProblem(400, "NOT_ALERTMANAGER", "alerts[] is missing: not an Alertmanager notification");
        }
        List<Filed> accepted = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        for (AlertmanagerNotification.Alert alert : n.alerts()) {
            Map<String, String> labels = alert.labels() == null ? Map.of() : alert.labels();
            String alertname = labels.get("alertname");
            String fingerprint = alert.fingerprint() == null || alert.fingerprint().isBlank()
                    ? fingerprintOf(labels) : alert.fingerprint();
            if (!"firing".equals(alert.status())) {
                skipped.add(new Skipped(fingerprint, alertname, "status " + alert.status() + ": only firing alerts file a report"));
                continue;
            }
            if (alert.startsAt() == null) {
                skipped.add(new Skipped(fingerprint, alertname, "startsAt is missing"));
                LOG.warnf("alert %s (%s) skipped: startsAt is missing", fingerprint, alertname);
                continue;
            }
            String id = UUID.nameUUIDFromBytes(("alertmanager:" + fingerprint + ":" + alert.startsAt())
                    .getBytes(StandardCharsets.UTF_8)).toString();
            ObjectNode params = params(alert);
            String instance = labels.getOrDefault("whmcs_instance", mapping.instance());
            String key = params.hasNonNull("service_id") ? "service-" + params.get("service_id").asText() : id;
            try {
                CommandIngress.Receipt r = ingress.accept(
                        new CommandRequest(id, AbuseActions.CREATE.type(), params, instance, key), caller);
                accepted.add(new Filed(fingerprint, r.commandId(), "/commands/" + r.commandId(), r.duplicate()));
            } catch (IngressProblem problem) {
                String reason = problem.body().error().message()
                        + (problem.body().error().violations() == null ? "" : ": " + problem.body().error().violations())
                        + "; map the parameters with abuse.alertmanager.params.<name>=label:<label>";
                skipped.add(new Skipped(fingerprint, alertname, reason));
                LOG.warnf("alert %s (%s) filed no report: %s", fingerprint, alertname, reason);
            }
        }
        return new Answer(accepted, skipped);
    }

    private ObjectNode params(AlertmanagerNotification.Alert alert) {
        Map<String, String> sources = new HashMap<>(AlertMapping.DEFAULTS);
        sources.putAll(mapping.params());
        ObjectNode params = Json.MAPPER.createObjectNode();
        new TreeMap<>(sources).forEach((param, spec) -> {
            String value = resolve(spec, alert);
            if (value != null) {
                params.put(param, value);
            }
        });
        return params;
    }

    private static String resolve(String spec, AlertmanagerNotification.Alert alert) {
        for (String source : spec.split(",")) {
            String s = source.trim();
            String value = null;
            if (s.startsWith("label:") && alert.labels() != null) {
                value = alert.labels().get(s.substring(6));
            } else if (s.startsWith("annotation:") && alert.annotations() != null) {
                value = alert.annotations().get(s.substring(11));
            } else if (s.startsWith("const:")) {
                value = s.substring(6);
            }
            if (value != null && !value.isBlank()) {
                return value;
            }
        }
        return null;
    }

    /** Alertmanager has sent {@code fingerprint} since 0.19; for older senders, a hash of the sorted labels. */
    private static String fingerprintOf(Map<String, String> labels) {
        return UUID.nameUUIDFromBytes(new TreeMap<>(labels).toString().getBytes(StandardCharsets.UTF_8)).toString();
    }
}
