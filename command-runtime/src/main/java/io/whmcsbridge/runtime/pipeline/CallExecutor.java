package io.whmcsbridge.runtime.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.whmcsbridge.model.ErrorCodes;
import io.whmcsbridge.model.ErrorInfo;
import io.whmcsbridge.runtime.api.AnswerTooLargeException;
import io.whmcsbridge.runtime.api.ApiGateway;
import io.whmcsbridge.runtime.api.ApiInstance;
import io.whmcsbridge.runtime.api.ApiOutcome;
import io.whmcsbridge.runtime.catalogue.ActionSpec;
import io.whmcsbridge.runtime.config.BridgeConfig;
import io.whmcsbridge.runtime.guard.InstanceGuard;
import io.whmcsbridge.runtime.guard.InstanceGuards;
import io.whmcsbridge.runtime.ops.BridgeMetrics;
import io.whmcsbridge.runtime.redaction.Redactor;
import io.whmcsbridge.runtime.tracing.Tracing;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Calls the API for one command and decides what the answer means: retries with exponential backoff and jitter
 * where a retry is safe (the request surely never left, or the action is idempotent and the failure transient),
 * UNKNOWN where a non-idempotent call may have taken effect, the circuit opened on an authentication failure.
 * <p>Longer than 250 lines because the attempt loop and the rules that classify each answer (retry, UNKNOWN, circuit)
 * are one decision, read together.
 */
@ApplicationScoped
public class CallExecutor {
    private static final Logger LOG = Logger.getLogger(CallExecutor.class);

    @Inject
    ApiGateway gateway;
    @Inject
    InstanceGuards guards;
    @Inject
    BridgeConfig config;
    @Inject
    Redactor redactor;
    @Inject
    BridgeMetrics metrics;
    @Inject
    Tracing tracing;

    /** What a failed attempt means for the next step. */
    private record Verdict(boolean retry, Outcome terminal) {
    }

    public Outcome execute(ApiInstance instance, ActionSpec action, ObjectNode params) throws InterruptedException {
        try {
            return execute(instance, action, params, new SendGate());
        } catch (SendGate.Aborted e) {
            throw new InterruptedException(e.getMessage());
        }
    }

    /**
     * @param gate lets a hand-over or a shutdown give the command up while it waits for a permit or a backoff; then
     *             {@link SendGate.Aborted} is thrown and nothing was sent (a non-idempotent call is retried only
     *             when its earlier attempts surely never left)
     */
    Outcome execute(ApiInstance instance, ActionSpec action, ObjectNode params, SendGate gate)
            throws InterruptedException, SendGate.Aborted {
        InstanceGuard guard = guards.get(instance.name());
        int maxAttempts = Math.max(1, config.processing().maxAttempts());
        Outcome last = null;
        for (int attempt = 1; attempt <= maxAttempts; attempt++) {
            InstanceGuard.Permit permit;
            gate.waiting();
            try {
                permit = guard.acquire();
            } catch (InstanceGuard.CircuitOpenException e) {
                // Nothing was sent for this attempt; the emitter may send the command again after the reset.
                return Outcome.failed(new ErrorInfo(ErrorCodes.CIRCUIT_OPEN, e.getMessage(), true, null), attempt - 1);
            } catch (InterruptedException e) {
                gate.interrupted(e);
                throw e;
            }
            try {
                gate.sending();
            } catch (SendGate.Aborted e) {
                permit.release(false, false, null);
                throw e;
            }
            long start = System.nanoTime();
            ApiOutcome outcome = null;
            Exception error = null;
            TransportFailure failure = null;
            AnswerTooLargeException tooLarge = null;
            Error crash = null;
            String label = "Error";
            // current while the gateway runs, so the reply's HTTP status lands on it
            Span span = tracing.attempt(Context.current(), action.action(), instance.name(), attempt);
            try (Scope ignored = span.makeCurrent()) {
                outcome = gateway.call(instance, action, params);
                label = outcome.getClass().getSimpleName();
            } catch (InterruptedException e) {
                label = "Interrupted";
                throw e;
            } catch (AnswerTooLargeException e) {
                tooLarge = e;
                label = "TooLarge";
            } catch (Exception e) {
                error = e;
                failure = TransportFailure.classify(e);
                label = failure.name();
            } catch (Error e) {
                // OutOfMemoryError, StackOverflowError (a hostile answer): this call ends, the service goes on
                crash = e;
            } finally {
                // whatever was thrown: the permit (and the fleet's probe) always go back
                ApiOutcome.AuthFailure auth = outcome instanceof ApiOutcome.AuthFailure a ? a : null;
                permit.release(outcome != null || tooLarge != null, auth != null,
                        auth == null ? null : auth.error().code());
                metrics.apiCall(action.action(), instance.name(), label, Duration.ofNanos(System.nanoTime() - start));
                Tracing.attempted(span, label, outcome instanceof ApiOutcome.Success);
                span.end();
            }
            Verdict verdict;
            if (crash != null) {
                LOG.errorf(crash, "the call of %s failed inside this service", action.action());
                verdict = crashed(action, crash, attempt);
            } else if (tooLarge != null) {
                verdict = judge(action, tooLarge, attempt);
            } else {
                verdict = outcome != null ? judge(action, outcome, attempt) : judge(action, failure, error, attempt);
            }
            if (!verdict.retry()) {
                return verdict.terminal();
            }
            last = verdict.terminal();
            if (attempt < maxAttempts) {
                long sleep = backoffMillis(attempt);
                LOG.debugf("attempt %d of %s failed (%s); retrying in %d ms", attempt, action.action(), label, sleep);
                gate.waiting();
                try {
                    Thread.sleep(sleep);
                } catch (InterruptedException e) {
                    gate.interrupted(e);
                }
                gate.busy();
            }
        }
        return last;
    }

    private Verdict judge(ActionSpec action, ApiOutcome outcome, int attempt) {
        if (outcome instanceof ApiOutcome.Success s) {
            return new Verdict(false, Outcome.succeeded(redactor.redact(s.response(), action), attempt));
        }
        if (outcome instanceof ApiOutcome.AuthFailure a) {
            ErrorInfo e = a.error();
            return new Verdict(false, Outcome.failed(new ErrorInfo(e.code(), redactor.redactText(e.message(), action)
                    + " (authentication failed: calls to this instance are stopped until the circuit is reset)",
                    false, redactor.redactText(e.upstream(), action)), attempt));
        }
        if (outcome instanceof ApiOutcome.ApiError a) {
            ErrorInfo e = new ErrorInfo(a.error().code(), redactor.redactText(a.error().message(), action),
                    a.error().retryable(), redactor.redactText(a.error().upstream(), action));
            return new Verdict(e.retryable(), Outcome.failed(e, attempt));
        }
        if (outcome instanceof ApiOutcome.HttpFailure h) {
            int status = h.status();
            String body = redactor.redactText(h.body(), action);
            boolean transientStatus = status >= 500 || status == 429;
            // 503 and 429 say the server did not take the request on; other 5xx may come after the work was done.
            boolean refused = status == 503 || status == 429;
            ErrorInfo e = new ErrorInfo(ErrorCodes.http(status), "the API answered HTTP " + status, transientStatus, body);
            if (transientStatus && action.idempotent()) {
                return new Verdict(true, Outcome.failed(e, attempt));
            }
            if (transientStatus && !refused) {
                return new Verdict(false, Outcome.unknown(new ErrorInfo(e.code(), e.message()
                        + " after the request was sent; it may or may not have taken effect", false, body), attempt));
            }
            return new Verdict(false, Outcome.failed(e, attempt));
        }
        ApiOutcome.Malformed m = (ApiOutcome.Malformed) outcome;
        String body = redactor.redactText(m.body(), action);
        if (action.idempotent()) {
            return new Verdict(true, Outcome.failed(new ErrorInfo(ErrorCodes.MALFORMED_RESPONSE, m.reason(), true, body), attempt));
        }
        return new Verdict(false, Outcome.unknown(new ErrorInfo(ErrorCodes.MALFORMED_RESPONSE, m.reason()
                + "; the API had the request and may have acted", false, body), attempt));
    }

    /**
     * An answer past the instance's {@code max-answer-bytes}. A 5xx or 429 is judged as that status; otherwise the
     * answer is not read and not asked for again: {@code TOO_LARGE}, {@code FAILED} for an idempotent action or a
     * refusal (4xx), {@code UNKNOWN} for a non-idempotent one the API answered with success (it may have acted).
     */
    private Verdict judge(ActionSpec action, AnswerTooLargeException e, int attempt) {
        int status = e.status();
        if (status >= 500 || status == 429) {
            return judge(action, new ApiOutcome.HttpFailure(status, "(an answer of more than " + e.maxBytes()
                    + " bytes, not read)"), attempt);
        }
        if (action.idempotent() || status >= 400) {
            return new Verdict(false, Outcome.failed(new ErrorInfo(ErrorCodes.TOO_LARGE, e.getMessage(), false, null),
                    attempt));
        }
        return new Verdict(false, Outcome.unknown(new ErrorInfo(ErrorCodes.TOO_LARGE, e.getMessage()
                + "; the answer was not read, so whether the call took effect is unknown", false, null), attempt));
    }

    /** This service failed during the call: not retried; {@code UNKNOWN} where the request may have left. */
    private static Verdict crashed(ActionSpec action, Error e, int attempt) {
        String what = "the service failed during the call (" + e.getClass().getSimpleName() + ")";
        return new Verdict(false, action.idempotent()
                ? Outcome.failed(new ErrorInfo(ErrorCodes.INTERNAL_ERROR, what, false, null), attempt)
                : Outcome.unknown(new ErrorInfo(ErrorCodes.INTERNAL_ERROR, what
                        + " after the request may have been sent; it may or may not have taken effect", false, null),
                        attempt));
    }

    private Verdict judge(ActionSpec action, TransportFailure failure, Exception error, int attempt) {
        String detail = rootMessage(error, action);
        return switch (failure) {
            case NOT_SENT -> new Verdict(true, Outcome.failed(new ErrorInfo(ErrorCodes.CONNECTION,
                    "could not connect to the API: " + detail, true, null), attempt));
            case TIMEOUT -> action.idempotent()
                    ? new Verdict(true, Outcome.failed(new ErrorInfo(ErrorCodes.TIMEOUT, "no answer in time: " + detail, true, null), attempt))
                    : new Verdict(false, Outcome.unknown(new ErrorInfo(ErrorCodes.TIMEOUT, "no answer in time after the request was sent; "
                            + "it may or may not have taken effect", false, null), attempt));
            case CONNECTION_LOST -> action.idempotent()
                    ? new Verdict(true, Outcome.failed(new ErrorInfo(ErrorCodes.CONNECTION, "connection lost: " + detail, true, null), attempt))
                    : new Verdict(false, Outcome.unknown(new ErrorInfo(ErrorCodes.CONNECTION, "the connection broke after the request was sent; "
                            + "it may or may not have taken effect", false, null), attempt));
        };
    }

    long backoffMillis(int attempt) {
        long base = config.processing().initialBackoff().toMillis() << Math.min(attempt - 1, 20);
        long capped = Math.min(base, config.processing().maxBackoff().toMillis());
        // "equal jitter": half fixed, half random, so retries of many commands spread out
        return capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1);
    }

    private String rootMessage(Throwable e, ActionSpec action) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getClass().getSimpleName() + ": " + t.getMessage();
        return redactor.redactText(m, action);
    }
}
