package io.whmcsbridge.runtime.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.whmcsbridge.model.CloudEvent;
import io.whmcsbridge.model.CloudEventCodec;
import io.whmcsbridge.model.CommandData;
import io.whmcsbridge.model.CommandStatus;
import io.whmcsbridge.model.ErrorCodes;
import io.whmcsbridge.model.ErrorInfo;
import io.whmcsbridge.runtime.api.ApiInstance;
import io.whmcsbridge.runtime.api.ApiInstances;
import io.whmcsbridge.runtime.catalogue.ActionCatalogue;
import io.whmcsbridge.runtime.catalogue.ActionSpec;
import io.whmcsbridge.runtime.catalogue.ParamValidator;
import io.whmcsbridge.runtime.command.IncomingCommand;
import io.whmcsbridge.runtime.config.BridgeConfig;
import io.whmcsbridge.runtime.ops.BridgeMetrics;
import io.whmcsbridge.runtime.redaction.Redactor;
import io.whmcsbridge.runtime.store.CommandStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

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
 * id, validate, mark {@code IN_FLIGHT} (non-idempotent actions), call, record. Runs on a worker thread. Database
 * work that fails (database down) is retried until it succeeds, so a command is never acknowledged without its
 * outcome committed, and an API answer already received is never thrown away.
 */
@ApplicationScoped
public class CommandProcessor {
    private static final Logger LOG = Logger.getLogger(CommandProcessor.class);
    private static final long HOLDER_POLL_MILLIS = 250;

    @Inject
    BridgeConfig config;
    @Inject
    ActionCatalogue catalogue;
    @Inject
    ApiInstances instances;
    @Inject
    CallExecutor executor;
    @Inject
    CommandStore store;
    @Inject
    Redactor redactor;
    @Inject
    BridgeMetrics metrics;

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
        } finally {
            running.remove(command.id(), me);
            releaseKey.run();
            MDC.remove("commandId");
            inProgress.remove(command.id(), mine);
            mine.complete(null);
        }
    }

    private void run(IncomingCommand command, Runnable releaseKey, SendGate gate)
            throws InterruptedException, SendGate.Aborted {
        long started = System.nanoTime();
        String type = command.event().type();
        Optional<ActionSpec> spec = catalogue.byType(type);
        CommandData data = CloudEventCodec.commandData(command.event());
        String instanceName = data == null ? CommandData.DEFAULT_INSTANCE : data.instanceOrDefault();
        String redactedParams = data == null ? null : redactor.redact(data.params(), spec.orElse(null)).toString();
        String action = spec.map(ActionSpec::action).orElse(null);

        Outcome outcome;
        Optional<ApiInstance> instance = instances.get(instanceName);
        ParamValidator.Result checked = spec.isPresent() && data != null && instance.isPresent()
                ? ParamValidator.validate(spec.get(), data.params()) : null;
        if (checked != null && checked.valid() && !spec.get().idempotent()) {
            // The IN_FLIGHT claim reads the command's row anyway: no separate look-up for these.
            CommandStore.Claim claim = claim(command, action, instanceName, redactedParams, gate);
            if (claim.before() != null && claim.before().isTerminal()) {
                republish(command, claim.before());
                return;
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
                    durably(() -> {
                        store.unclaim(command, claim);
                        return null;
                    });
                    throw e;
                }
            }
        } else {
            CommandStore.Seen seen = durably(() -> store.lookup(command.id()));
            if (seen != null && seen.status() == CommandStatus.IN_FLIGHT && checked != null && checked.valid()) {
                // an idempotent call another replica still had out when it handed the partition over
                CommandStatus after = claim(command, action, instanceName, redactedParams, gate).before();
                seen = after == null ? null : new CommandStore.Seen(after, null);
            }
            if (seen != null && seen.status().isTerminal()) {
                republish(command, seen.status());
                return;
            }
            if (spec.isEmpty()) {
                outcome = Outcome.rejected(ErrorCodes.UNKNOWN_ACTION, "unknown command type '" + type + "'; this service "
                        + "accepts " + catalogue.acceptedTypes());
            } else if (data == null) {
                outcome = Outcome.rejected(ErrorCodes.VALIDATION,
                        "data must be an object {\"params\": {...}, \"instance\": \"name\"} with params an object");
            } else if (instance.isEmpty()) {
                outcome = Outcome.rejected(ErrorCodes.UNKNOWN_INSTANCE, "instance '" + instanceName
                        + "' is not configured; configured: " + String.join(", ", instances.all().keySet()));
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
        releaseKey.run();
        finish(command, action == null ? type : action, instanceName, redactedParams, outcome, started);
    }

    /**
     * Claims the call; while another replica holds it under a live lease (it read the command before a rebalance
     * moved the partition here and its call is still out), waits for that replica's outcome instead of calling or
     * declaring anything. The key waits with it, so the next command of the key starts only after this one is
     * terminal; other keys go on.
     */
    private CommandStore.Claim claim(IncomingCommand command, String action, String instanceName, String redactedParams,
            SendGate gate) throws InterruptedException, SendGate.Aborted {
        CommandStore.Claim claim = durably(() -> store.claimForCall(command, action, instanceName, redactedParams));
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
                claim = durably(() -> store.claimForCall(command, action, instanceName, redactedParams));
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
                    store.claimForCall(c, u.action(), u.instance(), u.redactedParams());
                } catch (Exception e) {
                    LOG.warnf("could not mark the call of %s in flight at the hand-over (%s)", c.id(), e.toString());
                }
            }
        }
    }

    private void republish(IncomingCommand command, CommandStatus status) throws InterruptedException {
        LOG.infof("command %s seen before (%s): publishing its stored result again", command.id(), status);
        durably(() -> {
            store.republish(command);
            return null;
        });
    }

    private void finish(IncomingCommand command, String action, String instanceName, String redactedParams,
            Outcome outcome, long startedNanos) throws InterruptedException {
        long durationMs = (System.nanoTime() - startedNanos) / 1_000_000;
        CloudEvent result = ResultEvents.build(command, source(), action, outcome, durationMs, Instant.now());
        String code = outcome.error() == null ? null : outcome.error().code();
        durably(() -> {
            store.complete(command, action, instanceName, redactedParams, result, outcome.status(), code,
                    outcome.attempts());
            return null;
        });
        metrics.commandFinished(action, outcome.status());
        if (outcome.status() == CommandStatus.SUCCEEDED) {
            LOG.debugf("command %s %s %s", command.id(), action, outcome.status());
        } else {
            LOG.infof("command %s %s %s: %s %s", command.id(), action, outcome.status(),
                    code, outcome.error() == null ? "" : outcome.error().message());
        }
    }

    private String source() {
        return config.processing().eventSource().orElse("whmcs-event-bridge/" + config.family() + "-service");
    }

    /** Runs database work until it commits; waits between tries (the database may be restarting). */
    private <T> T durably(Callable<T> work) throws InterruptedException {
        long delay = config.processing().storeRetryDelay().toMillis();
        for (int attempt = 1;; attempt++) {
            try {
                return work.call();
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new InterruptedException("stopping");
                }
                LOG.warnf("database work failed (try %d), retrying in %d ms: %s", attempt, delay, e.toString());
                Thread.sleep(delay);
            }
        }
    }
}
