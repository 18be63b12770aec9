package io.whmcsbridge.simulator.reseller;

import io.vertx.ext.web.Router;
import io.whmcsbridge.simulator.SimContext;
import io.whmcsbridge.simulator.SimulatedApi;
import io.whmcsbridge.simulator.SimulatorSettings;

/** The reseller API family of the simulator. (Being written by the reseller issue.) */
public final class VoipResellerSim implements SimulatedApi {
    public static final String NAME = "reseller";

    public VoipResellerSim(SimulatorSettings settings) {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void mount(Router router, SimContext context) {
    }

    @Override
    public void reset() {
    }
}
