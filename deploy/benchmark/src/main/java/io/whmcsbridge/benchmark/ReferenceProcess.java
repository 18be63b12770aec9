package io.whmcsbridge.benchmark;

import io.whmcsbridge.infra.ServiceProcess;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The {@link ReferencePipeline} run as its own JVM with the service's JVM options and environment, so its CPU time
 * and memory are read from /proc as the service's are. Its class path holds only what it loads: this module's
 * classes, kafka-clients, Jackson, the PostgreSQL driver and slf4j's API (no provider: it logs nothing).
 */
final class ReferenceProcess implements AutoCloseable {
    private final Process process;
    private final long readyMillis;

    private ReferenceProcess(Process process, long readyMillis) {
        this.process = process;
        this.readyMillis = readyMillis;
    }

    static ReferenceProcess start(List<String> jvmOptions, List<String> args, Map<String, String> env, Path log)
            throws Exception {
        Set<String> classPath = new LinkedHashSet<>();
        for (Class<?> c : List.of(ReferencePipeline.class, org.apache.kafka.clients.consumer.KafkaConsumer.class,
                com.fasterxml.jackson.databind.ObjectMapper.class, com.fasterxml.jackson.core.JsonFactory.class,
                com.fasterxml.jackson.annotation.JsonAutoDetect.class, org.postgresql.Driver.class,
                org.slf4j.LoggerFactory.class)) {
            classPath.add(Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
        }
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", String.join(java.io.File.pathSeparator, classPath), ReferencePipeline.class.getName()));
        command.addAll(args);
        Files.createDirectories(log.getParent());
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        long started = System.nanoTime();
        Process p = pb.start();
        long deadline = started + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IllegalStateException("the reference pipeline exited with " + p.exitValue() + "; see " + log);
            }
            if (Files.readString(log).contains("READY")) { // printed once its partitions are assigned
                return new ReferenceProcess(p, (System.nanoTime() - started) / 1_000_000);
            }
            Thread.sleep(25);
        }
        p.destroyForcibly();
        throw new IllegalStateException("the reference pipeline was not ready within 60 s; see " + log);
    }

    long readyMillis() {
        return readyMillis;
    }

    long pid() {
        return process.pid();
    }

    double cpuSeconds() {
        return ServiceProcess.cpuSeconds(process.pid());
    }

    double memoryMb(String field) {
        return ServiceProcess.memoryMb(process.pid(), field);
    }

    /** SIGKILL, as a crash: nothing is drained or committed. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
