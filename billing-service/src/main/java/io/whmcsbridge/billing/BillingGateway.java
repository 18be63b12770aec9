package io.whmcsbridge.billing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.whmcsbridge.runtime.api.ApiGateway;
import io.whmcsbridge.runtime.api.ApiInstance;
import io.whmcsbridge.runtime.api.ApiOutcome;
import io.whmcsbridge.runtime.api.PhpForm;
import io.whmcsbridge.runtime.catalogue.ActionSpec;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.MultivaluedMap;

import java.util.Set;

/**
 * billing-service's gateway: it serves two APIs, so it only routes. {@code whmcs.billing.*} goes to the hosting
 * billing API ({@link HostingBillingGateway}), {@code whmcs.core.*} to the WHMCS core API ({@link WhmcsCoreGateway});
 * each reads its own API's answers.
 */
@ApplicationScoped
public class BillingGateway implements ApiGateway {

    @Inject
    HostingBillingGateway billingApi;
    @Inject
    WhmcsCoreGateway coreApi;

    @Override
    public ApiOutcome call(ApiInstance instance, ActionSpec action, ObjectNode params) {
        // both APIs are PHP form POSTs naming the action
        MultivaluedMap<String, String> form = PhpForm.withAction(params, action.action());
        return action.type().startsWith(BillingActions.CORE_PREFIX) ? coreApi.call(instance, action, params, form)
                : billingApi.call(instance, form);
    }

    @Override
    public Set<String> secretNames() {
        // The billing API's and the core API's (identifier, secret) together: one redactor serves the service.
        // Not "code": masking every "code" field would hide currency and promotion codes in core API answers and the
        // billing API's error codes. reset_password's one-time 2FA code is masked by that action alone
        // (BillingActions: secretParams("code")).
        return Set.of("token", "secret", "identifier", "password1", "password2", "pass", "reset_token", "co_secret");
    }
}
