package io.whmcsbridge.runtime.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.whmcsbridge.runtime.catalogue.ActionSpec;

import java.util.Set;

/**
 * How one service talks to its API. Each service module provides exactly one bean of this type, built on its
 * REST client interface. The pipeline calls it once per attempt with validated parameters; transport exceptions
 * propagate, and the pipeline classifies them (never sent / may have left).
 */
public interface ApiGateway {

    ApiOutcome call(ApiInstance instance, ActionSpec action, ObjectNode params) throws Exception;

    /** Parameter and response field names that hold secrets in this API, besides the common ones. */
    default Set<String> secretNames() {
        return Set.of();
    }
}
