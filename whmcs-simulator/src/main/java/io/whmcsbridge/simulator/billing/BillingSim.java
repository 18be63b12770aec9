package io.whmcsbridge.simulator.billing;

import io.vertx.ext.web.Router;
import io.whmcsbridge.simulator.SimContext;
import io.whmcsbridge.simulator.SimulatedApi;
import io.whmcsbridge.simulator.SimulatorSettings;

/** The billing API family of the simulator. (Being written by the billing issue.) */
public final class BillingSim implements SimulatedApi {
    public static final String NAME = "billing";

    public BillingSim(SimulatorSettings settings) {
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
