package io.whmcsbridge.runtime.tracing;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.whmcsbridge.model.CommandStatus;
import io.whmcsbridge.runtime.api.ApiInstances;
import io.whmcsbridge.runtime.catalogue.ActionCatalogue;
import io.whmcsbridge.runtime.command.IncomingCommand;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.regex.Pattern;

import static io.opentelemetry.api.common.AttributeKey.longKey;
import static io.opentelemetry.api.common.AttributeKey.stringKey;

/**
 * The spans of a command: the command itself (child of its emitter's trace context), each API call attempt, each
 * piece of database work, each publication of an outbox row, and a command accepted over HTTP.
 * <p>
 * What a span says is bounded and secret-free: names and attributes come from the catalogue, the configured
 * instances, this service's topics and the command id (the idempotency key, at most 200 characters, no control
 * characters); a type or instance nobody configured reads {@value #UNKNOWN}, as in the metrics. No parameter value,
 * answer, credential or error text is ever put on a span. With the SDK disabled ({@code quarkus.otel.sdk.disabled},
 * the default without an OTLP endpoint) every span is the invalid one, made by nothing: a check of a flag per span,
 * and the command's own {@code traceparent} goes on to its result unchanged.
 */
@ApplicationScoped
public class Tracing {
    public static final String UNKNOWN = "unknown";
    /** The instrumentation scope of every span the pipeline makes. */
    public static final String SCOPE = "io.whmcsbridge.command-runtime";
    private static final Pattern CODE = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");

    public static final AttributeKey<String> EVENT_ID = stringKey("cloudevents.event_id");
    public static final AttributeKey<String> EVENT_TYPE = stringKey("cloudevents.event_type");
    public static final AttributeKey<String> MESSAGING_SYSTEM = stringKey("messaging.system");
    public static final AttributeKey<String> MESSAGING_OPERATION = stringKey("messaging.operation.type");
    public static final AttributeKey<String> DESTINATION = stringKey("messaging.destination.name");
    public static final AttributeKey<String> PARTITION = stringKey("messaging.destination.partition.id");
    public static final AttributeKey<Long> OFFSET = longKey("messaging.kafka.offset");
    public static final AttributeKey<String> ACTION = stringKey("whmcs.action");
    public static final AttributeKey<String> INSTANCE = stringKey("whmcs.instance");
    public static final AttributeKey<String> STATUS = stringKey("whmcs.command.status");
    public static final AttributeKey<String> ERROR_CODE = stringKey("whmcs.error.code");
    public static final AttributeKey<Long> ATTEMPTS = longKey("whmcs.command.attempts");
    public static final AttributeKey<String> FINISHED = stringKey("whmcs.command.finished");
    public static final AttributeKey<Long> ATTEMPT = longKey("whmcs.attempt");
    public static final AttributeKey<String> API_RESULT = stringKey("whmcs.api.result");
    public static final AttributeKey<String> DB_SYSTEM = stringKey("db.system.name");
    public static final AttributeKey<String> DB_OPERATION = stringKey("db.operation.name");
    public static final AttributeKey<String> INGRESS_RESULT = stringKey("whmcs.ingress.result");

    @Inject
    OpenTelemetry openTelemetry;
    @Inject
    ActionCatalogue catalogue;
    @Inject
    ApiInstances instances;
    @ConfigProperty(name = "quarkus.otel.sdk.disabled", defaultValue = "false")
    boolean sdkDisabled;

    private Tracer tracer;
    /** False with the SDK disabled: then no span is made at all (Quarkus' disabled SDK would still make and drop them). */
    private boolean on;

    Tracing() {
    }

    /** For tests: spans from {@code tracer}. */
    public Tracing(Tracer tracer, ActionCatalogue catalogue, ApiInstances instances) {
        this.tracer = tracer;
        this.catalogue = catalogue;
        this.instances = instances;
        this.on = true;
    }

    /** For tests: tracing as it is without an OTLP endpoint. */
    public static Tracing off() {
        return new Tracing();
    }

    @PostConstruct
    void init() {
        on = !sdkDisabled;
        tracer = openTelemetry.getTracer(SCOPE);
    }

    /** The span of a command read from its topic: a child of the trace context it carries, else a new trace. */
    public Span command(IncomingCommand command) {
        if (!on) {
            return Span.getInvalid();
        }
        var event = command.event();
        String type = type(event.type());
        var span = tracer.spanBuilder("command " + type).setSpanKind(SpanKind.CONSUMER)
                .setParent(TraceParents.parent(event.extension("traceparent"), event.extension("tracestate")))
                .setAttribute(MESSAGING_SYSTEM, "kafka")
                .setAttribute(MESSAGING_OPERATION, "process")
                .setAttribute(EVENT_ID, event.id())
                .setAttribute(EVENT_TYPE, type);
        if (command.topic() != null) {
            span.setAttribute(DESTINATION, command.topic());
        }
        if (command.partition() != null) {
            span.setAttribute(PARTITION, command.partition().toString());
        }
        if (command.offset() != null) {
            span.setAttribute(OFFSET, command.offset());
        }
        return span.startSpan();
    }

    /** What the command was found to be: its action ({@code null}: none) and instance, both as labels. */
    public void read(Span command, String action, String instance) {
        if (!command.isRecording()) {
            return;
        }
        command.setAttribute(ACTION, action == null ? UNKNOWN : action);
        command.setAttribute(INSTANCE, instance(instance));
    }

    /** The stored outcome; FAILED and UNKNOWN mark the span as an error (REJECTED was the sender's doing). */
    public static void outcome(Span command, CommandStatus status, String errorCode, int attempts) {
        if (!command.isRecording()) {
            return;
        }
        command.setAttribute(STATUS, status.name());
        command.setAttribute(ATTEMPTS, (long) attempts);
        if (errorCode != null) {
            command.setAttribute(ERROR_CODE, code(errorCode));
        }
        if (status == CommandStatus.FAILED || status == CommandStatus.UNKNOWN) {
            command.setStatus(StatusCode.ERROR, status.name());
        }
    }

    /** How the command's processing here ended, when not with a stored outcome ({@code finished} says which). */
    public static void ended(Span command, String finished, boolean error) {
        command.setAttribute(FINISHED, finished);
        if (error) {
            command.setStatus(StatusCode.ERROR, finished);
        }
    }

    /** One attempt of an API call: {@code action} is the catalogue's, {@code instance} a configured one. */
    public Span attempt(Context parent, String action, String instance, int attempt) {
        if (!on) {
            return Span.getInvalid();
        }
        return tracer.spanBuilder("call " + action).setSpanKind(SpanKind.CLIENT).setParent(parent)
                .setAttribute(ACTION, action)
                .setAttribute(INSTANCE, instance)
                .setAttribute(ATTEMPT, (long) attempt)
                .startSpan();
    }

    /** How an attempt came out: {@code result} is one of a fixed set of labels (the answer's kind, the failure's). */
    public static void attempted(Span attempt, String result, boolean answeredOk) {
        attempt.setAttribute(API_RESULT, result);
        if (!answeredOk) {
            attempt.setStatus(StatusCode.ERROR, result);
        }
    }

    /** Database work of a command ({@code operation}: a fixed name such as {@code complete}). */
    public Span database(Context parent, String operation) {
        if (!on) {
            return Span.getInvalid();
        }
        return tracer.spanBuilder("db " + operation).setSpanKind(SpanKind.CLIENT).setParent(parent)
                .setAttribute(DB_SYSTEM, "postgresql")
                .setAttribute(DB_OPERATION, operation)
                .startSpan();
    }

    /**
     * The publication of an outbox row to {@code topic}, a child of the context stored with the row (the command's
     * span for a result); a row stored without one gets no span rather than a trace of its own.
     */
    public Span publish(String topic, String traceparent, boolean sweep) {
        if (!on || traceparent == null) {
            return Span.getInvalid();
        }
        return tracer.spanBuilder("publish " + topic).setSpanKind(SpanKind.PRODUCER)
                .setParent(TraceParents.parent(traceparent, null))
                .setAttribute(MESSAGING_SYSTEM, "kafka")
                .setAttribute(MESSAGING_OPERATION, "send")
                .setAttribute(DESTINATION, topic)
                .setAttribute("whmcs.outbox.sweep", sweep)
                .startSpan();
    }

    /** A command arriving over HTTP, a child of the caller's {@code traceparent} header if it is a W3C one. */
    public Span ingress(String type, String traceparent, String tracestate) {
        if (!on) {
            return Span.getInvalid();
        }
        String label = type(type);
        return tracer.spanBuilder("ingress " + label).setSpanKind(SpanKind.SERVER)
                .setParent(TraceParents.parent(traceparent, tracestate))
                .setAttribute(EVENT_TYPE, label)
                .startSpan();
    }

    /** {@code type} if the catalogue has it, else {@value #UNKNOWN}. */
    String type(String type) {
        return type != null && catalogue.byType(type).isPresent() ? type : UNKNOWN;
    }

    /** {@code instance} if it is configured, else {@value #UNKNOWN}. */
    String instance(String instance) {
        return instance != null && instances.get(instance).isPresent() ? instance : UNKNOWN;
    }

    /** An error code as a label: ours and the APIs' are short words; anything else reads {@code other}. */
    static String code(String code) {
        return CODE.matcher(code).matches() ? code : "other";
    }
}
