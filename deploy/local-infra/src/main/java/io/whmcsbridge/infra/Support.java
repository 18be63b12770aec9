package io.whmcsbridge.infra;


import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/** Helpers shared by the classes of this package. */
final class Support {
    /** Server-side categories quietened to WARN: the broker, the controller, the Raft log, zonky's pg output. */
    static final List<String> QUIET_CATEGORIES = List.of("kafka", "state.change.logger",
            "org.apache.kafka.server", "org.apache.kafka.controller", "org.apache.kafka.raft",
            "org.apache.kafka.metadata", "org.apache.kafka.image", "org.apache.kafka.storage",
            "org.apache.kafka.coordinator", "org.apache.kafka.queue", "org.apache.kafka.snapshot",
            "org.apache.kafka.network", "org.apache.kafka.security", "org.apache.kafka.common.network",
            "org.apache.kafka.common.security", "org.apache.kafka.common.utils.AppInfoParser",
            "org.apache.kafka.clients.admin", "org.apache.kafka.common.metrics",
            "io.zonky.test.db.postgres");
    private static final List<Object> QUIETENED = new ArrayList<>(); // strong references: JUL holds loggers weakly

    private Support() {
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }

    /**
     * Runs {@code action} with this library's class loader as the thread's context class loader: Kafka resolves its
     * class-typed settings through it, and the threads the broker starts inherit it. Without this, a broker started
     * from a Quarkus test would load half of its classes from the application's (later closed) class loader.
     */
    static <T> T withOwnClassLoader(Supplier<T> action) {
        Thread t = Thread.currentThread();
        ClassLoader previous = t.getContextClassLoader();
        t.setContextClassLoader(Support.class.getClassLoader());
        try {
            return action.get();
        } finally {
            t.setContextClassLoader(previous);
        }
    }

    /** Where temporary data directories go: {@code $TMPDIR/whmcs-local-infra/<prefix><uuid>}, marked with their JVM. */
    static Path temporaryDirectory(String prefix) {
        reapOrphans();
        try {
            Path dir = Files.createDirectories(TEMP_ROOT.resolve(prefix + java.util.UUID.randomUUID()));
            Files.writeString(dir.resolve(OWNER_FILE), Long.toString(ProcessHandle.current().pid()));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final Path TEMP_ROOT = Path.of(System.getProperty("java.io.tmpdir"), "whmcs-local-infra");
    private static final String OWNER_FILE = "owner.pid";
    private static boolean reaped;

    /**
     * Deletes the temporary directories of JVMs that died without cleaning up (killed test forks), after stopping the
     * PostgreSQL server such a JVM left running. Once per JVM.
     */
    static synchronized void reapOrphans() {
        if (!reaped) {
            reaped = true;
            reapOrphansNow();
        }
    }

    static void reapOrphansNow() {
        if (!Files.isDirectory(TEMP_ROOT)) {
            return;
        }
        try (Stream<Path> dirs = Files.list(TEMP_ROOT)) {
            for (Path dir : (Iterable<Path>) dirs::iterator) {
                try {
                    Path owner = dir.resolve(OWNER_FILE);
                    if (!Files.exists(owner)) {
                        continue; // being created, or not ours
                    }
                    long pid = Long.parseLong(Files.readString(owner).trim());
                    if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                        continue;
                    }
                    Path postmasterPid = dir.resolve("data").resolve("postmaster.pid");
                    if (Files.exists(postmasterPid)) {
                        long pgPid = Long.parseLong(Files.readAllLines(postmasterPid).get(0).trim());
                        ProcessHandle.of(pgPid)
                                .filter(ph -> ph.info().command().map(c -> c.endsWith("postgres")).orElse(false))
                                .ifPresent(ph -> {
                                    ph.destroy(); // SIGTERM: nobody is connected any more
                                    try {
                                        ph.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
                                    } catch (Exception e) {
                                        ph.destroyForcibly();
                                    }
                                });
                    }
                    deleteRecursively(dir);
                } catch (IOException | RuntimeException e) {
                    // someone else's problem, or a race with another reaper: leave it
                }
            }
        } catch (IOException e) {
            // best effort
        }
    }

    static void deleteRecursively(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // best effort: a temporary directory
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // best effort
        }
    }

    /**
     * Calls a public method of an object whose class comes from another class loader (the JVM-wide infrastructure,
     * see {@link SharedInfrastructure}); parameters and results are JDK types only.
     */
    static Object call(Object target, String method, Class<?>[] types, Object... args) {
        try {
            Method m = target.getClass().getMethod(method, types);
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(cause);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot call " + method + " on " + target.getClass().getName(), e);
        }
    }

    static Object call(Object target, String method) {
        return call(target, method, new Class<?>[0]);
    }

    /**
     * Sets the server-side log categories to WARN (or {@code -Dwhmcs.infra.log.level}), on jboss-logmanager (the slf4j
     * backend of Quarkus) and on java.util.logging; the application's own configuration, applied later, wins.
     */
    static synchronized void quietServerLogs() {
        if (!QUIETENED.isEmpty()) {
            return;
        }
        Level level = level(System.getProperty("whmcs.infra.log.level", "WARN"));
        Object logContext = null;
        try {
            Class<?> lc = Class.forName("org.jboss.logmanager.LogContext", true, Support.class.getClassLoader());
            logContext = lc.getMethod("getLogContext").invoke(null);
        } catch (ReflectiveOperationException | LinkageError e) {
            // no jboss-logmanager: java.util.logging only
        }
        for (String category : QUIET_CATEGORIES) {
            Logger jul = Logger.getLogger(category);
            jul.setLevel(level);
            QUIETENED.add(jul);
            if (logContext != null) {
                try {
                    Logger jboss = (Logger) logContext.getClass().getMethod("getLogger", String.class).invoke(logContext, category);
                    jboss.setLevel(level);
                    QUIETENED.add(jboss);
                } catch (ReflectiveOperationException | ClassCastException e) {
                    // keep going: logging is cosmetic
                }
            }
        }
    }

    static Level level(String name) {
        return switch (name.trim().toUpperCase()) {
            case "WARN", "WARNING" -> Level.WARNING;
            case "ERROR", "SEVERE" -> Level.SEVERE;
            case "INFO" -> Level.INFO;
            case "DEBUG", "FINE" -> Level.FINE;
            case "TRACE", "FINEST" -> Level.FINEST;
            case "OFF" -> Level.OFF;
            case "ALL" -> Level.ALL;
            default -> Level.WARNING;
        };
    }
}
