package io.whmcsbridge.abuse;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/** A second test profile: Quarkus stops the application of the earlier test classes and starts a new one. */
public class RestartedServiceProfile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("whmcs.processing.event-source", "whmcs-event-bridge/abuse-service-restarted");
    }
}
