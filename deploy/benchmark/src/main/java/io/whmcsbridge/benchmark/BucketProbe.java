package io.whmcsbridge.benchmark;

import io.whmcsbridge.infra.EmbeddedPostgresServer;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a rate limit kept as a token bucket in PostgreSQL would cost per call: one conditional {@code UPDATE} of the
 * instance's one row per call (the alternative to command-runtime's shares, see its README, "Fleet-wide limits").
 * Takes from a bucket that never runs empty, from several connections at once, on the embedded PostgreSQL, and
 * prints the takes per second, their latency and the machine's CPU per take.
 *
 * <pre>./mvnw -q -pl deploy/benchmark exec:java -Dexec.mainClass=io.whmcsbridge.benchmark.BucketProbe -Dexec.args="true 8 20000"</pre>
 * Arguments: durable PostgreSQL ({@code true}/{@code false}), connections, takes.
 */
public final class BucketProbe {
    private BucketProbe() {
    }

    static long[] machineJiffies() throws Exception {
        String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        long busy = 0, total = 0;
        for (int i = 1; i < f.length; i++) {
            long v = Long.parseLong(f[i]);
            total += v;
            if (i != 4 && i != 5) busy += v; // not idle, not iowait
        }
        return new long[] { busy, total };
    }

    public static void main(String[] a) throws Exception {
        boolean durable = Boolean.parseBoolean(a[0]);
        int threads = Integer.parseInt(a[1]);
        int n = Integer.parseInt(a[2]);
        try (EmbeddedPostgresServer pg = new EmbeddedPostgresServer(0, null, durable).start()) {
            pg.createDatabase("bucket");
            String url = pg.jdbcUrl("bucket");
            try (Connection c = DriverManager.getConnection(url, EmbeddedPostgresServer.USER, EmbeddedPostgresServer.PASSWORD)) {
                c.createStatement().execute("CREATE TABLE guard_bucket (instance VARCHAR(100) PRIMARY KEY, "
                        + "tokens DOUBLE PRECISION NOT NULL, refilled_at TIMESTAMPTZ NOT NULL)");
                c.createStatement().execute("INSERT INTO guard_bucket VALUES ('default', 0, clock_timestamp())");
            }
            String sql = "UPDATE guard_bucket SET tokens = LEAST(?, tokens + EXTRACT(EPOCH FROM clock_timestamp() - refilled_at) * ?) - 1, "
                    + "refilled_at = clock_timestamp() WHERE instance = ? "
                    + "AND LEAST(?, tokens + EXTRACT(EPOCH FROM clock_timestamp() - refilled_at) * ?) >= 1 RETURNING tokens";
            double rate = 1e9, burst = 1e9; // never empty: the cost of the round trip alone
            for (int round = 0; round < 2; round++) { // the first is a warm-up
                AtomicInteger next = new AtomicInteger();
                long[] lat = new long[n];
                ExecutorService pool = Executors.newFixedThreadPool(threads);
                long[] m0 = machineJiffies();
                long cpu0 = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
                long t0 = System.nanoTime();
                List<Future<?>> fs = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    fs.add(pool.submit(() -> {
                        try (Connection c = DriverManager.getConnection(url, EmbeddedPostgresServer.USER, EmbeddedPostgresServer.PASSWORD);
                                PreparedStatement ps = c.prepareStatement(sql)) {
                            int i;
                            while ((i = next.getAndIncrement()) < n) {
                                long s = System.nanoTime();
                                ps.setDouble(1, burst); ps.setDouble(2, rate); ps.setString(3, "default");
                                ps.setDouble(4, burst); ps.setDouble(5, rate);
                                try (ResultSet rs = ps.executeQuery()) {
                                    if (!rs.next()) throw new IllegalStateException("no token");
                                }
                                lat[i] = System.nanoTime() - s;
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> f : fs) f.get();
                long wall = System.nanoTime() - t0;
                long cpu1 = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
                long[] m1 = machineJiffies();
                pool.shutdown();
                Arrays.sort(lat);
                double machineCpuMs = (m1[0] - m0[0]) * 10.0; // jiffies of 10 ms, all cores
                double clientCpuMs = (cpu1 - cpu0) / 1e6;
                if (round == 1) {
                    System.out.printf("durable=%s threads=%d calls=%d: %.0f calls/s, latency p50 %.2f ms p99 %.2f ms, "
                            + "CPU per call: machine %.3f ms (client JVM %.3f ms, PostgreSQL + kernel %.3f ms)%n",
                            durable, threads, n, n / (wall / 1e9), lat[n / 2] / 1e6, lat[(int) (n * 0.99)] / 1e6,
                            machineCpuMs / n, clientCpuMs / n, (machineCpuMs - clientCpuMs) / n);
                }
            }
        }
    }
}
