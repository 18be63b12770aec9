package io.whmcsbridge.runtime.deadletter;

import io.smallrye.common.annotation.Identifier;
import io.whmcsbridge.model.EventTypes;
import io.whmcsbridge.runtime.config.BridgeConfig;
import io.whmcsbridge.runtime.pipeline.DeadLetter;
import io.whmcsbridge.runtime.store.StoreErrors;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.Semaphore;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The dead-letter topic as operators work with it: list its records with their reasons and counts by reason, and
 * re-drive chosen ones ({@link Redriver}), recording each re-drive ({@link RedriveLog}). Reads are bounded
 * ({@code whmcs.dlq.*}); what is shown is {@link DeadLetterView}'s.
 */
@ApplicationScoped
public class DeadLetters {
    private static final Logger LOG = Logger.getLogger(DeadLetters.class);

    /**
     * @param scanned      records read (at most {@code whmcs.dlq.max-scan}, the newest)
     * @param wholeTopic   whether they are all the topic holds
     * @param byReason     the scanned records counted by reason
     * @param matched      those of the asked reason
     * @param records      the newest of them, at most the page size
     */
    public record Listing(String topic, int scanned, boolean wholeTopic, Map<String, Integer> byReason, int matched,
            List<DeadLetterView.Shown> records) {
    }

    /** One dead letter in a re-drive: what was (or, in a dry run, would be) done. */
    public record Step(String id, String commandId, String reason, String action, String detail) {
    }

    public record Report(String topic, boolean dryRun, int scanned, boolean wholeTopic, int matched, int redriven,
            int skipped, int failed, List<Step> records) {
    }

    /** Reads of the topic at once in this replica: each holds a consumer and its fetch buffers. */
    static final int READS_AT_ONCE = 2;

    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafka;
    @Inject
    BridgeConfig config;
    @Inject
    DeadLetterView view;
    @Inject
    RedriveLog log;
    @Inject
    Redriver redriver;

    private final Semaphore reads = new Semaphore(READS_AT_ONCE);

    /** Thrown when {@link #READS_AT_ONCE} reads of the topic are running here already. */
    public static final class Busy extends RuntimeException {
        Busy() {
            super(READS_AT_ONCE + " reads of the dead-letter topic are running on this replica; try again shortly",
                    null, false, false);
        }
    }

    /** The reason codes, for messages and the API description. */
    public static List<String> reasons() {
        return Arrays.stream(DeadLetter.Kind.values()).map(DeadLetter.Kind::code).toList();
    }

    public Listing list(Optional<DeadLetter.Kind> reason, int limit) throws Exception {
        String topic = EventTypes.dlqTopic(config.family());
        Map<String, Integer> byReason = new TreeMap<>();
        // the newest `limit` matches, oldest at the head so it is the one dropped
        PriorityQueue<DeadLetterView.Shown> newest = new PriorityQueue<>(Comparator.comparing(DeadLetterView.Shown::timestamp)
                .thenComparingLong(DeadLetterView.Shown::offset));
        int[] counts = new int[2];
        boolean whole;
        try (DeadLetterTopic dlq = open(topic)) {
            Map<Integer, Map<Long, RedriveLog.History>> history = history(topic, dlq);
            boolean all = dlq.forEach(r -> {
                DeadLetterEntry e = DeadLetterEntry.of(r);
                counts[0]++;
                byReason.merge(e.kind().code(), 1, Integer::sum);
                if (reason.isEmpty() || reason.get() == e.kind()) {
                    counts[1]++;
                    newest.add(view.shown(e, history.getOrDefault(r.partition(), Map.of()).get(r.offset())));
                    if (newest.size() > limit) {
                        newest.poll();
                    }
                }
            });
            whole = all && dlq.wholeTopic();
        }
        List<DeadLetterView.Shown> page = new ArrayList<>(newest);
        page.sort(Comparator.comparing(DeadLetterView.Shown::timestamp).thenComparingLong(DeadLetterView.Shown::offset)
                .reversed());
        return new Listing(topic, counts[0], whole, byReason, counts[1], page);
    }

    /**
     * Re-drives the dead letters of {@code reason} that were not re-driven before, or those {@code ids} names
     * ({@code partition:offset} or a command id; again if they were); both given: those of both. A dry run reads
     * and reports only. The steps listed are at most the page size; the counts cover all.
     */
    public Report redrive(Optional<DeadLetter.Kind> reason, List<String> ids, boolean dryRun, String by) throws Exception {
        String topic = EventTypes.dlqTopic(config.family());
        int limit = config.dlq().maxPage();
        List<Step> steps = new ArrayList<>();
        int[] n = new int[5]; // scanned, matched, redriven, skipped, failed
        boolean whole;
        try (DeadLetterTopic dlq = open(topic)) {
            Map<Integer, Map<Long, RedriveLog.History>> history = history(topic, dlq);
            Predicate<DeadLetterEntry> chosen = e -> (reason.isEmpty() || reason.get() == e.kind())
                    && (ids.isEmpty() ? history.getOrDefault(e.record().partition(), Map.of())
                            .get(e.record().offset()) == null : ids.stream().anyMatch(e::named));
            boolean all = dlq.forEach(r -> {
                n[0]++;
                DeadLetterEntry e = DeadLetterEntry.of(r);
                if (!chosen.test(e)) {
                    return;
                }
                n[1]++;
                Step step = step(topic, e, dryRun, by);
                n[step.action().equals("FAILED") ? 4 : step.action().equals("SKIPPED") ? 3 : 2]++;
                if (steps.size() < limit) {
                    steps.add(step);
                }
            });
            whole = all && dlq.wholeTopic();
        }
        LOG.infof("%s re-drove %d of %d chosen dead letters of %s (reason %s, %d ids%s): %d skipped, %d failed", by,
                dryRun ? 0 : n[2], n[1], topic, reason.map(DeadLetter.Kind::code).orElse("any"), ids.size(),
                dryRun ? ", dry run" : "", n[3], n[4]);
        return new Report(topic, dryRun, n[0], whole, n[1], dryRun ? 0 : n[2], n[3], n[4], steps);
    }

    private Step step(String topic, DeadLetterEntry e, boolean dryRun, String by) {
        String commandId = e.command() == null ? null : view.text(e.command().id());
        Redriver.Plan plan = Redriver.plan(e);
        if (plan == Redriver.Plan.SKIP) {
            return new Step(e.id(), commandId, e.kind().code(), "SKIPPED", "not a command: the same bytes would end in "
                    + "the DLQ again; fix the emitter and send the command again");
        }
        if (dryRun) {
            return new Step(e.id(), commandId, e.kind().code(), "WOULD_" + plan.name(), plan == Redriver.Plan.REPUBLISH
                    ? "would be published to the commands topic again" : "would be stored from the outcome the API had "
                    + "given, without a call");
        }
        try {
            Redriver.Done done = plan == Redriver.Plan.REPUBLISH ? redriver.republish(e, by) : redriver.storeOutcome(e);
            String detail = done.detail();
            try {
                log.record(new RedriveLog.Done(topic, e.record().partition(), e.record().offset(),
                        e.command().id(), e.kind().code(), view.reason(e), done.action(), done.detail(), by));
            } catch (Exception notRecorded) {
                LOG.errorf("the re-drive of dead letter %s of %s was done but could not be recorded: %s", e.id(), topic,
                        StoreErrors.describe(notRecorded));
                detail += "; NOT RECORDED: " + StoreErrors.describe(notRecorded);
            }
            return new Step(e.id(), commandId, e.kind().code(), done.action(), detail);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            return new Step(e.id(), commandId, e.kind().code(), "FAILED", "interrupted");
        } catch (Exception failed) {
            LOG.warnf("the re-drive of dead letter %s of %s failed: %s", e.id(), topic, StoreErrors.describe(failed));
            return new Step(e.id(), commandId, e.kind().code(), "FAILED", view.text(StoreErrors.describe(failed)));
        }
    }

    /** A bounded read of the topic, holding one of this replica's {@link #READS_AT_ONCE} places until it is closed. */
    private DeadLetterTopic open(String topic) {
        if (!reads.tryAcquire()) {
            throw new Busy();
        }
        try {
            return new DeadLetterTopic(kafka, topic, config.dlq().maxScan(), reads::release);
        } catch (RuntimeException e) {
            reads.release();
            throw e;
        }
    }

    /** Per partition, the re-drives of the dead letters the read covers. */
    private Map<Integer, Map<Long, RedriveLog.History>> history(String topic, DeadLetterTopic dlq) throws Exception {
        Map<Integer, Map<Long, RedriveLog.History>> out = new HashMap<>();
        for (var r : dlq.ranges().entrySet()) {
            out.put(r.getKey().partition(), log.history(topic, r.getKey().partition(), r.getValue()[0], r.getValue()[1]));
        }
        return out;
    }
}
