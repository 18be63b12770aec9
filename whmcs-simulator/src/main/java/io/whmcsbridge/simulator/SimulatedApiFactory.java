package io.whmcsbridge.simulator;

/** Registers a simulated API family (META-INF/services/io.whmcsbridge.simulator.SimulatedApiFactory). */
public interface SimulatedApiFactory {
    SimulatedApi create(SimulatorSettings settings);
}
