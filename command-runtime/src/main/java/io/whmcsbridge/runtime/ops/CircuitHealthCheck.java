package io.whmcsbridge.runtime.ops;

import io.smallrye.health.api.Wellness;
import io.whmcsbridge.runtime.guard.InstanceGuard;
import io.whmcsbridge.runtime.guard.InstanceGuards;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

/**
 * The API instances' circuits, fleet-wide, in {@code /q/health} (and {@code /q/health/well}): DOWN while one is open,
 * because an operator has to act (credentials, then a reset). Not a readiness check: readiness is the ability to
 * serve (Kafka, the database), and an open circuit is the same on every replica, so taking replicas out of the
 * Service would only make the ingress and the reset endpoint unreachable. Orchestrators probe
 * {@code /q/health/ready}, {@code /live} and {@code /started}, which this check is not part of.
 */
@Wellness
@ApplicationScoped
public class CircuitHealthCheck implements HealthCheck {
    @Inject
    InstanceGuards guards;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder b = HealthCheckResponse.named("api-circuits").up();
        guards.all().forEach((name, guard) -> {
            InstanceGuard.State s = guard.state();
            b.withData(name, s.fleet() == InstanceGuard.Circuit.OPEN ? "OPEN (" + s.reason() + ")" : s.fleet().name());
            if (s.fleet() == InstanceGuard.Circuit.OPEN) {
                b.down();
            }
        });
        b.withData("replicas", guards.replicas());
        return b.build();
    }
}
