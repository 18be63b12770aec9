package io.whmcsbridge.infra;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a killed test JVM leaves behind (a running PostgreSQL, data directories) is cleaned up by the next one. */
class OrphanReaperTest {

    @Test
    void stopsThePostgresOfADeadJvmAndDeletesItsDirectories() throws Exception {
        long deadPid = deadPid();
        Path kafkaDir = DataDirectories.temporary("kafka-");
        Files.writeString(kafkaDir.resolve("owner.pid"), Long.toString(deadPid));

        EmbeddedPostgresServer pg = new EmbeddedPostgresServer().start();
        Path pgDir = pg.dataDir();
        long postmaster = Long.parseLong(Files.readAllLines(pgDir.resolve("data").resolve("postmaster.pid")).get(0).trim());
        Optional<ProcessHandle> server = ProcessHandle.of(postmaster);
        assertTrue(server.isPresent() && server.get().isAlive());
        Files.writeString(pgDir.resolve("owner.pid"), Long.toString(deadPid)); // as if this JVM had been killed

        Path mine = DataDirectories.temporary("kafka-");
        DataDirectories.reapOrphansNow();

        assertFalse(Files.exists(kafkaDir));
        assertFalse(Files.exists(pgDir));
        assertFalse(server.get().isAlive(), "the orphaned postmaster is stopped");
        assertTrue(Files.exists(mine), "a live JVM's directory stays");
        DataDirectories.deleteRecursively(mine);
        try {
            pg.stop(); // already stopped behind its back
        } catch (RuntimeException ignored) {
            // zonky logs that pg_ctl found no server
        }
    }

    private static long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        return p.pid();
    }
}
