package io.whmcsbridge.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * {@code data.reconciliation} of a result event: present only when the write's answer was lost and the bridge read
 * its effect back instead of ending at {@code UNKNOWN}.
 *
 * @param state  {@link #APPLIED} (the read found the write's effect: {@code status} SUCCEEDED, {@code found} the
 *               record), {@link #SENT_AGAIN} (the read found no effect after the settle time: the write was sent once
 *               more under the same command id, and {@code status} is that call's outcome) or {@link #UNDECIDED}
 *               ({@code status} UNKNOWN: {@code reason} says why no answer could be read back)
 * @param how    the read-back, e.g. {@code GetTransactions transid=<marker>}
 * @param marker the value that identifies this command's effect at the API (a transaction id)
 * @param found  what the read found (the transaction record), or null
 * @param reason why the state is what it is, in words
 * @param reads  read-backs made
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record Reconciliation(String state, String how, String marker, JsonNode found, String reason, int reads) {
    public static final String APPLIED = "APPLIED";
    public static final String SENT_AGAIN = "SENT_AGAIN";
    public static final String UNDECIDED = "UNDECIDED";
}
