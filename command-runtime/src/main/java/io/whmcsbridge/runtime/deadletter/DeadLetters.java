package io.whmcsbridge.runtime.deadletter;

import io.smallrye.common.annotation.Identifier;
import io.whmcsbridge.model.CloudEventCodec;
import io.whmcsbridge.model.CommandData;
import io.whmcsbridge.model.EventTypes;
import io.whmcsbridge.model.SafeText;
import io.whmcsbridge.runtime.catalogue.ActionCatalogue;
import io.whmcsbridge.runtime.catalogue.ActionSpec;
import io.whmcsbridge.runtime.config.BridgeConfig;
import io.whmcsbridge.runtime.pipeline.DeadLetter;
import io.whmcsbridge.runtime.redaction.Redactor;
import io.whmcsbridge.runtime.store.StoreErrors;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The dead-letter topic as operators work with it: list its records with their reasons and counts by reason, and
 * re-drive chosen ones ({@link Redriver}), recording each re-drive ({@link RedriveLog}). Reads are bounded
 * ({@code whmcs.dlq.*}); everything shown is redacted as the command log is, then cut.
 */
@ApplicationScoped
public class DeadLetters {
    private static final Logger LOG = Logger.getLogger(DeadLetters.class);

    /** A dead letter as shown: never its raw value, parameters redacted, every text cut. */
    public record Shown(String id, int partition, long offset, Instant timestamp, String key, String reason,
            String reasonText, String commandId, String type, String params, String value, String outcome,
            String origin, String onRedrive, Redriven redriven) {
    }

    /** How often a dead letter was re-driven, last when and by whom. */
    public record Redriven(int times, Instant last, String by) {
    }

    /**
     * @param scanned      records read (at most {@code whmcs.dlq.max-scan}, the newest)
     * @param wholeTopic   whether they are all the topic holds
     * @param byReason     the scanned records counted by reason
     * @param matched      those of the asked reason
     * @param records      the newest of them, at most the page size
     */
    public record Listing(String topic, int scanned, boolean wholeTopic, Map<String, Integer> byReason, int matched,
            List<Shown> records) {
    }

    /** One dead letter in a re-drive: what was (or, in a dry run, would be) done. */
    public record Step(String id, String commandId, String reason, String action, String detail) {
    }

    public record Report(String topic, boolean dryRun, int scanned, boolean wholeTopic, int matched, int redriven,
            int skipped, int failed, List<Step> records) {
    }

    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafka;
    @Inject
    BridgeConfig config;
    @Inject
    Redactor redactor;
    @Inject
    ActionCatalogue catalogue;
    @Inject
    RedriveLog log;
    @Inject
    Redriver redriver;

    /** The reason codes, for messages and the API description. */
    public static List<String> reasons() {
        return java.util.Arrays.stream(DeadLetter.Kind.values()).map(DeadLetter.Kind::code).toList();
    }

    public Listing list(Optional<DeadLetter.Kind> reason, int limit) throws Exception {
        String topic = EventTypes.dlqTopic(config.family());
        Map<String, Integer> byReason = new TreeMap<>();
        // the newest `limit` matches, oldest at the head so it is the one dropped
        PriorityQueue<Shown> newest = new PriorityQueue<>(Comparator.comparing(Shown::timestamp)
                .thenComparingLong(Shown::offset));
        int[] counts = new int[2];
        boolean whole;
        try (DeadLetterTopic dlq = new DeadLetterTopic(kafka, topic, config.dlq().maxScan())) {
            Map<Integer, Map<Long, RedriveLog.History>> history = history(topic, dlq);
            boolean all = dlq.forEach(r -> {
                DeadLetterEntry e = DeadLetterEntry.of(r);
                counts[0]++;
                byReason.merge(e.kind().code(), 1, Integer::sum);
                if (reason.isEmpty() || reason.get() == e.kind()) {
                    counts[1]++;
                    newest.add(shown(e, history.getOrDefault(r.partition(), Map.of()).get(r.offset())));
                    if (newest.size() > limit) {
                        newest.poll();
                    }
                }
            });
            whole = all && dlq.wholeTopic();
        }
        List<Shown> page = new ArrayList<>(newest);
        page.sort(Comparator.comparing(Shown::timestamp).thenComparingLong(Shown::offset).reversed());
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
        try (DeadLetterTopic dlq = new DeadLetterTopic(kafka, topic, config.dlq().maxScan())) {
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
        String commandId = e.command() == null ? null : shownText(e.command().id());
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
        String done = plan == Redriver.Plan.REPUBLISH ? "REPUBLISHED" : "OUTCOME_STORED";
        try {
            String target;
            String detail;
            if (plan == Redriver.Plan.REPUBLISH) {
                target = redriver.republish(e, by);
                detail = "published again as " + target;
            } else {
                detail = redriver.storeOutcome(e);
                target = "command_log";
            }
            try {
                log.record(new RedriveLog.Done(topic, e.record().partition(), e.record().offset(),
                        e.command().id(), e.kind().code(), reasonText(e), done, target, by));
            } catch (Exception notRecorded) {
                LOG.errorf("the re-drive of dead letter %s of %s was done but could not be recorded: %s", e.id(), topic,
                        StoreErrors.describe(notRecorded));
                detail += "; NOT RECORDED: " + StoreErrors.describe(notRecorded);
            }
            return new Step(e.id(), commandId, e.kind().code(), done, detail);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            return new Step(e.id(), commandId, e.kind().code(), "FAILED", "interrupted");
        } catch (Exception failed) {
            LOG.warnf("the re-drive of dead letter %s of %s failed: %s", e.id(), topic, StoreErrors.describe(failed));
            return new Step(e.id(), commandId, e.kind().code(), "FAILED", shownText(StoreErrors.describe(failed)));
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

    private Shown shown(DeadLetterEntry e, RedriveLog.History h) {
        Optional<ActionSpec> spec = e.command() == null ? Optional.empty() : catalogue.byType(e.command().event().type());
        String params = null;
        String value = null;
        if (e.command() != null) {
            CommandData data = CloudEventCodec.commandData(e.command().event());
            params = data == null ? null : shownText(redactor.redact(data.params(), spec.orElse(null)).toString());
        } else if (e.record().value() != null) {
            // not a command: its text, redacted as free text (the secret names and credential values), then cut
            value = shownText(redactor.redactText(new String(e.record().value(), StandardCharsets.UTF_8)));
        }
        return new Shown(e.id(), e.record().partition(), e.record().offset(), Instant.ofEpochMilli(e.record().timestamp()),
                e.record().key() == null ? null : shownText(redactor.redactText(e.record().key())), e.kind().code(),
                reasonText(e),
                e.command() == null ? null : shownText(e.command().id()),
                e.command() == null ? null : shownText(e.command().event().type()), params, value, outcome(e),
                e.origin() == null ? null : shownText(e.origin()), Redriver.plan(e).name(),
                h == null ? null : new Redriven(h.times(), h.last(), h.by()));
    }

    /** The dead letter's reason, redacted as the command log's texts are (it may quote a database's error), cut. */
    private String reasonText(DeadLetterEntry e) {
        if (e.reason() == null) {
            return null;
        }
        ActionSpec spec = e.command() == null ? null : catalogue.byType(e.command().event().type()).orElse(null);
        return shownText(redactor.redactText(e.reason(), spec));
    }

    /** The outcome the API had given, as {@code STATUS} or {@code STATUS ERROR_CODE}; never its response. */
    private String outcome(DeadLetterEntry e) {
        if (e.outcome() == null) {
            return null;
        }
        try {
            var data = CloudEventCodec.readStructuredUnchecked(e.outcome()).data();
            String code = data.path("error").path("code").asText("");
            return shownText(data.path("status").asText() + (code.isEmpty() ? "" : " " + code));
        } catch (RuntimeException unreadable) {
            return "unreadable";
        }
    }

    /** Cut to {@code max-shown-chars}, control characters escaped, so a shown text cannot forge lines. */
    private String shownText(String s) {
        int max = config.dlq().maxShownChars();
        return SafeText.escape(s, max) + (s.length() > max ? "... (" + s.length() + " characters)" : "");
    }
}
