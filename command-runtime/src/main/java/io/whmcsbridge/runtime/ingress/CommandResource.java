package io.whmcsbridge.runtime.ingress;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.whmcsbridge.model.CloudEventCodec;
import io.whmcsbridge.model.CommandStatus;
import io.whmcsbridge.model.ErrorCodes;
import io.whmcsbridge.model.Json;
import io.whmcsbridge.runtime.config.BridgeConfig;
import io.whmcsbridge.runtime.store.CommandLog;
import io.whmcsbridge.runtime.store.CommandStore;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Commands over REST for emitters that cannot write to Kafka. {@code POST} answers 202 once the command is
 * committed to the database (it then reaches the commands topic through the outbox, even if Kafka is down at
 * that moment); {@code GET} returns its status and, once terminal, its result.
 */
@Path("/commands")
@IngressSecured
@Tag(name = "commands")
@SecurityScheme(securitySchemeName = "apiKey", type = SecuritySchemeType.HTTP, scheme = "bearer",
        description = "An API key from whmcs.ingress.api-keys (configured as its SHA-256, with the types it may send, "
                + "read-all and admin), or an OIDC token with whmcs.ingress.auth=oidc. 429 with Retry-After after "
                + "repeated failed authentication from one address")
@SecurityRequirement(name = "apiKey")
public class CommandResource {

    /** What {@code POST /commands} answers. */
    public record Accepted(String commandId, String status, String location, boolean duplicate) {
    }

    /** A command's state as the command log has it; {@code result} is the result event's data once terminal. */
    public record CommandView(String commandId, String type, String status, Instant receivedAt, Instant completedAt,
            JsonNode result) {
    }

    @Inject
    CommandIngress ingress;
    @Inject
    CommandStore store;
    @Inject
    BridgeConfig config;

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Send a command", description = "Validated at once (400/422 name the problem); 202 once it is "
            + "recorded. Posting the same id with the same request again answers 202 without a second command.")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = CommandRequest.class)))
    @APIResponse(responseCode = "202", description = "Accepted; poll the Location")
    @APIResponse(responseCode = "400", description = "Not JSON, unknown type, bad id")
    @APIResponse(responseCode = "401", description = "No or unknown API key")
    @APIResponse(responseCode = "403", description = "The key may not send this command type")
    @APIResponse(responseCode = "409", description = "The id was used for a different command")
    @APIResponse(responseCode = "413", description = "Body too large")
    @APIResponse(responseCode = "422", description = "Invalid parameters, unknown instance")
    public Response send(byte[] body, @Context ContainerRequestContext request, @Context UriInfo uri) {
        CommandRequest command = read(body, CommandRequest.class, config.ingress().maxBodyBytes());
        CommandIngress.Receipt receipt = ingress.accept(command, Caller.of(request),
                request.getHeaderString("traceparent"), request.getHeaderString("tracestate"));
        URI location = uri.getBaseUriBuilder().path("commands").path(receipt.commandId()).build();
        return Response.accepted(new Accepted(receipt.commandId(), CommandStatus.RECEIVED.name(), location.getPath(),
                receipt.duplicate())).location(location).build();
    }

    @GET
    @Path("{id}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "A command's status and, once terminal, its result")
    @APIResponse(responseCode = "200", description = "The command as the command log has it")
    @APIResponse(responseCode = "404", description = "No such command id, or one another caller sent (unless the key may "
            + "read all commands): the same answer, so ids cannot be probed")
    public CommandView status(@PathParam("id") String id,
            @Parameter(description = "Wait up to this long for a terminal status (e.g. 10s, PT10S or seconds)")
            @QueryParam("wait") String wait, @Context ContainerRequestContext request) throws InterruptedException {
        Duration budget = parseWait(wait);
        Caller caller = Caller.of(request);
        long deadline = System.nanoTime() + budget.toNanos();
        long pause = 20;
        while (true) {
            CommandLog row = store.find(id).filter(r -> caller.mayRead(r.source)).orElseThrow(() -> new IngressProblem(404,
                    "NOT_FOUND", "no command with id '" + id + "' (it may still be on its way if it was sent to Kafka just now)"));
            // Polling the command log, not an in-process signal: the command may run in another replica.
            if (row.status.isTerminal() || System.nanoTime() >= deadline) {
                return view(row);
            }
            Thread.sleep(Math.min(pause, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
            pause = Math.min(pause * 2, 250);
        }
    }

    private static CommandView view(CommandLog row) {
        JsonNode result = row.result == null ? null : CloudEventCodec.readStructuredUnchecked(row.result).data();
        return new CommandView(row.commandId, row.type, row.status.name(), row.receivedAt, row.completedAt, result);
    }

    private Duration parseWait(String wait) {
        if (wait == null || wait.isBlank()) {
            return Duration.ZERO;
        }
        Duration d;
        try {
            String w = wait.trim();
            d = w.chars().allMatch(Character::isDigit) ? Duration.ofSeconds(Long.parseLong(w))
                    : w.toUpperCase().startsWith("P") ? Duration.parse(w) : Duration.parse("PT" + w.toUpperCase());
        } catch (DateTimeParseException | NumberFormatException e) {
            throw new IngressProblem(400, ErrorCodes.VALIDATION, "wait must be a duration such as 10s, 500ms or PT10S");
        }
        if (d.isNegative()) {
            throw new IngressProblem(400, ErrorCodes.VALIDATION, "wait must not be negative");
        }
        Duration max = config.ingress().maxWait();
        return d.compareTo(max) > 0 ? max : d;
    }

    /** Reads a JSON body with clear 4xx answers: too large, not JSON, wrong shape. */
    public static <T> T read(byte[] body, Class<T> type, int maxBytes) {
        if (body == null || body.length == 0) {
            throw new IngressProblem(400, "NOT_JSON", "the body is empty; send a JSON object");
        }
        if (body.length > maxBytes) {
            throw new IngressProblem(413, ErrorCodes.TOO_LARGE, "the body has " + body.length
                    + " bytes; at most " + maxBytes + " are accepted");
        }
        try {
            JsonNode tree = Json.MAPPER.readTree(body);
            if (tree == null || !tree.isObject()) {
                throw new IngressProblem(400, "NOT_JSON", "the body must be a JSON object");
            }
            return Json.MAPPER.treeToValue(tree, type);
        } catch (JsonProcessingException e) {
            throw new IngressProblem(400, "NOT_JSON", "the body is not readable as " + type.getSimpleName() + ": "
                    + e.getOriginalMessage().lines().findFirst().orElse(""));
        } catch (java.io.IOException e) {
            throw new IngressProblem(400, "NOT_JSON", "the body cannot be read: " + e.getMessage());
        }
    }
}
