package io.whmcsbridge.abuse;

import java.util.List;
import java.util.Map;

/** The body of a Prometheus Alertmanager webhook (version 4), as Alertmanager sends it. */
public record AlertmanagerNotification(String version, String groupKey, Integer truncatedAlerts, String status,
        String receiver, Map<String, String> groupLabels, Map<String, String> commonLabels,
        Map<String, String> commonAnnotations, String externalURL, List<Alert> alerts) {

    /** One alert of a notification; {@code status} is {@code firing} or {@code resolved}. */
    public record Alert(String status, Map<String, String> labels, Map<String, String> annotations, String startsAt,
            String endsAt, String generatorURL, String fingerprint) {
    }
}
