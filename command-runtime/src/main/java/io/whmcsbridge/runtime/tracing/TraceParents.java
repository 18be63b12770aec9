package io.whmcsbridge.runtime.tracing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.whmcsbridge.model.TraceContext;

import java.util.Map;

/**
 * W3C trace context as text, to and from OpenTelemetry's {@link Context}. The W3C propagator is used directly rather
 * than the configured one, so a command's context is read the same way whether or not the SDK is on.
 */
public final class TraceParents {
    private static final TextMapGetter<Map<String, String>> MAP = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };

    private TraceParents() {
    }

    /**
     * The remote parent these headers name, or the root context (a new trace) when there is none or it is not a W3C
     * traceparent: a bad trace context never fails a command.
     */
    public static Context parent(String traceparent, String tracestate) {
        if (traceparent == null || TraceContext.traceparentProblem(traceparent) != null) {
            return Context.root();
        }
        Map<String, String> carrier = tracestate == null || TraceContext.tracestateProblem(tracestate) != null
                ? Map.of("traceparent", traceparent)
                : Map.of("traceparent", traceparent, "tracestate", tracestate);
        return W3CTraceContextPropagator.getInstance().extract(Context.root(), carrier, MAP);
    }

    /** {@code 00-<trace id>-<span id>-<flags>}. */
    public static String format(SpanContext context) {
        return "00-" + context.getTraceId() + "-" + context.getSpanId() + "-" + context.getTraceFlags().asHex();
    }

    /**
     * What the work a span started passes on: the span's own context when this process made it, so the next hop is
     * its child; otherwise (no SDK: the span is only the emitter's context carried along) {@code received}, unchanged.
     */
    public static String continuing(String received, Span span) {
        SpanContext context = span.getSpanContext();
        return context.isValid() && !context.isRemote() ? format(context) : received;
    }
}
