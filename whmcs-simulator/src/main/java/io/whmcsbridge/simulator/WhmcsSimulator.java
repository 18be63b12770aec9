package io.whmcsbridge.simulator;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.whmcsbridge.simulator.abuse.AbuseManagerSim;
import io.whmcsbridge.simulator.billing.BillingSim;
import io.whmcsbridge.simulator.core.Fault;
import io.whmcsbridge.simulator.core.RecordedCall;
import io.whmcsbridge.simulator.core.SideEffect;
import io.whmcsbridge.simulator.core.SimContext;
import io.whmcsbridge.simulator.core.SimulatedApi;
import io.whmcsbridge.simulator.core.SimulatorSettings;
import io.whmcsbridge.simulator.projects.WbTeamProSim;
import io.whmcsbridge.simulator.reseller.VoipResellerSim;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The WHMCS-family simulator: every API family on one HTTP port, with fault injection and a record of calls and
 * side effects. Start it in-process from a test ({@code WhmcsSimulator.start(0, settings)}) or as a program
 * ({@link SimulatorMain}). Admin endpoints live under {@code /_sim/}.
 */
public final class WhmcsSimulator implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Vertx vertx;
    private final HttpServer server;
    private final SimContext context;
    private final List<SimulatedApi> apis;

    private WhmcsSimulator(Vertx vertx, HttpServer server, SimContext context, List<SimulatedApi> apis) {
        this.vertx = vertx;
        this.server = server;
        this.context = context;
        this.apis = apis;
    }

    /** Starts on {@code port} (0 = a free port) on 127.0.0.1. */
    public static WhmcsSimulator start(int port, SimulatorSettings settings) {
        return start("127.0.0.1", port, settings);
    }

    public static WhmcsSimulator start(String host, int port, SimulatorSettings settings) {
        Vertx vertx = Vertx.vertx(new VertxOptions().setWorkerPoolSize(32));
        SimContext context = new SimContext(vertx);
        List<SimulatedApi> apis = new ArrayList<>();
        apis.add(new AbuseManagerSim(settings));
        apis.add(new WbTeamProSim(settings));
        apis.add(new BillingSim(settings));
        apis.add(new VoipResellerSim(settings));
        Router router = Router.router(vertx);
        mountAdmin(router, context, apis);
        for (SimulatedApi api : apis) {
            api.mount(router, context);
        }
        HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port)
                .setIdleTimeout(0)).requestHandler(router);
        try {
            server.listen().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            vertx.close();
            throw new IllegalStateException("simulator could not listen on " + host + ":" + port, e);
        }
        return new WhmcsSimulator(vertx, server, context, apis);
    }

    public int port() {
        return server.actualPort();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    public SimContext context() {
        return context;
    }

    @SuppressWarnings("unchecked")
    public <T extends SimulatedApi> T api(Class<T> type) {
        return (T) apis.stream().filter(type::isInstance).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no simulated API " + type.getSimpleName()));
    }

    public List<RecordedCall> calls(String api) {
        return context.calls().stream().filter(c -> c.api().equals(api)).toList();
    }

    public List<SideEffect> sideEffects(String api) {
        return context.sideEffects().stream().filter(e -> e.api().equals(api)).toList();
    }

    /** Back to seed state: no faults, no records, every API's data reset. */
    public void reset() {
        context.clearFaults();
        context.clearRecords();
        apis.forEach(SimulatedApi::reset);
    }

    @Override
    public void close() {
        try {
            server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // closing anyway
        } finally {
            vertx.close();
        }
    }

    private static void mountAdmin(Router router, SimContext context, List<SimulatedApi> apis) {
        router.post("/_sim/reset").handler(rc -> {
            context.clearFaults();
            context.clearRecords();
            apis.forEach(SimulatedApi::reset);
            rc.response().end("{\"reset\":true}");
        });
        router.get("/_sim/calls").handler(rc -> respond(rc, context.calls()));
        router.get("/_sim/effects").handler(rc -> respond(rc, context.sideEffects()));
        router.get("/_sim/apis").handler(rc -> respond(rc, apis.stream().map(SimulatedApi::name).toList()));
        router.put("/_sim/faults/:api").handler(rc -> rc.request().body().onSuccess(b -> {
            try {
                Fault f = JSON.readValue(b.getBytes(), Fault.class);
                context.setFault(rc.pathParam("api"), f);
                respond(rc, f);
            } catch (Exception e) {
                rc.response().setStatusCode(400).end("{\"error\":\"" + e.getMessage().replace('"', '\'') + "\"}");
            }
        }));
        router.post("/_sim/faults/:api/once").handler(rc -> {
            String fault = rc.request().getParam("fault");
            int count = Integer.parseInt(rc.request().getParam("count", "1"));
            context.failNext(rc.pathParam("api"), count, Fault.Once.valueOf(fault));
            rc.response().end("{\"queued\":" + count + "}");
        });
        router.delete("/_sim/faults").handler(rc -> {
            context.clearFaults();
            rc.response().end("{\"cleared\":true}");
        });
    }

    private static void respond(RoutingContext rc, Object value) {
        try {
            rc.response().putHeader("Content-Type", "application/json").end(JSON.writeValueAsString(value));
        } catch (Exception e) {
            rc.response().setStatusCode(500).end(e.toString());
        }
    }
}
