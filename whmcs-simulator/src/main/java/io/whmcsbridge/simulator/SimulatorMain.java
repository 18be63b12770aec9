package io.whmcsbridge.simulator;

import io.whmcsbridge.simulator.core.SimulatorSettings;

import java.util.concurrent.CountDownLatch;

/**
 * Runs the simulator as a program: {@code java -jar whmcs-simulator.jar [--port 8089] [--host 127.0.0.1]}.
 * Credentials come from {@code SIM_*} environment variables (see the module README).
 */
public final class SimulatorMain {
    public static void main(String[] args) throws InterruptedException {
        int port = 8089;
        String host = "127.0.0.1";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--host" -> host = args[++i];
                default -> {
                    System.err.println("usage: SimulatorMain [--port N] [--host ADDR]");
                    System.exit(2);
                }
            }
        }
        WhmcsSimulator sim = WhmcsSimulator.start(host, port, new SimulatorSettings());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            sim.close();
            stopped.countDown();
        }));
        System.out.println("whmcs-simulator listening on http://" + host + ":" + sim.port());
        System.out.println("READY");
        stopped.await();
    }
}
