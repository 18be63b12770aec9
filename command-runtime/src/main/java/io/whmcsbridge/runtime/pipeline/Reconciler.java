package io.whmcsbridge.runtime.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.whmcsbridge.model.CloudEvent;
import io.whmcsbridge.model.CommandStatus;
import io.whmcsbridge.model.ErrorCodes;
import io.whmcsbridge.model.ErrorInfo;
import io.whmcsbridge.model.Json;
import io.whmcsbridge.model.Reconciliation;
import io.whmcsbridge.runtime.api.ApiInstance;
import io.whmcsbridge.runtime.api.ApiInstances;
import io.whmcsbridge.runtime.catalogue.ActionCatalogue;
import io.whmcsbridge.runtime.catalogue.ActionSpec;
import io.whmcsbridge.runtime.catalogue.ReadBack;
import io.whmcsbridge.runtime.command.IncomingCommand;
import io.whmcsbridge.runtime.config.BridgeConfig;
import io.whmcsbridge.runtime.ops.BridgeMetrics;
import io.whmcsbridge.runtime.redaction.Redactor;
import io.whmcsbridge.runtime.store.CommandStore;
import io.whmcsbridge.runtime.store.Outcomes;
import io.whmcsbridge.runtime.store.Reconciliations;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Turns a lost answer into an answer: a non-idempotent call whose outcome is uncertain, of an action that declares a
 * read-back ({@link ReadBack.ByMarker}), waits as {@code RECONCILING}; this bean reads its effect back and decides.
 * The read finds the effect: {@code SUCCEEDED}, with what it found. It finds none once the instance's settle time
 * has passed since the call left: the write is sent once more under the same command id (recorded before it leaves,
 * so never a third time) and that call's outcome is the result. It cannot tell, or cannot read within the bound of
 * tries: {@code UNKNOWN}, with the reason. Every replica polls for due commands and works on one only under its
 * lease, so no two replicas (and never a replica while another one's call is out) work on the same command. Nothing
 * here runs for a command whose call was answered.
 * <p>Longer than 250 lines because it is one state machine (read, decide, send again once, give up), whose steps share
 * the lease and the bound of tries.
 */
@ApplicationScoped
public class Reconciler {
    private static final Logger LOG = Logger.getLogger(Reconciler.class);
    /** Read-backs that threw, beyond {@code max-reads}, after which a command is no longer taken up. */
    static final int GIVE_UP_AFTER = 3;

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
    Outcomes outcomes;
    @Inject
    Reconciliations reconciliations;
    @Inject
    BridgeMetrics metrics;
    @ConfigProperty(name = "mp.messaging.outgoing.outbox.max.request.size", defaultValue = "1048576")
    int maxRequestSize;

    private List<String> types;
    private ScheduledExecutorService poller;
    private ExecutorService workers;
    private Semaphore slots;

    void start(@Observes StartupEvent ev) {
        types = catalogue.actions().stream().filter(a -> a.byMarker().isPresent()).map(ActionSpec::type).toList();
        if (types.isEmpty()) {
            return; // nothing of this service can be read back
        }
        BridgeConfig.Processing.Reconciling r = config.processing().reconcile();
        int n = Math.max(1, r.concurrency());
        slots = new Semaphore(n);
        workers = Executors.newFixedThreadPool(n, named("reconcile"));
        poller = Executors.newSingleThreadScheduledExecutor(named("reconcile-poll"));
        long every = Math.max(50, r.pollInterval().toMillis());
        poller.scheduleWithFixedDelay(this::poll, every, every, TimeUnit.MILLISECONDS);
    }

    /** Before the command workers (100) stop: a read-back cut here keeps its lease until it expires, then resumes. */
    void stop(@Observes @Priority(90) ShutdownEvent ev) {
        if (poller != null) {
            poller.shutdownNow();
            workers.shutdownNow();
        }
    }

    /** The read-back of this action on this instance, if it has one there (a free-text marker must be enabled). */
    Optional<ReadBack.ByMarker> readBack(ActionSpec spec, String instance) {
        Optional<ReadBack.ByMarker> m = spec.byMarker();
        if (m.isEmpty() || !m.get().freeText()) {
            return m;
        }
        BridgeConfig.Instance i = config.instances().get(instance);
        return i != null && i.reconcile().markedActions().orElse(List.of()).contains(spec.type()) ? m : Optional.empty();
    }

    /**
     * The uncertain call of a command this replica holds waits for a read-back instead of ending {@code UNKNOWN}.
     * False when it cannot (the action has no read-back on this instance, the row is not this replica's): the
     * caller then ends the command {@code UNKNOWN} as before.
     */
    boolean hold(IncomingCommand command, ActionSpec spec, String instance, Outcome uncertain) throws Exception {
        if (uncertain.status() != CommandStatus.UNKNOWN || readBack(spec, instance).isEmpty()) {
            return false;
        }
        boolean held = reconciliations.hold(command.id(), uncertainJson(uncertain), uncertain.attempts(),
                config.processing().reconcile().initialBackoff().toMillis());
        if (held) {
            LOG.infof("command %s %s: %s; its effect will be read back", command.id(), spec.action(),
                    uncertain.error() == null ? "uncertain" : uncertain.error().code());
        }
        return held;
    }

    void poll() {
        try {
            int free = slots.availablePermits();
            if (free == 0) {
                return;
            }
            int maxTaken = config.processing().reconcile().maxReads() + GIVE_UP_AFTER;
            for (Reconciliations.Due due : reconciliations.take(types, free, maxTaken, uncertainJson(interrupted()))) {
                slots.acquireUninterruptibly();
                workers.execute(() -> {
                    MDC.put("commandId", due.commandId());
                    try {
                        reconcile(due);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } catch (Exception | Error e) {
                        failed(due, e);
                    } finally {
                        MDC.remove("commandId");
                        slots.release();
                    }
                });
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warnf("could not look for read-backs that are due (%s); trying again", e.toString());
        }
    }

    /**
     * The read-back threw (its outcome could not be stored, a bug): it counts as a read that did not decide, so a
     * command whose outcome the database keeps refusing is given up after the bound of tries (left
     * {@code RECONCILING}, logged) instead of being tried for ever.
     */
    private void failed(Reconciliations.Due due, Throwable e) {
        BridgeConfig.Processing.Reconciling tries = config.processing().reconcile();
        boolean last = due.reads() + 1 >= tries.maxReads() + GIVE_UP_AFTER;
        if (last) {
            LOG.errorf(e, "reading back command %s failed %d times; it is left RECONCILING for a person to decide",
                    due.commandId(), due.reads() + 1);
        } else {
            LOG.warnf(e, "reading back command %s failed; trying again later", due.commandId());
        }
        try {
            reconciliations.later(due.commandId(), backoff(due.reads() + 1, tries), 1);
        } catch (Exception | Error again) {
            store.forget(due.commandId()); // not renewed here any more: taken up again once the lease expires
        }
    }

    private void reconcile(Reconciliations.Due due) throws Exception {
        BridgeConfig.Processing.Reconciling tries = config.processing().reconcile();
        Outcome uncertain = uncertainOutcome(due);
        ActionSpec spec = catalogue.byType(due.type()).orElse(null);
        Optional<ReadBack.ByMarker> readBack = spec == null ? Optional.empty() : readBack(spec, due.instance());
        Optional<ApiInstance> instance = instances.get(due.instance());
        ObjectNode sent = parseObject(due.params());
        if (readBack.isEmpty() || instance.isEmpty() || sent == null) {
            finish(due, uncertain, undecided(null, null, "this action has no read-back on instance '"
                    + due.instance() + "'" + (sent == null ? " or its parameters were not stored" : ""), due.reads()));
            return;
        }
        ReadBack.ByMarker rb = readBack.get();
        // a command accepted over HTTP was stored before the marker was set: set it again, the same way
        sent = rb.mark(sent, due.commandId());
        String marker = rb.markerOf(sent, due.commandId());
        int reads = due.reads() + 1;
        Outcome read = executor.execute(instance.get(), rb.read(), rb.request().apply(sent, marker));
        if (read.status() != CommandStatus.SUCCEEDED) {
            String why = "the read-back " + rb.how() + " failed: " + (read.error() == null ? read.status()
                    : read.error().code() + " " + read.error().message());
            if (reads >= tries.maxReads()) {
                finish(due, uncertain, undecided(rb, marker, why + " (" + reads + " read-backs, none answered)", reads));
            } else {
                LOG.infof("command %s: %s; reading back again later", due.commandId(), why);
                reconciliations.later(due.commandId(), backoff(reads, tries), 1);
            }
            return;
        }
        ReadBack.Verdict verdict;
        try {
            verdict = rb.rule().judge(read.response(), sent, marker);
        } catch (RuntimeException e) {
            verdict = new ReadBack.Verdict.CannotTell("the read-back's answer could not be judged: " + e);
        }
        if (verdict instanceof ReadBack.Verdict.Applied a) {
            // sent again before, and that call's answer was lost too: the effect found is the second call's
            Reconciliation how = due.sentAgain()
                    ? new Reconciliation(Reconciliation.SENT_AGAIN, rb.how(), marker, a.found(), "no effect was found "
                            + "after the settle time, so it was sent once more; that answer was lost too, and the "
                            + "read-back found the effect", reads)
                    : new Reconciliation(Reconciliation.APPLIED, rb.how(), marker, a.found(),
                            "the read-back found the write's effect", reads);
            finish(due, Outcome.succeeded(a.found(), uncertain.attempts()).reconciled(how, uncertain.attempts()), how);
        } else if (verdict instanceof ReadBack.Verdict.CannotTell c) {
            finish(due, uncertain, undecided(rb, marker, c.reason(), reads));
        } else {
            notApplied(due, spec, instance.get(), rb, sent, marker, ((ReadBack.Verdict.NotApplied) verdict).saw(),
                    uncertain, reads);
        }
    }

    /** The read found no effect: certain only after the settle time; then the write is sent once more. */
    private void notApplied(Reconciliations.Due due, ActionSpec spec, ApiInstance instance, ReadBack.ByMarker rb,
            ObjectNode sent, String marker, String saw, Outcome uncertain, int reads) throws Exception {
        Duration settle = config.instances().get(due.instance()).reconcile().settleTime();
        long left = settle.toMillis() - due.sinceSettleFromMillis();
        if (left > 0) {
            LOG.debugf("command %s: no effect found yet; certain only in %d ms", due.commandId(), left);
            reconciliations.later(due.commandId(), left, 0);
            return;
        }
        if (due.sentAgain()) {
            // both sends are certainly without effect: the API never acted on this command
            Reconciliation how = new Reconciliation(Reconciliation.SENT_AGAIN, rb.how(), marker, null, "sent twice, "
                    + "and no effect of either is found " + settle.toSeconds() + " s after the second left (" + saw
                    + "); not sent a third time", reads);
            finish(due, Outcome.failed(new ErrorInfo(ErrorCodes.NOT_APPLIED, how.reason(), true, null),
                    uncertain.attempts()).reconciled(how, uncertain.attempts()), how);
            return;
        }
        if (sent.toString().contains(Redactor.MASK)) {
            finish(due, uncertain, undecided(rb, marker, "no effect found, but the write's parameters were stored "
                    + "masked, so it cannot be sent again as it was", reads));
            return;
        }
        if (!reconciliations.sendingAgain(due.commandId())) {
            store.forget(due.commandId()); // no longer this replica's, or sent again before
            return;
        }
        LOG.infof("command %s: no effect found %d s after the call left (%s): sending it once more", due.commandId(),
                settle.toSeconds(), saw);
        Outcome again = executor.execute(instance, spec, sent);
        int attempts = uncertain.attempts() + again.attempts();
        Reconciliation how = new Reconciliation(Reconciliation.SENT_AGAIN, rb.how(), marker, null,
                "the read-back found no effect " + settle.toSeconds() + " s after the call left (" + saw
                        + "): sent once more under the same command id", reads);
        if (again.status() == CommandStatus.UNKNOWN) {
            // its answer was lost too: read back again, never sent a third time
            reconciliations.hold(due.commandId(), uncertainJson(again.reconciled(how, attempts)), attempts,
                    config.processing().reconcile().initialBackoff().toMillis());
            return;
        }
        finish(due, again.reconciled(how, attempts), how);
    }

    private Reconciliation undecided(ReadBack.ByMarker rb, String marker, String reason, int reads) {
        return new Reconciliation(Reconciliation.UNDECIDED, rb == null ? null : rb.how(), marker, null, reason, reads);
    }

    /** Stores the terminal outcome and its result event, as the processor does for an answered call. */
    private void finish(Reconciliations.Due due, Outcome outcome, Reconciliation how) throws Exception {
        Outcome o = outcome.reconciliation() == null ? outcome.reconciled(how, outcome.attempts()) : outcome;
        IncomingCommand command = new IncomingCommand(new CloudEvent(CloudEvent.SPEC_VERSION, due.commandId(),
                due.source(), due.type(), null, null, CloudEvent.JSON, null, Map.of()), due.orderingKey(),
                due.topic(), due.partition(), due.offset());
        String action = due.action() == null ? due.type() : due.action();
        // The command log keeps only the trace id, not the emitter's whole traceparent: a read-back's result starts
        // no trace of its own and carries none.
        ResultEvents.Built result = ResultEvents.fitted(command, null, ResultEvents.source(config), action, o,
                due.ageMillis(), Instant.now(), maxRequestSize);
        Outcome stored = result.outcome();
        outcomes.complete(command, action, due.instance(), due.params(), result.event(), result.json(), stored.status(),
                stored.error() == null ? null : stored.error().code(), stored.attempts());
        metrics.commandFinished(action, stored.status());
        LOG.infof("command %s %s %s after read-back (%s): %s", due.commandId(), action, stored.status(), how.state(),
                how.reason());
    }

    private long backoff(int reads, BridgeConfig.Processing.Reconciling tries) {
        long base = tries.initialBackoff().toMillis() << Math.min(reads, 20);
        long capped = Math.min(base, tries.maxBackoff().toMillis());
        return capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1);
    }

    private static Outcome interrupted() {
        return Outcome.unknown(new ErrorInfo(ErrorCodes.INTERRUPTED, "the replica that sent this call stopped while "
                + "it was in flight; it may or may not have taken effect", false, null), 1);
    }

    static String uncertainJson(Outcome o) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.set("error", Json.MAPPER.valueToTree(o.error()));
        n.put("attempts", o.attempts());
        return n.toString();
    }

    private static Outcome uncertainOutcome(Reconciliations.Due due) {
        ObjectNode n = parseObject(due.uncertain());
        ErrorInfo error = null;
        if (n != null && n.path("error").isObject()) {
            try {
                error = Json.MAPPER.treeToValue(n.get("error"), ErrorInfo.class);
            } catch (Exception e) {
                error = null;
            }
        }
        if (error == null) {
            error = interrupted().error();
        }
        return Outcome.unknown(error, n == null ? Math.max(1, due.attempts()) : n.path("attempts").asInt(1));
    }

    private static ObjectNode parseObject(String json) {
        if (json == null) {
            return null;
        }
        try {
            JsonNode n = Json.MAPPER.readTree(json);
            return n != null && n.isObject() ? (ObjectNode) n : null;
        } catch (Exception e) {
            return null;
        }
    }

    private static java.util.concurrent.ThreadFactory named(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
