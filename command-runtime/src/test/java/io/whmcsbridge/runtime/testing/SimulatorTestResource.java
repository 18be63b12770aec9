package io.whmcsbridge.runtime.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.whmcsbridge.simulator.WhmcsSimulator;
import io.whmcsbridge.simulator.core.SimulatorSettings;

import java.util.Map;

/**
 * Starts one in-process whmcs-simulator per test JVM and points the service's {@code default} API instance at it.
 * Other instances in a service's %test profile refer to {@code ${whmcs.instances.default.base-url}}.
 */
public class SimulatorTestResource implements QuarkusTestResourceLifecycleManager {
    private static WhmcsSimulator simulator;

    public static synchronized WhmcsSimulator simulator() {
        if (simulator == null) {
            simulator = WhmcsSimulator.start(0, new SimulatorSettings());
            Runtime.getRuntime().addShutdownHook(new Thread(simulator::close));
        }
        return simulator;
    }

    @Override
    public Map<String, String> start() {
        return Map.of("whmcs.instances.default.base-url", simulator().baseUrl());
    }

    @Override
    public void stop() {
        // one simulator per JVM; it outlives Quarkus restarts between test classes
    }
}
