package io.whmcsbridge.infra;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A service run as its own process from its packaged Quarkus application ({@code <module>/target/quarkus-app}), as
 * in production: started, waited for until {@code /q/health/ready} answers 200, stopped with SIGTERM (or killed
 * with SIGKILL, for crash tests), with its CPU time and resident memory read from {@code /proc}.
 */
public final class ServiceProcess implements AutoCloseable {
    private static final long CLOCK_TICKS_PER_SECOND = 100; // USER_HZ on Linux
    private final Process process;
    private final int httpPort;
    private final long readyMillis;

    private ServiceProcess(Process process, int httpPort, long readyMillis) {
        this.process = process;
        this.httpPort = httpPort;
        this.readyMillis = readyMillis;
    }

    public static ServiceProcess start(Path quarkusApp, List<String> jvmOptions, Map<String, String> env, int httpPort, Path log)
            throws Exception {
        Path jar = quarkusApp.resolve("quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: build it first with ./mvnw -q package -DskipTests -pl "
                    + quarkusApp.getParent().getParent().getFileName() + " -am");
        }
        Files.createDirectories(log.getParent());
        List<String> command = new java.util.ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(jvmOptions);
        if (Files.exists(quarkusApp.resolve("app-cds.jsa"))) {
            // The service's AppCDS archive, built with it. The JVM maps it only for the class path it was built with,
            // "quarkus-run.jar" as seen from the application's folder, so the service runs from there.
            command.add("-XX:SharedArchiveFile=app-cds.jsa");
        }
        command.add("-jar");
        command.add("quarkus-run.jar");
        ProcessBuilder pb = new ProcessBuilder(command).directory(quarkusApp.toFile());
        pb.environment().putAll(env);
        pb.environment().put("QUARKUS_HTTP_PORT", Integer.toString(httpPort));
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        long started = System.nanoTime();
        Process p = pb.start();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
        URI ready = URI.create("http://127.0.0.1:" + httpPort + "/q/health/ready");
        long deadline = started + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IllegalStateException("the service exited with " + p.exitValue() + "; see " + log);
            }
            try {
                if (http.send(HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(1)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return new ServiceProcess(p, httpPort, (System.nanoTime() - started) / 1_000_000);
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(25);
        }
        p.destroyForcibly();
        throw new IllegalStateException("the service was not ready within 60 s; see " + log);
    }

    /** Milliseconds from the process start to the first 200 of /q/health/ready. */
    public long readyMillis() {
        return readyMillis;
    }

    public int httpPort() {
        return httpPort;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL: no shutdown hook runs, as in a crash or an OOM kill. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    public long pid() {
        return process.pid();
    }

    /** User plus system CPU seconds of the process so far. */
    public double cpuSeconds() {
        return cpuSeconds(process.pid());
    }

    /** User plus system CPU seconds so far of any process of this machine, e.g. another one a harness started. */
    public static double cpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / (double) CLOCK_TICKS_PER_SECOND;
        } catch (IOException e) {
            return Double.NaN;
        }
    }

    /** A line of /proc/pid/status in MB, e.g. VmRSS or VmHWM (peak). */
    public double memoryMb(String field) {
        return memoryMb(process.pid(), field);
    }

    /** A line of /proc/pid/status in MB of any process of this machine. */
    public static double memoryMb(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
                }
            }
        } catch (IOException ignored) {
            // gone
        }
        return Double.NaN;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy(); // SIGTERM: the service drains and stops
        if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
