/**
 * The command log ({@code command_log}) and the pipeline's shared commits ({@link io.whmcsbridge.runtime.store.GroupCommit}).
 *
 * <p>Each table is written one way: {@code command_log} only by plain JDBC in this package, one class per concern,
 * so that no concern's statements are spread over two classes: its inserts in {@code CommandRows} (a command met in
 * the pipeline, a command accepted over HTTP); the {@code IN_FLIGHT} mark in {@link io.whmcsbridge.runtime.store.Claims};
 * the terminal status in {@link io.whmcsbridge.runtime.store.Outcomes}; the lease renewal in
 * {@link io.whmcsbridge.runtime.store.Leases}; the read-backs' state in
 * {@link io.whmcsbridge.runtime.store.Reconciliations}. The Panache entity {@link io.whmcsbridge.runtime.store.CommandLog}
 * is for reads only ({@link io.whmcsbridge.runtime.store.CommandStore#find}), as is
 * {@link io.whmcsbridge.runtime.store.OutboxEvent}: {@code outbox_event} is written by {@code outbox.Outbox} alone.
 */
package io.whmcsbridge.runtime.store;
