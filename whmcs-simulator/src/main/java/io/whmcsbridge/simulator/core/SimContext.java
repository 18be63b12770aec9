package io.whmcsbridge.simulator.core;

import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * What every simulated API shares: the record of calls and side effects, and fault injection per API. A simulated
 * API handles a request through {@link #handle}, which applies faults, runs the handler under the API's lock (so
 * state changes are serial, like rows in one database), and records the call.
 * <p>Longer than 250 lines because it is the one shared state every simulated API goes through (calls, side effects,
 * faults, canned answers), kept under the same locks.
 */
public final class SimContext {
    private final Vertx vertx;
    private final AtomicLong seq = new AtomicLong();
    private final List<RecordedCall> calls = Collections.synchronizedList(new ArrayList<>());
    private final List<SideEffect> effects = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, Fault> faults = new ConcurrentHashMap<>();
    private final Map<String, Deque<Fault.Once>> onceFaults = new ConcurrentHashMap<>();
    private final Map<String, Object> locks = new ConcurrentHashMap<>();
    private final Map<String, Deque<Canned>> canned = new ConcurrentHashMap<>();

    /**
     * An answer the next request gets instead of the API's own (a hostile or broken upstream): {@code body} written
     * {@code repeat} times, streamed in chunks (so a huge answer is never held whole), with no side effect.
     */
    public record Canned(int status, String contentType, String body, long repeat) {
        public static Canned json(String body) {
            return new Canned(200, "application/json", body, 1);
        }
    }

    /** Made by {@code WhmcsSimulator}, one per simulator, shared by its APIs. */
    public SimContext(Vertx vertx) {
        this.vertx = vertx;
    }

    public void setFault(String api, Fault fault) {
        faults.put(api, fault == null ? Fault.NONE : fault);
    }

    public Fault fault(String api) {
        return faults.getOrDefault(api, Fault.NONE);
    }

    /** The next {@code count} requests to {@code api} get {@code fault}, before any standing fault. */
    public void failNext(String api, int count, Fault.Once fault) {
        Deque<Fault.Once> q = onceFaults.computeIfAbsent(api, k -> new ArrayDeque<>());
        synchronized (q) {
            for (int i = 0; i < count; i++) {
                q.addLast(fault);
            }
        }
    }

    /** The next request to {@code api} is answered with {@code reply}, before any fault. */
    public void answerNext(String api, Canned reply) {
        Deque<Canned> q = canned.computeIfAbsent(api, k -> new ArrayDeque<>());
        synchronized (q) {
            q.addLast(reply);
        }
    }

    public void clearFaults() {
        faults.clear();
        onceFaults.clear();
        canned.clear();
    }

    public void clearRecords() {
        calls.clear();
        effects.clear();
    }

    public List<RecordedCall> calls() {
        synchronized (calls) {
            return List.copyOf(calls);
        }
    }

    public List<SideEffect> sideEffects() {
        synchronized (effects) {
            return List.copyOf(effects);
        }
    }

    /** Records a state change; call it from inside a handler. */
    public SideEffect sideEffect(String api, String kind, String id, Map<String, String> params) {
        SideEffect e = new SideEffect(seq.incrementAndGet(), api, kind, id, Map.copyOf(nullSafe(params)), System.nanoTime());
        effects.add(e);
        return e;
    }

    private static Map<String, String> nullSafe(Map<String, String> params) {
        Map<String, String> m = new LinkedHashMap<>();
        if (params != null) {
            params.forEach((k, v) -> m.put(k, v == null ? "" : v));
        }
        return m;
    }

    /**
     * Handles one request of {@code api}: reads the body, applies faults, runs {@code handler} under the API's
     * lock, answers and records the call.
     *
     * @param action names the operation for the call record; computed from the request
     */
    public void handle(RoutingContext rc, String api, Function<SimRequest, String> action,
            Function<SimRequest, SimReply> handler) {
        HttpServerRequest req = rc.request();
        req.body().onComplete(ar -> {
            String body = ar.succeeded() && ar.result() != null ? ar.result().toString(StandardCharsets.UTF_8) : "";
            SimRequest sim = toSimRequest(rc, body);
            long started = System.nanoTime();
            String act = safeAction(action, sim);
            Canned reply = poll(canned, api);
            if (reply != null) {
                record(api, act, sim, started, "CANNED", false);
                writeCanned(rc.response(), reply, reply.repeat());
                return;
            }
            Fault standing = fault(api);
            Fault.Once once = pollOnce(api);
            Runnable go = () -> dispatch(rc, api, act, sim, started, standing, once, handler);
            if (standing.latencyMs() > 0) {
                vertx.setTimer(standing.latencyMs(), t -> go.run());
            } else {
                go.run();
            }
        });
    }

    private void dispatch(RoutingContext rc, String api, String act, SimRequest sim, long started, Fault standing,
            Fault.Once once, Function<SimRequest, SimReply> handler) {
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        if (once == Fault.Once.DROP || (once == null && rnd.nextDouble() < standing.dropRate())) {
            record(api, act, sim, started, "DROP", false);
            rc.request().connection().close();
            return;
        }
        if (once == Fault.Once.HANG || (once == null && rnd.nextDouble() < standing.hangRate())) {
            record(api, act, sim, started, "HANG", false);
            return; // accepted, never answered
        }
        if (once == null && rnd.nextDouble() < standing.errorRate()) {
            List<Integer> statuses = standing.errorStatuses().isEmpty() ? List.of(503) : standing.errorStatuses();
            int status = statuses.get(rnd.nextInt(statuses.size()));
            record(api, act, sim, started, "HTTP_" + status, false);
            rc.response().setStatusCode(status).putHeader("Content-Type", "text/html")
                    .end("<html><body><h1>" + status + "</h1>simulated failure</body></html>");
            return;
        }
        // The handler may block briefly on the API lock; run it off the event loop.
        vertx.<SimReply>executeBlocking(() -> {
            synchronized (locks.computeIfAbsent(api, k -> new Object())) {
                return handler.apply(sim);
            }
        }, true).onComplete(ar -> {
            SimReply reply = ar.succeeded() ? ar.result()
                    : new SimReply(500, "text/plain", "simulator error: " + ar.cause(), "SIM_ERROR", false);
            // after the handler ran: its side effect happened, only the answer is lost
            double afterEffect = once == null ? rnd.nextDouble() : 1;
            if (once == Fault.Once.HANG_AFTER_EFFECT || afterEffect < standing.hangAfterEffectRate()) {
                record(api, act, sim, started, "HANG_AFTER_EFFECT", reply.authFailed());
                return;
            }
            if (once == Fault.Once.DROP_AFTER_EFFECT
                    || afterEffect < standing.hangAfterEffectRate() + standing.dropAfterEffectRate()) {
                record(api, act, sim, started, "DROP_AFTER_EFFECT", reply.authFailed());
                rc.request().connection().close();
                return;
            }
            boolean malformed = once == Fault.Once.MALFORMED || (once == null && rnd.nextDouble() < standing.malformedRate());
            String body = reply.body();
            if (malformed) {
                body = body.substring(0, Math.max(1, body.length() / 2));
            }
            record(api, act, sim, started, malformed ? "MALFORMED" : reply.outcome(), reply.authFailed());
            HttpServerResponse resp = rc.response().setStatusCode(reply.status());
            if (reply.contentType() != null) {
                resp.putHeader("Content-Type", reply.contentType());
            }
            resp.end(Buffer.buffer(body, "UTF-8"));
        });
    }

    private Fault.Once pollOnce(String api) {
        return poll(onceFaults, api);
    }

    private static <T> T poll(Map<String, Deque<T>> queues, String api) {
        Deque<T> q = queues.get(api);
        if (q == null) {
            return null;
        }
        synchronized (q) {
            return q.pollFirst();
        }
    }

    /** Writes the canned body {@code left} more times, pausing while the client does not keep up; stops if it leaves. */
    private static void writeCanned(HttpServerResponse resp, Canned reply, long left) {
        if (left == reply.repeat()) {
            resp.setStatusCode(reply.status()).setChunked(reply.repeat() > 1);
            if (reply.contentType() != null) {
                resp.putHeader("Content-Type", reply.contentType());
            }
        }
        Buffer chunk = Buffer.buffer(reply.body(), "UTF-8");
        long n = left;
        while (n > 0 && !resp.closed() && !resp.writeQueueFull()) {
            n--;
            if (n == 0) {
                resp.end(chunk);
                return;
            }
            resp.write(chunk);
        }
        if (n > 0 && !resp.closed()) {
            long rest = n;
            resp.drainHandler(v -> writeCanned(resp, reply, rest));
        }
    }

    private void record(String api, String action, SimRequest sim, long started, String outcome, boolean authFailed) {
        calls.add(new RecordedCall(seq.incrementAndGet(), api, sim.method(), sim.path(), action, sim.flatParams(),
                sim.remoteIp(), started, System.nanoTime(), outcome, authFailed));
    }

    private static String safeAction(Function<SimRequest, String> action, SimRequest sim) {
        try {
            return action.apply(sim);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static SimRequest toSimRequest(RoutingContext rc, String body) {
        HttpServerRequest req = rc.request();
        Map<String, List<String>> params = new LinkedHashMap<>();
        new QueryStringDecoder(req.uri()).parameters().forEach((k, v) -> params.put(k, new ArrayList<>(v)));
        String ct = req.getHeader("Content-Type");
        if (ct != null && ct.toLowerCase().startsWith("application/x-www-form-urlencoded") && !body.isEmpty()) {
            new QueryStringDecoder(body, StandardCharsets.UTF_8, false).parameters()
                    .forEach((k, v) -> params.put(k, new ArrayList<>(v)));
        }
        Map<String, String> headers = new LinkedHashMap<>();
        req.headers().forEach(e -> headers.put(e.getKey(), e.getValue()));
        String ip = req.remoteAddress() == null ? "unknown" : req.remoteAddress().hostAddress();
        return new SimRequest(req.method().name(), req.path(), Map.copyOf(rc.pathParams()), params, headers, body, ip);
    }
}
