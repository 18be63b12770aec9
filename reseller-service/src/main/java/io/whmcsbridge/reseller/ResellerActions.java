package io.whmcsbridge.reseller;

import io.whmcsbridge.runtime.catalogue.ActionCatalogue;
import io.whmcsbridge.runtime.catalogue.ActionSpec;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Collection;
import java.util.List;

/** The commands of reseller-service. (Being written: the catalogue is filled in by the reseller issue.) */
@ApplicationScoped
public class ResellerActions implements ActionCatalogue {
    public static final String FAMILY = "reseller";

    @Override
    public Collection<ActionSpec> actions() {
        return List.of();
    }
}
