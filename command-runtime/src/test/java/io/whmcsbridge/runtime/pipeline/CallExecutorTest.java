package io.whmcsbridge.runtime.pipeline;

import io.whmcsbridge.runtime.tracing.Tracing;
import io.whmcsbridge.model.CommandStatus;
import io.whmcsbridge.model.ErrorCodes;
import io.whmcsbridge.model.Json;
import io.whmcsbridge.runtime.api.AnswerTooLargeException;
import io.whmcsbridge.runtime.api.ApiInstance;
import io.whmcsbridge.runtime.catalogue.ActionSpec;
import io.whmcsbridge.runtime.config.BridgeConfig;
import io.whmcsbridge.runtime.guard.InstanceGuard;
import io.whmcsbridge.runtime.guard.InstanceGuards;
import io.whmcsbridge.runtime.guard.MemoryCircuitStore;
import io.whmcsbridge.runtime.ops.BridgeMetrics;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CallExecutorTest {

    /** A BridgeConfig whose processing settings are the defaults that matter here (1 attempt). */
    static BridgeConfig config() {
        BridgeConfig.Processing processing = (BridgeConfig.Processing) Proxy.newProxyInstance(
                CallExecutorTest.class.getClassLoader(), new Class<?>[] { BridgeConfig.Processing.class },
                (p, m, a) -> switch (m.getName()) {
                    case "maxAttempts" -> 1;
                    case "initialBackoff", "maxBackoff" -> Duration.ofMillis(10);
                    default -> throw new UnsupportedOperationException(m.getName());
                });
        return (BridgeConfig) Proxy.newProxyInstance(CallExecutorTest.class.getClassLoader(),
                new Class<?>[] { BridgeConfig.class }, (p, m, a) -> {
                    if (m.getName().equals("processing")) {
                        return processing;
                    }
                    throw new UnsupportedOperationException(m.getName());
                });
    }

    private static CallExecutor executor(InstanceGuard guard, io.whmcsbridge.runtime.api.ApiGateway gateway) {
        CallExecutor executor = new CallExecutor();
        executor.config = config();
        executor.guards = new InstanceGuards() {
            @Override
            public InstanceGuard get(String name) {
                return guard;
            }
        };
        executor.metrics = new BridgeMetrics() {
            @Override
            public void apiCall(String action, String instance, String outcome, Duration took) {
            }
        };
        executor.gateway = gateway;
        executor.tracing = Tracing.off();
        return executor;
    }

    static final ApiInstance INSTANCE = new ApiInstance("default", URI.create("http://127.0.0.1:1"), Map.of(), Map.of(),
            Duration.ofSeconds(1), Duration.ofSeconds(1), 1, 0);

    /**
     * A StackOverflowError or an OutOfMemoryError thrown by the gateway (a hostile answer) ends the call: the permit
     * and the fleet's probe go back, and the command ends FAILED (idempotent) or UNKNOWN (the request may have left),
     * instead of the Error leaving the command unfinished and its key and partition offset held.
     */
    @Test
    void anErrorInsideACallEndsTheCommandAndGivesPermitAndProbeBack() throws Exception {
        for (Error thrown : List.of(new StackOverflowError("deep"), new OutOfMemoryError("Java heap space"))) {
            MemoryCircuitStore circuits = new MemoryCircuitStore();
            InstanceGuard guard = new InstanceGuard("default", 1, 0, circuits, "replica-1", 10_000, () -> 1);
            CallExecutor executor = executor(guard, (instance, action, params) -> {
                throw thrown;
            });
            ActionSpec read = ActionSpec.builder("whmcs.test.get", "get").idempotent(true).build();
            ActionSpec create = ActionSpec.builder("whmcs.test.create", "create").idempotent(false).build();

            Outcome failed = executor.execute(INSTANCE, read, Json.MAPPER.createObjectNode());
            assertEquals(CommandStatus.FAILED, failed.status());
            assertEquals(ErrorCodes.INTERNAL_ERROR, failed.error().code());
            assertTrue(failed.error().message().contains(thrown.getClass().getSimpleName()), failed.toString());
            assertEquals(0, guard.inFlight(), "the permit went back");
            assertNull(circuits.readAll().get(0).probeHolder(), "the fleet's probe went back");
            assertTrue(circuits.tryProbe("default", "replica-2", 10_000).isPresent(), "another replica may probe");
            circuits.releaseProbe("default", "replica-2");

            Outcome unknown = executor.execute(INSTANCE, create, Json.MAPPER.createObjectNode());
            assertEquals(CommandStatus.UNKNOWN, unknown.status(), "a create may have left: never sent again");
            assertEquals(ErrorCodes.INTERNAL_ERROR, unknown.error().code());
            assertEquals(0, guard.inFlight(), "the only permit is free again: the next call would get it");
        }
    }

    /** An answer past max-answer-bytes: TOO_LARGE, not asked again; UNKNOWN for a create the API answered 200. */
    @Test
    void anAnswerPastTheCapIsTooLarge() throws Exception {
        InstanceGuard guard = new InstanceGuard("default", 1, 0, new MemoryCircuitStore(), "replica-1", 10_000, () -> 1);
        AtomicInteger calls = new AtomicInteger();
        CallExecutor executor = executor(guard, (instance, action, params) -> {
            calls.incrementAndGet();
            throw new AnswerTooLargeException(200, 1024, "more than 1024 bytes");
        });
        Outcome read = executor.execute(INSTANCE, ActionSpec.builder("whmcs.test.get", "get").idempotent(true).build(),
                Json.MAPPER.createObjectNode());
        assertEquals(CommandStatus.FAILED, read.status());
        assertEquals(ErrorCodes.TOO_LARGE, read.error().code());
        assertTrue(read.error().message().contains("max-answer-bytes"), read.toString());
        Outcome create = executor.execute(INSTANCE, ActionSpec.builder("whmcs.test.create", "create").idempotent(false)
                .build(), Json.MAPPER.createObjectNode());
        assertEquals(CommandStatus.UNKNOWN, create.status());
        assertEquals(2, calls.get(), "no retry");
        assertEquals(0, guard.inFlight());
    }
}
