/**
 * The transactional outbox: the table {@code outbox_event} and its relay to Kafka.
 *
 * <p>{@link io.whmcsbridge.runtime.outbox.Outbox} holds every statement on {@code outbox_event}: no SQL on that table
 * is written anywhere else. A row is inserted on the connection of the transaction that decided it (a command's
 * outcome in {@code store.Outcomes}, a command accepted over HTTP in {@code store.Acceptances}) and, once that
 * transaction has committed, handed over by {@link io.whmcsbridge.runtime.outbox.OutboxPublisher#handOver}: the one
 * way a written row reaches the publisher. {@link io.whmcsbridge.runtime.outbox.OutboxSender} sends,
 * {@link io.whmcsbridge.runtime.outbox.OutboxSweep} publishes what the hand-over missed and sets aside what Kafka
 * refuses, {@link io.whmcsbridge.runtime.outbox.OutboxRetention} deletes old rows.
 *
 * <p>This package imports nothing of {@code store}, {@code pipeline}, {@code ingress} or {@code ops}: they use it, so
 * an import the other way would make the two packages depend on each other.
 */
package io.whmcsbridge.runtime.outbox;
