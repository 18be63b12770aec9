package io.whmcsbridge.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The temporary data directories of servers started without one: {@code $TMPDIR/whmcs-local-infra/<prefix><uuid>},
 * each marked with the pid of its JVM, so that the next JVM can delete those of JVMs that were killed.
 */
final class DataDirectories {
    private static final Path TEMP_ROOT = Path.of(System.getProperty("java.io.tmpdir"), "whmcs-local-infra");
    private static final String OWNER_FILE = "owner.pid";
    private static boolean reaped;

    private DataDirectories() {
    }

    /** A new temporary directory, marked with this JVM; reaps the orphans first (once per JVM). */
    static Path temporary(String prefix) {
        reapOrphans();
        try {
            Path dir = Files.createDirectories(TEMP_ROOT.resolve(prefix + UUID.randomUUID()));
            Files.writeString(dir.resolve(OWNER_FILE), Long.toString(ProcessHandle.current().pid()));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

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
                    reapIfOrphaned(dir);
                } catch (IOException | RuntimeException e) {
                    // someone else's problem, or a race with another reaper: leave it
                }
            }
        } catch (IOException e) {
            // best effort
        }
    }

    private static void reapIfOrphaned(Path dir) throws IOException {
        Path owner = dir.resolve(OWNER_FILE);
        if (!Files.exists(owner)) {
            return; // being created, or not ours
        }
        long pid = Long.parseLong(Files.readString(owner).trim());
        if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            return;
        }
        Path postmasterPid = dir.resolve("data").resolve("postmaster.pid");
        if (Files.exists(postmasterPid)) {
            stopPostgres(Long.parseLong(Files.readAllLines(postmasterPid).get(0).trim()));
        }
        deleteRecursively(dir);
    }

    private static void stopPostgres(long pgPid) {
        ProcessHandle.of(pgPid)
                .filter(ph -> ph.info().command().map(c -> c.endsWith("postgres")).orElse(false))
                .ifPresent(ph -> {
                    ph.destroy(); // SIGTERM: nobody is connected any more
                    try {
                        ph.onExit().get(10, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        ph.destroyForcibly();
                    }
                });
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
}
