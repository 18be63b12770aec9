package io.whmcsbridge.runtime.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.whmcsbridge.model.CommandStatus;
import io.whmcsbridge.runtime.api.ApiInstances;
import io.whmcsbridge.runtime.config.BridgeConfig;
import io.whmcsbridge.runtime.store.OutboxRelay;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.time.Duration;

/**
 * The service's Prometheus metrics: {@code whmcs_commands_total{action,status}}, {@code whmcs_api_call_seconds}
 * (histogram by action, instance and outcome), {@code whmcs_outbox_backlog}, {@code whmcs_circuit_open{instance}},
 * {@code whmcs_commands_in_flight}. Labels never carry parameters or secrets.
 */
@ApplicationScoped
public class BridgeMetrics {
    @Inject
    MeterRegistry registry;
    @Inject
    BridgeConfig config;
    @Inject
    MetricLabels labels;

    void register(@Observes StartupEvent ev, OutboxRelay relay, ApiInstances instances) {
        Gauge.builder("whmcs_outbox_backlog", relay, OutboxRelay::backlog)
                .description("Outbox rows not yet published").tag("family", config.family()).register(registry);
        instances.guards().forEach((name, guard) -> Gauge
                .builder("whmcs_circuit_open", guard, g -> g.circuit() == io.whmcsbridge.runtime.pipeline.InstanceGuard.Circuit.OPEN ? 1 : 0)
                .description("1 while calls to the instance are stopped after an authentication failure")
                .tag("family", config.family()).tag("instance", name).register(registry));
    }

    public void commandFinished(String action, CommandStatus status) {
        Counter.builder("whmcs_commands_total").description("Commands by action and terminal status")
                .tag("family", config.family()).tag("action", labels.action(action))
                .tag("status", status.name()).register(registry).increment();
    }

    public void apiCall(String action, String instance, String outcome, Duration took) {
        Timer.builder("whmcs_api_call_seconds").description("API call latency")
                .tag("family", config.family()).tag("action", labels.action(action)).tag("instance", instance).tag("outcome", outcome)
                .publishPercentileHistogram().register(registry).record(took);
    }

    public void dlq() {
        Counter.builder("whmcs_commands_dlq_total").description("Records that could not be read as commands")
                .tag("family", config.family()).register(registry).increment();
    }
}
