package io.whmcsbridge.runtime.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.whmcsbridge.model.CloudEvent;
import io.whmcsbridge.model.CloudEventCodec;
import io.whmcsbridge.model.CommandData;
import io.whmcsbridge.model.CommandStatus;
import io.whmcsbridge.model.ErrorCodes;
import io.whmcsbridge.model.ErrorInfo;
import io.whmcsbridge.runtime.admission.CommandRules;
import io.whmcsbridge.runtime.api.ApiInstance;
import io.whmcsbridge.runtime.catalogue.ActionSpec;
import io.whmcsbridge.runtime.catalogue.ParamValidator;
import io.whmcsbridge.runtime.command.IncomingCommand;
import io.whmcsbridge.runtime.config.BridgeConfig;
import io.whmcsbridge.runtime.fleet.DatabaseAnswers;
import io.whmcsbridge.runtime.ops.BridgeMetrics;
import io.whmcsbridge.runtime.redaction.Redactor;
import io.whmcsbridge.runtime.store.Claims;
import io.whmcsbridge.runtime.store.CommandStore;
import io.whmcsbridge.runtime.store.Outcomes;
import io.whmcsbridge.runtime.store.StoreErrors;
import io.whmcsbridge.runtime.tracing.TraceParents;
import io.whmcsbridge.runtime.tracing.Tracing;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Takes one readable command from arrival to a committed terminal status and outbox row: deduplicate by command
 * id, validate, mark {@code IN_FLIGHT} (non-idempotent actions), call, record. Runs on a worker thread.
 * <p>
 * Database work is tried a bounded number of times ({@link StoreRetry}). What the database refuses for the command's
 * data ends the command: before the call as {@code REJECTED} (nothing was sent), after it by storing the outcome
 * without the parameters, then without the response; what cannot be stored at all, or keeps failing past the bound,
 * goes to the DLQ with the reason ({@link DeadLetter}), with the outcome when the API had answered. So no record can
 * hold its key or its partition forever, and an API answer already received is never thrown away.
 * <p>
 * The command's span (the consumer's) is the current span while it runs: its attributes, the database work's spans and
 * the result's {@code traceparent} come from it.
 * <p>Longer than 250 lines because it is one command's way from arrival to a stored outcome, with the failure path of
 * each step beside it.
 */
@ApplicationScoped
public class CommandProcessor {
    private static final Logger LOG = Logger.getLogger(CommandProcessor.class);
    private static final long HOLDER_POLL_MILLIS = 250;
    /** Largest outcome carried in a DLQ record's header (Kafka headers count against the record's size). */
    static final int MAX_OUTCOME_HEADER = 64 * 1024;

    @Inject
    BridgeConfig config;
    @Inject
    CommandRules rules;
    @Inject
    CallExecutor executor;
    @Inject
    CommandStore store;
    @Inject
    Claims claims;
    @Inject
    Outcomes outcomes;
    @Inject
    Redactor redactor;
    @Inject
    BridgeMetrics metrics;
    @Inject
    DatabaseAnswers database;
    @Inject
    Tracing tracing;
    @Inject
    Reconciler reconciler;
    /** The outbox producer's largest request: every result event is cut to fit it. */
    @ConfigProperty(name = "mp.messaging.outgoing.outbox.max.request.size", defaultValue = "1048576")
    int maxRequestSize;

    private StoreRetry storeRetry;

    @PostConstruct
    void init() {
        BridgeConfig.Processing p = config.processing();
        long upWithin = 3 * config.fleet().heartbeat().toNanos();
        storeRetry = new StoreRetry(p.storeRetryDelay().toMillis(), p.storeMaxRetryDelay().toMillis(),
                p.storeMaxAttempts(), () -> database.answeredWithin(upWithin));
    }

    /** A command being processed here, with what a hand-over needs to know of it. */
    private record Running(IncomingCommand command, SendGate gate) {
        boolean in(Collection<TopicPartition> partitions) {
            return partitions == null || (command.topic() != null && command.partition() != null
                    && partitions.contains(new TopicPartition(command.topic(), command.partition())));
        }
    }

    /** An idempotent call out without an {@code IN_FLIGHT} row (it needs none unless its partition moves). */
    private record Unmarked(IncomingCommand command, String action, String instance, String redactedParams) {
    }

    private final ConcurrentMap<String, Unmarked> unmarked = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Running> running = new ConcurrentHashMap<>();

    /** Commands being processed in this process, so a duplicate id arriving under another key waits for the first. */
    private final ConcurrentMap<String, CompletableFuture<Void>> inProgress = new ConcurrentHashMap<>();

    /**
     * @param releaseKey run once the API has answered (or no call will be made): the next command of the key may
     *                   start its call while this one records its outcome. Per-key order is the order of the
     *                   calls; each command is still acknowledged only after its own outcome committed.
     */
    public void process(IncomingCommand command, Runnable releaseKey) throws InterruptedException {
        CompletableFuture<Void> mine = new CompletableFuture<>();
        CompletableFuture<Void> other;
        while ((other = inProgress.putIfAbsent(command.id(), mine)) != null) {
            try {
                other.get();
            } catch (java.util.concurrent.ExecutionException ignored) {
                // the other one failed; this one takes over
            }
        }
        MDC.put("commandId", command.id());
        Running me = new Running(command, new SendGate());
        running.put(command.id(), me);
        try {
            run(command, releaseKey, me.gate());
        } catch (SendGate.Aborted e) {
            LOG.debugf("command %s %s; the partition's next owner runs it", command.id(), e.getMessage());
            throw new CancellationException(e.getMessage());
        } catch (InterruptedException | DeadLetter e) {
            throw e;
        } catch (RuntimeException | Error e) {
            // A bug, or an Error (StackOverflowError, OutOfMemoryError) outside the call: the command goes to the DLQ
            // with the reason instead of staying unacknowledged, which would hold its partition's offset for good.
            LOG.errorf(e, "command %s could not be processed; it goes to the DLQ", command.id());
            throw new DeadLetter(DeadLetter.Kind.PROCESSING_FAILED, command.id(), StoreErrors.describe(e), null);
        } finally {
            running.remove(command.id(), me);
            releaseKey.run();
            store.forget(command.id()); // a lease still held here (the outcome went to the DLQ) expires
            MDC.remove("commandId");
            inProgress.remove(command.id(), mine);
            mine.complete(null);
        }
    }

    private void run(IncomingCommand command, Runnable releaseKey, SendGate gate)
            throws InterruptedException, SendGate.Aborted {
        long started = System.nanoTime();
        String type = command.event().type();
        Optional<ActionSpec> spec = rules.action(type);
        CommandData data = CloudEventCodec.commandData(command.event());
        String instanceName = data == null ? CommandData.DEFAULT_INSTANCE : data.instanceOrDefault();
        if (data != null && spec.isPresent()) {
            // the marker a read-back looks for, set before anything is stored or sent (a transid from the command id)
            CommandData given = data;
            data = reconciler.readBack(spec.get(), instanceName)
                    .map(rb -> new CommandData(rb.mark(given.params(), command.id()), given.instance())).orElse(data);
        }
        String redactedParams = data == null ? null : redactor.redact(data.params(), spec.orElse(null)).toString();
        String action = spec.map(ActionSpec::action).orElse(null);

        Optional<ApiInstance> instance = rules.instance(instanceName);
        tracing.read(Span.current(), action, instanceName);
        ParamValidator.Result checked = spec.isPresent() && data != null && instance.isPresent()
                ? rules.params(spec.get(), data.params()) : null;
        Outcome outcome;
        try {
            outcome = decide(command, type, spec, data, instanceName, instance, checked, action, redactedParams, gate);
        } catch (StoreFailure f) {
            if (!f.refused()) {
                throw new DeadLetter(DeadLetter.Kind.NOT_SENT, command.id(), f.reason(), null);
            }
            outcome = Outcome.rejected(ErrorCodes.STORE_REFUSED, "the database refused to store this command ("
                    + f.reason() + "); it was not sent");
        }
        if (outcome == null) {
            return; // seen before: its stored result was published again (or its read-back will publish it)
        }
        if (outcome.status() == CommandStatus.UNKNOWN && spec.isPresent() && heldForReadBack(command, spec.get(),
                instanceName, outcome)) {
            releaseKey.run();
            return;
        }
        releaseKey.run();
        finish(command, action == null ? type : action, instanceName, redactedParams, outcome, started);
    }

    /** The command's outcome, or null when it had one already (then published again). */
    private Outcome decide(IncomingCommand command, String type, Optional<ActionSpec> spec, CommandData data,
            String instanceName, Optional<ApiInstance> instance, ParamValidator.Result checked, String action,
            String redactedParams, SendGate gate) throws InterruptedException, StoreFailure, SendGate.Aborted {
        Outcome outcome;
        if (checked != null && checked.valid() && !spec.get().idempotent()) {
            // The IN_FLIGHT claim reads the command's row anyway: no separate look-up for these.
            Claims.Claim claim = claim(command, action, instanceName, redactedParams, gate);
            if (claim.before() != null && claim.before().isTerminal()) {
                republish(command, claim.before());
                return null;
            }
            if (claim.reconciling()) {
                LOG.infof("command %s is being read back; its read-back publishes the result", command.id());
                return null;
            }
            if (claim.expired()) {
                outcome = Outcome.unknown(new ErrorInfo(ErrorCodes.INTERRUPTED, "the replica that sent this "
                        + spec.get().action() + " call stopped while it was in flight; it may or may not have taken "
                        + "effect, so it is not sent again", false, null), 1);
            } else {
                try {
                    outcome = executor.execute(instance.get(), spec.get(), checked.params(), gate);
                } catch (SendGate.Aborted e) {
                    // nothing was sent: the row goes back to what it was, so the next owner claims and calls
                    durably("undoing the claim of a call never sent", "unclaim", () -> {
                        claims.unclaim(command, claim);
                        return null;
                    });
                    throw e;
                }
            }
        } else {
            CommandStore.Seen seen = durably("looking the command up", "lookup", () -> store.lookup(command.id()));
            if (seen != null && seen.status() == CommandStatus.IN_FLIGHT && checked != null && checked.valid()) {
                // an idempotent call another replica still had out when it handed the partition over
                CommandStatus after = claim(command, action, instanceName, redactedParams, gate).before();
                seen = after == null ? null : new CommandStore.Seen(after, null);
            }
            if (seen != null && seen.status().isTerminal()) {
                republish(command, seen.status());
                return null;
            }
            if (seen != null && seen.status() == CommandStatus.RECONCILING) {
                return null; // the same id sent before as a write whose effect is being read back
            }
            if (spec.isEmpty()) {
                outcome = Outcome.rejected(ErrorCodes.UNKNOWN_ACTION, rules.unknownType(type));
            } else if (data == null) {
                outcome = Outcome.rejected(ErrorCodes.VALIDATION,
                        "data must be an object {\"params\": {...}, \"instance\": \"name\"} with params an object");
            } else if (instance.isEmpty()) {
                outcome = Outcome.rejected(ErrorCodes.UNKNOWN_INSTANCE, rules.unknownInstance(instanceName));
            } else if (!checked.valid()) {
                outcome = Outcome.rejected(ErrorCodes.VALIDATION, checked.message());
            } else {
                // idempotent: may be sent again safely, so nothing needs to be committed before the call
                Unmarked call = new Unmarked(command, action, instanceName, redactedParams);
                unmarked.put(command.id(), call);
                try {
                    outcome = executor.execute(instance.get(), spec.get(), checked.params(), gate);
                } finally {
                    unmarked.remove(command.id(), call);
                }
            }
        }
        return outcome;
    }

    /**
     * An uncertain outcome of an action with a read-back on this instance waits for it ({@link Reconciler}) instead of
     * ending {@code UNKNOWN}: no result now, the record is acknowledged. False (and the command ends {@code UNKNOWN}
     * as before) when it cannot be held.
     */
    private boolean heldForReadBack(IncomingCommand command, ActionSpec spec, String instanceName, Outcome outcome)
            throws InterruptedException {
        try {
            return durably("holding the call for its read-back", "hold",
                    () -> reconciler.hold(command, spec, instanceName, outcome));
        } catch (StoreFailure f) {
            LOG.warnf("command %s: could not hold it for a read-back (%s); it ends UNKNOWN", command.id(), f.reason());
            return false;
        }
    }

    /**
     * Claims the call; while another replica holds it under a live lease (it read the command before a rebalance
     * moved the partition here and its call is still out), waits for that replica's outcome instead of calling or
     * declaring anything. The key waits with it, so the next command of the key starts only after this one is
     * terminal; other keys go on.
     */
    private Claims.Claim claim(IncomingCommand command, String action, String instanceName, String redactedParams,
            SendGate gate) throws InterruptedException, StoreFailure, SendGate.Aborted {
        Claims.Claim claim = durably("marking the call in flight", "claim",
                () -> claims.claimForCall(command, action, instanceName, redactedParams));
        if (claim.heldElsewhere()) {
            LOG.infof("command %s is in flight at replica %s; waiting for its outcome", command.id(), claim.holder());
            while (claim.heldElsewhere()) {
                gate.waiting();
                try {
                    Thread.sleep(HOLDER_POLL_MILLIS);
                } catch (InterruptedException e) {
                    gate.interrupted(e);
                }
                gate.busy();
                claim = durably("marking the call in flight", "claim",
                        () -> claims.claimForCall(command, action, instanceName, redactedParams));
            }
        }
        return claim;
    }

    /**
     * Gives up the commands of these partitions ({@code null}: all) that have sent nothing yet: those waiting for a
     * permit of the API guard, a retry's backoff or another replica's outcome. A hand-over or a shutdown then waits
     * only for calls really out, and the next owner runs the others. Returns how many were given up.
     */
    int abortUnsent(Collection<TopicPartition> partitions) {
        int n = 0;
        for (Running r : running.values()) {
            if (r.in(partitions) && r.gate().abort()) {
                n++;
            }
        }
        return n;
    }

    /**
     * At a hand-over that outran its grace: the idempotent calls of the revoked partitions still out get an
     * {@code IN_FLIGHT} row under this replica's lease, so the new owner waits for them before it sends the next
     * command of their key (or sends them again) instead of overtaking a call still running here.
     */
    void markStillRunning(Collection<TopicPartition> revoked) {
        for (Unmarked u : unmarked.values()) {
            IncomingCommand c = u.command();
            if (new Running(c, null).in(revoked)) {
                try {
                    claims.claimForCall(c, u.action(), u.instance(), u.redactedParams());
                } catch (Exception e) {
                    LOG.warnf("could not mark the call of %s in flight at the hand-over (%s)", c.id(), e.toString());
                }
            }
        }
    }

    private void republish(IncomingCommand command, CommandStatus status) throws InterruptedException {
        LOG.infof("command %s seen before (%s): publishing its stored result again", command.id(), status);
        Tracing.ended(Span.current(), "seen-before", false);
        try {
            durably("publishing the stored result again", "republish", () -> {
                outcomes.republish(command);
                return null;
            });
        } catch (StoreFailure f) {
            throw new DeadLetter(DeadLetter.Kind.REPUBLISH_FAILED, command.id(), status
                    + "), and its stored result could not be published again: " + f.reason(), null);
        }
    }

    /**
     * Stores the outcome and its result event. What the database refuses for the data is stored again without the
     * command's parameters, and then once more with the response replaced by a marker and the error's texts cut
     * (status, error code and attempts stay); what cannot be stored even so, or keeps failing past the bound of
     * tries, goes to the DLQ with the reason and, when the API had answered, the outcome.
     */
    private void finish(IncomingCommand command, String action, String instanceName, String redactedParams,
            Outcome outcome, long startedNanos) throws InterruptedException {
        long durationMs = (System.nanoTime() - startedNanos) / 1_000_000;
        Instant at = Instant.now();
        // a consumer of the result continues this command's trace
        String traceparent = TraceParents.continuing(command.event().extension("traceparent"), Span.current());
        ResultEvents.Built result;
        StoreFailure refused;
        try {
            result = ResultEvents.fitted(command, traceparent, source(), action, outcome, durationMs, at,
                    maxRequestSize);
            refused = store(command, action, instanceName, redactedParams, result, outcome);
            if (refused != null && redactedParams != null) {
                LOG.warnf("command %s: the database refused its outcome (%s); storing it without the parameters",
                        command.id(), refused.reason());
                refused = store(command, action, instanceName, null, result, outcome);
            }
        } catch (DeadLetter e) {
            throw e;
        } catch (RuntimeException e) {
            // the result could not even be written as JSON: the minimal one below says so
            result = null;
            refused = new StoreFailure(true, StoreErrors.describe(e), StoreErrors.code(e), e);
        }
        if (refused != null) {
            String why = "not stored: the database refused the outcome (" + refused.code() + ")";
            LOG.warnf("command %s: the database refused its outcome again (%s); storing it without the response",
                    command.id(), refused.reason());
            ResultEvents.Built minimal = ResultEvents.built(command, traceparent, source(), action,
                    outcome.shrunk(why, -1, 0, true), durationMs, at);
            refused = store(command, action, instanceName, null, minimal, outcome);
            if (refused != null) {
                throw deadLetter(command, outcome, result == null ? minimal : result,
                        "the database refused its outcome: " + refused.reason());
            }
            result = minimal;
        }
        Outcome stored = result.outcome();
        metrics.commandFinished(action, stored.status());
        Tracing.outcome(Span.current(), stored.status(), stored.error() == null ? null : stored.error().code(),
                stored.attempts());
        if (stored.status() == CommandStatus.SUCCEEDED) {
            LOG.debugf("command %s %s %s", command.id(), action, stored.status());
        } else {
            LOG.infof("command %s %s %s: %s %s", command.id(), action, stored.status(),
                    stored.error() == null ? null : stored.error().code(),
                    stored.error() == null ? "" : stored.error().message());
        }
    }

    /** Stores the result; returns the database's refusal of the data, or null once it committed. */
    private StoreFailure store(IncomingCommand command, String action, String instanceName, String redactedParams,
            ResultEvents.Built result, Outcome outcome) throws InterruptedException {
        Outcome o = result.outcome();
        String code = o.error() == null ? null : o.error().code();
        try {
            durably("recording the outcome", "complete", () -> {
                outcomes.complete(command, action, instanceName, redactedParams, result.event(), result.json(),
                        o.status(), code, o.attempts());
                return null;
            });
            return null;
        } catch (StoreFailure f) {
            if (f.refused()) {
                return f;
            }
            throw deadLetter(command, outcome, result, f.reason());
        }
    }

    /**
     * The outcome cannot be stored: the command goes to the DLQ, with the outcome when the API had answered (the
     * log says so: an answer received must not go unnoticed). Not sent again: a command found {@code IN_FLIGHT} later
     * ends {@code UNKNOWN} once this replica's lease has expired.
     */
    private DeadLetter deadLetter(IncomingCommand command, Outcome outcome, ResultEvents.Built result, String reason) {
        boolean answered = outcome.attempts() > 0;
        if (answered) {
            LOG.errorf("command %s: the API's answer (%s%s) was received but could not be stored (%s); the command "
                    + "goes to the DLQ with this outcome in its %s header, and is not sent again", command.id(),
                    outcome.status(), outcome.error() == null ? "" : " " + outcome.error().code(), reason,
                    DeadLetter.OUTCOME_HEADER);
        } else {
            LOG.errorf("command %s: its outcome (%s) could not be stored (%s); the command goes to the DLQ",
                    command.id(), outcome.status(), reason);
        }
        return new DeadLetter(answered ? DeadLetter.Kind.ANSWERED_NOT_STORED : DeadLetter.Kind.OUTCOME_NOT_STORED,
                command.id(), outcome.status() + ", but its outcome could not be stored: " + reason,
                answered ? headerSized(result) : null);
    }

    /** The result event's JSON for the DLQ header: without its response and upstream text when it is large. */
    private static String headerSized(ResultEvents.Built result) {
        if (result.json().length() <= MAX_OUTCOME_HEADER) {
            return result.json();
        }
        ObjectNode data = result.event().data().deepCopy();
        data.set("response", Outcome.omitted("left out of the DLQ header: the result has " + result.json().length()
                + " characters", result.json().length()));
        if (data.path("error").isObject()) {
            ObjectNode error = (ObjectNode) data.get("error");
            error.remove("upstream");
            String message = error.path("message").asText("");
            if (message.length() > 4096) {
                error.put("message", message.substring(0, 4096) + "...");
            }
        }
        CloudEvent e = result.event();
        return new String(CloudEventCodec.writeStructured(new CloudEvent(e.specversion(), e.id(), e.source(), e.type(),
                e.subject(), e.time(), e.datacontenttype(), data, e.extensions())), StandardCharsets.UTF_8);
    }

    private String source() {
        return ResultEvents.source(config);
    }

    /** Runs database work with the bound of tries ({@link StoreRetry}), in a span named by {@code operation}. */
    private <T> T durably(String what, String operation, Callable<T> work) throws InterruptedException, StoreFailure {
        Span span = tracing.database(Context.current(), operation);
        try {
            return storeRetry.run(what, work);
        } catch (StoreFailure f) {
            span.setStatus(StatusCode.ERROR, f.refused() ? "refused" : "failed");
            throw f;
        } finally {
            span.end();
        }
    }
}
