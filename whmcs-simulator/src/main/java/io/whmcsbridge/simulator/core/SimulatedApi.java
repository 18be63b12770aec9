package io.whmcsbridge.simulator.core;

import io.vertx.ext.web.Router;

/** One API family of the simulator: mounts its routes and keeps its own state. */
public interface SimulatedApi {

    /** Short name used for fault injection and in call records: {@code abuse}, {@code projects}, ... */
    String name();

    /** Registers the API's routes; each route goes through {@link SimContext#handle}. */
    void mount(Router router, SimContext context);

    /** Forgets all state (back to the seed data). */
    void reset();
}
