package io.whmcsbridge.runtime.store;

import io.whmcsbridge.model.CloudEvent;
import io.whmcsbridge.model.CloudEventCodec;
import io.whmcsbridge.model.CommandStatus;
import io.whmcsbridge.model.EventTypes;
import io.whmcsbridge.runtime.config.BridgeConfig;
import io.whmcsbridge.runtime.pipeline.IncomingCommand;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * The command log and the outbox. Every method is one transaction: the terminal update of a command and its outbox
 * row commit together, and the {@code IN_FLIGHT} mark commits before a non-idempotent call leaves.
 */
@ApplicationScoped
public class CommandStore {

    /** What the log knew of a command when it arrived. */
    public record Seen(CommandStatus status, String storedResult) {
        public boolean isNew() {
            return status == CommandStatus.RECEIVED;
        }
    }

    /** Fired inside the transaction that wrote an outbox row; the relay observes it after commit. */
    public record OutboxWritten(String commandId) {
    }

    @Inject
    BridgeConfig config;
    @Inject
    Event<OutboxWritten> outboxWritten;

    @Transactional
    public Seen receive(IncomingCommand command, String action, String instance, String redactedParams) {
        CommandLog row = CommandLog.findById(command.id());
        if (row != null) {
            if (row.status == CommandStatus.RECEIVED && row.kafkaTopic == null) {
                // accepted over HTTP; now it has arrived through Kafka
                row.kafkaTopic = command.topic();
                row.kafkaPartition = command.partition();
                row.kafkaOffset = command.offset();
                row.action = action;
            }
            return new Seen(row.status, row.result);
        }
        Instant now = Instant.now();
        row = new CommandLog();
        row.commandId = command.id();
        row.type = command.event().type();
        row.action = action;
        row.orderingKey = command.key();
        row.source = command.event().source();
        row.instance = instance;
        row.status = CommandStatus.RECEIVED;
        row.params = redactedParams;
        row.receivedAt = now;
        row.updatedAt = now;
        row.kafkaTopic = command.topic();
        row.kafkaPartition = command.partition();
        row.kafkaOffset = command.offset();
        row.traceId = command.traceId();
        row.persist();
        return new Seen(CommandStatus.RECEIVED, null);
    }

    @Transactional
    public void markInFlight(String commandId) {
        CommandLog row = CommandLog.findById(commandId);
        row.status = CommandStatus.IN_FLIGHT;
        row.updatedAt = Instant.now();
    }

    /** Records the terminal status and queues the result event, in one transaction. */
    @Transactional
    public void complete(IncomingCommand command, CloudEvent result, CommandStatus status, String errorCode,
            int attempts) {
        CommandLog row = CommandLog.findById(command.id());
        String json = new String(CloudEventCodec.writeStructured(result), StandardCharsets.UTF_8);
        Instant now = Instant.now();
        row.status = status;
        row.result = json;
        row.resultEventId = result.id();
        row.errorCode = errorCode;
        row.attempts = attempts;
        row.updatedAt = now;
        row.completedAt = now;
        insertOutbox(command.id(), command.orderingKey(), result.type(), json, command.event().extension("traceparent"));
    }

    /** Publishes a stored result again (a command id seen before), with its original event id. */
    @Transactional
    public void republish(IncomingCommand command) {
        CommandLog row = CommandLog.findById(command.id());
        CloudEvent stored = CloudEventCodec.readStructuredUnchecked(row.result);
        String key = row.orderingKey == null ? command.orderingKey() : row.orderingKey;
        insertOutbox(row.commandId, key, stored.type(), row.result, stored.extension("traceparent"));
    }

    /** What became of a command accepted over HTTP. */
    public enum Acceptance {
        ACCEPTED, ALREADY_ACCEPTED, CONFLICT
    }

    /**
     * Records a command accepted over HTTP and queues it for the commands topic, in one transaction: once this
     * commits the command is not lost even if Kafka is down. The same id again with the same request is accepted
     * again without a second command; with a different request it is a conflict.
     */
    @Transactional
    public Acceptance accept(CloudEvent command, String key, String action, String instance, String redactedParams,
            String requestSha256) {
        CommandLog existing = CommandLog.findById(command.id());
        if (existing != null) {
            return requestSha256.equals(existing.requestSha256) ? Acceptance.ALREADY_ACCEPTED : Acceptance.CONFLICT;
        }
        Instant now = Instant.now();
        CommandLog row = new CommandLog();
        row.commandId = command.id();
        row.type = command.type();
        row.action = action;
        row.orderingKey = key;
        row.source = command.source();
        row.instance = instance;
        row.status = CommandStatus.RECEIVED;
        row.params = redactedParams;
        row.requestSha256 = requestSha256;
        row.receivedAt = now;
        row.updatedAt = now;
        row.traceId = command.extension("traceparent");
        row.persist();
        OutboxEvent e = new OutboxEvent();
        e.id = UUID.randomUUID();
        e.aggregatetype = EventTypes.commandsTopic(config.family());
        e.aggregateid = key;
        e.type = command.type();
        e.payload = new String(CloudEventCodec.writeStructured(command), StandardCharsets.UTF_8);
        e.tracingspancontext = command.extension("traceparent");
        e.commandId = command.id();
        e.createdAt = now;
        e.persist();
        outboxWritten.fire(new OutboxWritten(command.id()));
        return Acceptance.ACCEPTED;
    }

    /** The command as committed now: a new transaction each time, so a polling caller sees fresh state. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public Optional<CommandLog> find(String commandId) {
        return CommandLog.findByIdOptional(commandId);
    }

    private void insertOutbox(String commandId, String key, String type, String payload, String traceparent) {
        OutboxEvent e = new OutboxEvent();
        e.id = UUID.randomUUID();
        e.aggregatetype = EventTypes.resultsTopic(config.family());
        e.aggregateid = key;
        e.type = type;
        e.payload = payload;
        e.tracingspancontext = traceparent;
        e.commandId = commandId;
        e.createdAt = Instant.now();
        e.persist();
        outboxWritten.fire(new OutboxWritten(commandId));
    }
}
