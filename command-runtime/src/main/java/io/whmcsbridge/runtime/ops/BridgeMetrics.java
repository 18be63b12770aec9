package io.whmcsbridge.runtime.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.whmcsbridge.model.CommandStatus;
import io.whmcsbridge.runtime.config.BridgeConfig;
import io.whmcsbridge.runtime.guard.InstanceGuard;
import io.whmcsbridge.runtime.guard.InstanceGuards;
import io.whmcsbridge.runtime.outbox.OutboxPublisher;
import io.whmcsbridge.runtime.outbox.OutboxSweep;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.time.Duration;

/**
 * The service's Prometheus metrics: {@code whmcs_commands_total{action,status}}, {@code whmcs_api_call_seconds}
 * (histogram by action, instance and outcome), {@code whmcs_outbox_backlog}, {@code whmcs_circuit_open{instance}}
 * (fleet-wide), {@code whmcs_fleet_replicas}, {@code whmcs_commands_dlq_total}, {@code whmcs_outbox_published_total} and
 * {@code whmcs_outbox_set_aside_total} (rows that will never be published). Labels never carry parameters or secrets.
 *
 * <p>The counters the alert rules watch with {@code increase()} exist from the start at 0: Prometheus sees no increase
 * in a series' first sample, so a counter registered at its first event would hide the first dead letter or UNKNOWN
 * outcome of every replica.
 */
@ApplicationScoped
public class BridgeMetrics {
    @Inject
    MeterRegistry registry;
    @Inject
    BridgeConfig config;
    @Inject
    MetricLabels labels;

    void register(@Observes StartupEvent ev, OutboxPublisher publisher, OutboxSweep sweep, InstanceGuards guards) {
        Gauge.builder("whmcs_outbox_backlog", sweep, OutboxSweep::backlog)
                .description("Outbox rows not yet published").tag("family", config.family()).register(registry);
        guards.all().forEach((name, guard) -> Gauge
                .builder("whmcs_circuit_open", guard, g -> g.state().fleet() == InstanceGuard.Circuit.OPEN ? 1 : 0)
                .description("1 while calls to the instance are stopped after an authentication failure (fleet-wide: "
                        + "every replica reports the circuit in the database, refreshed every heartbeat)")
                .tag("family", config.family()).tag("instance", name).register(registry));
        Gauge.builder("whmcs_fleet_replicas", guards, InstanceGuards::replicas)
                .description("Live replicas of the service as this one counts them (fleet-wide limits are divided by it)")
                .tag("family", config.family()).register(registry);
        FunctionCounter.builder("whmcs_outbox_published_total", publisher, OutboxPublisher::publishedCount)
                .description("Outbox rows this replica published (results, and commands accepted over HTTP)")
                .tag("family", config.family()).register(registry);
        FunctionCounter.builder("whmcs_outbox_set_aside_total", sweep, OutboxSweep::setAsideCount)
                .description("Outbox rows this replica set aside because Kafka refused them: never published")
                .tag("family", config.family()).register(registry);
        dlqCounter();
        labels.actions().forEach(action -> commandCounter(action, CommandStatus.UNKNOWN));
    }

    public void commandFinished(String action, CommandStatus status) {
        commandCounter(labels.action(action), status).increment();
    }

    private Counter commandCounter(String actionLabel, CommandStatus status) {
        return Counter.builder("whmcs_commands_total").description("Commands by action and terminal status")
                .tag("family", config.family()).tag("action", actionLabel)
                .tag("status", status.name()).register(registry);
    }

    public void apiCall(String action, String instance, String outcome, Duration took) {
        Timer.builder("whmcs_api_call_seconds").description("API call latency")
                .tag("family", config.family()).tag("action", labels.action(action)).tag("instance", instance).tag("outcome", outcome)
                .publishPercentileHistogram().register(registry).record(took);
    }

    public void dlq() {
        dlqCounter().increment();
    }

    private Counter dlqCounter() {
        return Counter.builder("whmcs_commands_dlq_total")
                .description("Records sent to the DLQ: not a command, or a command that could not be finished")
                .tag("family", config.family()).register(registry);
    }
}
