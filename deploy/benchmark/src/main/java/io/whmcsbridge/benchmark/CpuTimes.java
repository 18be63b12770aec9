package io.whmcsbridge.benchmark;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.whmcsbridge.infra.ServiceProcess;
import io.whmcsbridge.model.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU seconds of the whole machine (busy time, from /proc/stat) and of this JVM (the harness: the Kafka broker, the
 * simulator and the load generator run in it), so a run's CPU can be split between the service, this JVM and the
 * rest (PostgreSQL, the kernel's own work). On 2 cores everything shares, the split says what a command costs in all.
 */
record CpuTimes(double machineBusy, double harness) {
    private static final double TICKS = 100.0; // USER_HZ

    static CpuTimes read() {
        try {
            String[] cpu = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            // user nice system idle iowait irq softirq steal: busy = all but idle, iowait and steal
            double busy = (Long.parseLong(cpu[1]) + Long.parseLong(cpu[2]) + Long.parseLong(cpu[3])
                    + Long.parseLong(cpu[6]) + Long.parseLong(cpu[7])) / TICKS;
            return new CpuTimes(busy, ServiceProcess.cpuSeconds(ProcessHandle.current().pid()));
        } catch (IOException | RuntimeException e) {
            return new CpuTimes(Double.NaN, Double.NaN);
        }
    }

    CpuTimes minus(CpuTimes earlier) {
        return new CpuTimes(machineBusy - earlier.machineBusy, harness - earlier.harness);
    }

    /** Milliseconds per command: service, harness JVM, the rest, the machine; and the machine's CPU ceiling. */
    ObjectNode perCommand(double serviceSeconds, int commands) {
        int n = Math.max(1, commands);
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("service", Benchmark.round(serviceSeconds * 1000 / n, 3));
        o.put("brokerSimulatorAndLoad", Benchmark.round(harness * 1000 / n, 3));
        o.put("postgresAndOther", Benchmark.round((machineBusy - harness - serviceSeconds) * 1000 / n, 3));
        o.put("machine", Benchmark.round(machineBusy * 1000 / n, 3));
        // commands a second the machine's cores could carry at this cost, were nothing else waiting
        o.put("machineCeilingPerSec", Benchmark.round(
                Runtime.getRuntime().availableProcessors() * 1000.0 / (machineBusy * 1000 / n), 0));
        return o;
    }
}
