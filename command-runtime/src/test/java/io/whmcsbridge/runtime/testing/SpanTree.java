package io.whmcsbridge.runtime.testing;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The spans of one trace as an in-memory exporter captured them: waiting for them, finding them by name, reading the
 * tree they form, and printing it.
 */
public final class SpanTree {
    private final List<SpanData> spans;

    private SpanTree(List<SpanData> spans) {
        this.spans = spans.stream().sorted(Comparator.comparingLong(SpanData::getStartEpochNanos)).toList();
    }

    /** A new W3C traceparent, sampled, as an emitter would send it. */
    public static String newTraceparent() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return String.format("00-%016x%016x-%016x-01", r.nextLong() | 1, r.nextLong(), r.nextLong() | 1);
    }

    public static String traceId(String traceparent) {
        return traceparent.substring(3, 35);
    }

    public static String spanId(String traceparent) {
        return traceparent.substring(36, 52);
    }

    /** The spans of {@code traceId} once {@code complete} holds for them (or fails after {@code timeout}). */
    public static SpanTree await(InMemorySpanExporter exporter, String traceId, Predicate<SpanTree> complete,
            Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        SpanTree tree;
        do {
            tree = of(exporter, traceId);
            if (complete.test(tree)) {
                return tree;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        } while (System.nanoTime() < deadline);
        throw new AssertionError("the spans of trace " + traceId + " were not complete within " + timeout + ":\n"
                + tree.render());
    }

    public static SpanTree of(InMemorySpanExporter exporter, String traceId) {
        return new SpanTree(exporter.getFinishedSpanItems().stream()
                .filter(s -> s.getTraceId().equals(traceId)).toList());
    }

    public List<SpanData> spans() {
        return spans;
    }

    public boolean has(String name) {
        return spans.stream().anyMatch(s -> s.getName().equals(name));
    }

    /** The only span of this name. */
    public SpanData one(String name) {
        List<SpanData> named = named(name);
        if (named.size() != 1) {
            throw new AssertionError(named.size() + " spans named '" + name + "' in\n" + render());
        }
        return named.get(0);
    }

    public List<SpanData> named(String name) {
        return spans.stream().filter(s -> s.getName().equals(name)).toList();
    }

    /** The names of {@code parent}'s children, in the order they started. */
    public List<String> childNames(SpanData parent) {
        return children(parent).stream().map(SpanData::getName).toList();
    }

    public List<SpanData> children(SpanData parent) {
        return spans.stream().filter(s -> s.getParentSpanId().equals(parent.getSpanId())).toList();
    }

    /** The tree, one span a line: name, kind, duration, status, attributes; a remote parent is shown as such. */
    public String render() {
        StringBuilder out = new StringBuilder();
        Map<String, SpanData> byId = spans.stream().collect(Collectors.toMap(SpanData::getSpanId, s -> s));
        for (SpanData root : spans.stream().filter(s -> !byId.containsKey(s.getParentSpanId())).toList()) {
            if (root.getParentSpanContext().isValid()) {
                out.append("(emitter span ").append(root.getParentSpanId()).append(", not exported here)\n");
                render(root, "└─ ", "   ", out);
            } else {
                render(root, "", "", out);
            }
        }
        return out.toString();
    }

    private void render(SpanData span, String first, String rest, StringBuilder out) {
        out.append(first).append(span.getName()).append("  ").append(span.getKind())
                .append(String.format("  %.1f ms", (span.getEndEpochNanos() - span.getStartEpochNanos()) / 1e6));
        if (span.getStatus().getStatusCode() == StatusCode.ERROR) {
            out.append("  ERROR ").append(span.getStatus().getDescription());
        }
        Map<String, Object> attributes = new TreeMap<>();
        span.getAttributes().forEach((AttributeKey<?> k, Object v) -> attributes.put(k.getKey(), v));
        out.append("\n").append(rest).append(children(span).isEmpty() ? "   " : "│  ").append(attributes).append("\n");
        List<SpanData> children = new ArrayList<>(children(span));
        for (int i = 0; i < children.size(); i++) {
            boolean last = i == children.size() - 1;
            render(children.get(i), rest + (last ? "└─ " : "├─ "), rest + (last ? "   " : "│  "), out);
        }
    }
}
