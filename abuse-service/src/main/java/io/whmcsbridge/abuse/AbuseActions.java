package io.whmcsbridge.abuse;

import io.whmcsbridge.model.EventTypes;
import io.whmcsbridge.runtime.catalogue.ActionCatalogue;
import io.whmcsbridge.runtime.catalogue.ActionSpec;
import io.whmcsbridge.runtime.catalogue.Param;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Collection;
import java.util.List;

/** The commands of abuse-service: Abuse Manager Pro has one action, {@code create}. */
@ApplicationScoped
public class AbuseActions implements ActionCatalogue {
    public static final String FAMILY = "abuse";

    /**
     * Files an abuse report. Not idempotent: the API has no idempotency key, so a second call files a second
     * report. {@code suspend_method} is checked against the documented values, not the vendor example's
     * {@code suspend}.
     */
    public static final ActionSpec CREATE = ActionSpec.builder(EventTypes.commandType(FAMILY, "create"), "create")
            .idempotent(false)
            .noReadBack("Abuse Manager Pro has no API to read reports back, so a lost answer stays UNKNOWN")
            .reserved(AbuseManagerGateway.RESERVED)
            .describe("Creates an abuse report for a service")
            .params(
                    Param.id("service_id").required().describe("WHMCS id of the service the report is for"),
                    Param.string("category").required().maxLength(255)
                            .describe("category of abuse, any value, e.g. Spam, High I/O, Hacking Attempts"),
                    Param.string("service_ip").maxLength(255)
                            .describe("defaults to the service's dedicated IP, else (No Dedicated IP)"),
                    Param.oneOf("suspend_method", "nosuspend", "immediate", "timelimit")
                            .describe("defaults to nosuspend"),
                    Param.bool("allow_unsuspend").describe("customer may unsuspend themselves; defaults to false"),
                    Param.string("additional_info").describe("visible to the customer"),
                    Param.string("admin_notes").describe("visible to admins only"))
            .build();

    @Override
    public Collection<ActionSpec> actions() {
        return List.of(CREATE);
    }
}
