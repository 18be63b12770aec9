package io.whmcsbridge.simulator.core;

import java.util.Map;

/** A state change the simulator made because of a request (a report filed, a payment applied, ...). */
public record SideEffect(long seq, String api, String kind, String id, Map<String, String> params, long atNanos) {
}
