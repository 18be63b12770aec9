package io.whmcsbridge.abuse;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.util.Map;

/**
 * How an Alertmanager alert becomes an abuse report ({@code abuse.alertmanager.*}). Each API parameter takes the
 * first non-empty of its sources, in order: {@code label:<name>}, {@code annotation:<name>} or
 * {@code const:<value>}, comma separated. Configured parameters replace the defaults of {@link #DEFAULTS} one by
 * one; {@code none} removes a default.
 */
@ConfigMapping(prefix = "abuse.alertmanager")
public interface AlertMapping {

    Map<String, String> DEFAULTS = Map.of(
            "service_id", "label:service_id",
            "category", "label:abuse_category,annotation:abuse_category,label:alertname",
            "service_ip", "label:service_ip",
            "suspend_method", "label:suspend_method",
            "allow_unsuspend", "label:allow_unsuspend",
            "additional_info", "annotation:description,annotation:summary",
            "admin_notes", "annotation:admin_notes");

    /** Parameter name to its sources, over {@link #DEFAULTS}. */
    Map<String, String> params();

    /** API instance the reports go to; a {@code whmcs_instance} label on the alert overrides it. */
    @WithDefault("default")
    String instance();
}
