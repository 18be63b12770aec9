package io.whmcsbridge.runtime.deadletter;

import io.whmcsbridge.model.ErrorCodes;
import io.whmcsbridge.runtime.config.BridgeConfig;
import io.whmcsbridge.runtime.ingress.Caller;
import io.whmcsbridge.runtime.ingress.CommandResource;
import io.whmcsbridge.runtime.ingress.IngressProblem;
import io.whmcsbridge.runtime.ingress.IngressSecured;
import io.whmcsbridge.runtime.pipeline.DeadLetter;
import io.whmcsbridge.runtime.store.StoreErrors;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;
import java.util.Optional;

/**
 * The dead-letter topic over HTTP: {@code GET /admin/dlq} lists, {@code POST /admin/dlq/redrive} re-drives. Like
 * everything under {@code /admin}, only for callers with the admin scope (403 otherwise; CallerFilter decides by
 * the path).
 */
@Path("/admin/dlq")
@IngressSecured
@Tag(name = "admin")
@SecurityRequirement(name = "apiKey")
@Produces(MediaType.APPLICATION_JSON)
public class DeadLetterResource {

    /**
     * @param reason a reason code (see {@link DeadLetters#reasons()}): its dead letters not re-driven before
     * @param ids    dead letters by {@code partition:offset} or command id, re-driven even if they were before
     * @param dryRun report what would be done, do nothing
     */
    public record RedriveRequest(String reason, List<String> ids, Boolean dryRun) {
    }

    @Inject
    DeadLetters deadLetters;
    @Inject
    BridgeConfig config;

    @GET
    @Operation(summary = "Dead letters: the newest first, with their reasons, and the counts by reason",
            description = "Reads at most whmcs.dlq.max-scan records (the newest); parameters redacted, texts cut")
    @APIResponse(responseCode = "200", description = "The listing")
    @APIResponse(responseCode = "400", description = "An unknown reason, or a limit that is not a positive number")
    @APIResponse(responseCode = "403", description = "The key has no admin scope")
    public DeadLetters.Listing list(@QueryParam("reason") String reason, @QueryParam("limit") String limit) {
        int page = limit == null || limit.isBlank() ? config.dlq().pageSize() : number(limit);
        try {
            return deadLetters.list(kind(reason), Math.min(page, config.dlq().maxPage()));
        } catch (Exception e) {
            throw unavailable(e);
        }
    }

    @POST
    @Path("redrive")
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Re-drive dead letters to the commands topic (same key, same command id)",
            description = "By reason (those not re-driven before) or by id (partition:offset or command id); a command "
                    + "the API had answered gets the outcome it gave, without a call. Each re-drive is recorded.")
    @APIResponse(responseCode = "200", description = "What was done (or, with dryRun, would be) with each record")
    @APIResponse(responseCode = "400", description = "Neither reason nor ids, an unknown reason, too many ids")
    @APIResponse(responseCode = "403", description = "The key has no admin scope")
    public DeadLetters.Report redrive(byte[] body, @Context ContainerRequestContext request) {
        RedriveRequest r = CommandResource.read(body, RedriveRequest.class, config.ingress().maxBodyBytes());
        List<String> ids = r.ids() == null ? List.of() : r.ids();
        Optional<DeadLetter.Kind> reason = kind(r.reason());
        if (reason.isEmpty() && ids.isEmpty()) {
            throw new IngressProblem(400, ErrorCodes.VALIDATION, "choose the dead letters: a reason (one of "
                    + String.join(", ", DeadLetters.reasons()) + ") or ids (partition:offset or command ids)");
        }
        if (ids.size() > config.dlq().maxPage() || ids.stream().anyMatch(id -> id == null || id.isEmpty() || id.length() > 200)) {
            throw new IngressProblem(400, ErrorCodes.VALIDATION, "ids: at most " + config.dlq().maxPage()
                    + ", each 1 to 200 characters");
        }
        try {
            return deadLetters.redrive(reason, ids, Boolean.TRUE.equals(r.dryRun()), Caller.of(request).name());
        } catch (Exception e) {
            throw unavailable(e);
        }
    }

    private static Optional<DeadLetter.Kind> kind(String reason) {
        if (reason == null || reason.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(DeadLetter.Kind.byCode(reason).orElseThrow(() -> new IngressProblem(400, ErrorCodes.VALIDATION,
                "reason must be one of " + String.join(", ", DeadLetters.reasons()))));
    }

    private static int number(String limit) {
        try {
            int n = Integer.parseInt(limit.trim());
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new IngressProblem(400, ErrorCodes.VALIDATION, "limit must be a positive number");
    }

    private static IngressProblem unavailable(Exception e) {
        if (e instanceof IngressProblem p) {
            return p;
        }
        if (e instanceof DeadLetters.Busy) {
            return new IngressProblem(503, "BUSY", e.getMessage());
        }
        return new IngressProblem(503, "UNAVAILABLE", "the dead-letter topic or the database cannot be read now: "
                + StoreErrors.describe(e));
    }
}
