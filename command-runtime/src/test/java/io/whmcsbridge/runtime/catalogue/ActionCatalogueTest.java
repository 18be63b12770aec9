package io.whmcsbridge.runtime.catalogue;

import org.junit.jupiter.api.Test;

import java.util.Collection;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ActionCatalogueTest {

    /** billing-service accepts its own actions and the WHMCS core ones: an unknown type's message names both. */
    @Test
    void acceptedTypesNamesEveryPrefixWithItsCount() {
        ActionCatalogue catalogue = new ActionCatalogue() {
            @Override
            public Collection<ActionSpec> actions() {
                return List.of(ActionSpec.builder("whmcs.billing.mass_pay", "mass_pay").build(),
                        ActionSpec.builder("whmcs.billing.apply_credit", "apply_credit").build(),
                        ActionSpec.builder("whmcs.core.GetInvoices", "GetInvoices").build());
            }
        };
        assertEquals("whmcs.billing.<action> (2 types) or whmcs.core.<action> (1 type); the full list is in /asyncapi "
                + "and the service's README", catalogue.acceptedTypes());
    }
}
