package io.whmcsbridge.billing;

import io.whmcsbridge.runtime.catalogue.ActionCatalogue;
import io.whmcsbridge.runtime.catalogue.ActionSpec;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Collection;
import java.util.List;

/** The commands of billing-service. (Being written: the catalogue is filled in by the billing issue.) */
@ApplicationScoped
public class BillingActions implements ActionCatalogue {
    public static final String FAMILY = "billing";

    @Override
    public Collection<ActionSpec> actions() {
        return List.of();
    }
}
