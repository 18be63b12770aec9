package io.whmcsbridge.runtime.pipeline;

import io.whmcsbridge.runtime.config.BridgeConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

import java.time.Duration;

/**
 * Liveness of the command pipeline: down only when commands are waiting and none has started or finished for
 * {@code whmcs.processing.stall-after}. A long backlog that moves (a rate-limited instance, a slow API) is alive: the
 * age of the oldest waiting record says nothing about a stall when admission holds thousands of commands, so the
 * connector's own age limit is off.
 */
@Liveness
@ApplicationScoped
public class PipelineLiveness implements HealthCheck {
    @Inject
    CommandConsumer consumer;
    @Inject
    BridgeConfig config;

    @Override
    public HealthCheckResponse call() {
        int pending = consumer.pending();
        Duration idle = Duration.ofNanos(System.nanoTime() - consumer.lastProgressNanos());
        boolean stalled = stalled(pending, idle, config.processing().stallAfter());
        return HealthCheckResponse.named("command-pipeline").status(!stalled)
                .withData("pending", pending).withData("sinceLastProgressMs", idle.toMillis()).build();
    }

    static boolean stalled(int pending, Duration sinceLastProgress, Duration stallAfter) {
        return pending > 0 && sinceLastProgress.compareTo(stallAfter) > 0;
    }
}
