package io.whmcsbridge.runtime.ops;

import io.whmcsbridge.runtime.api.ApiInstances;
import io.whmcsbridge.runtime.pipeline.InstanceGuard;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/** Readiness is down while an API instance's circuit is open: an operator has to act (credentials, then reset). */
@Readiness
@ApplicationScoped
public class CircuitHealthCheck implements HealthCheck {
    @Inject
    ApiInstances instances;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder b = HealthCheckResponse.named("api-circuits").up();
        instances.guards().forEach((name, guard) -> {
            b.withData(name, guard.circuit().name());
            if (guard.circuit() == InstanceGuard.Circuit.OPEN) {
                b.down();
            }
        });
        return b.build();
    }
}
