package io.whmcsbridge.reseller;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.whmcsbridge.runtime.api.ApiGateway;
import io.whmcsbridge.runtime.api.ApiInstance;
import io.whmcsbridge.runtime.api.ApiOutcome;
import io.whmcsbridge.runtime.catalogue.ActionSpec;
import jakarta.enterprise.context.ApplicationScoped;

/** Talks to the reseller API. (Being written by the reseller issue.) */
@ApplicationScoped
public class ResellerGateway implements ApiGateway {
    @Override
    public ApiOutcome call(ApiInstance instance, ActionSpec action, ObjectNode params) {
        throw new UnsupportedOperationException("not written yet");
    }
}
