package io.whmcsbridge.simulator.projects;

import io.vertx.ext.web.Router;
import io.whmcsbridge.simulator.SimContext;
import io.whmcsbridge.simulator.SimulatedApi;
import io.whmcsbridge.simulator.SimulatorSettings;

/** The projects API family of the simulator. (Being written by the projects issue.) */
public final class WbTeamProSim implements SimulatedApi {
    public static final String NAME = "projects";

    public WbTeamProSim(SimulatorSettings settings) {
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
