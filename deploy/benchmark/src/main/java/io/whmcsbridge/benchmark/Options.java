package io.whmcsbridge.benchmark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/** The benchmark's command line (deploy/benchmark/README.md lists the flags). */
record Options(Path root, int partitions, int cap, double scale, List<String> scenarios, List<String> jvmOptions,
        boolean durable, boolean reference, Path out) {

    static Options parse(String[] args) {
        Path root = Path.of(System.getProperty("maven.multiModuleProjectDirectory", ".")).toAbsolutePath().normalize();
        int partitions = 12;
        int cap = 64;
        double scale = 1.0;
        List<String> scenarios = List.of("latency50", "latency0", "halfrate", "hotkeys", "baseline");
        // The service's production JVM settings for small containers (see docs/PERFORMANCE.md): C1 only, which
        // spends far less CPU compiling on 2 cores; a small heap, code cache and thread stacks.
        List<String> jvm = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx128m", "-Xss512k",
                "-XX:ReservedCodeCacheSize=64m", "-XX:MaxMetaspaceSize=160m");
        Path out = null;
        boolean durable = true;
        boolean reference = true;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--root" -> root = Path.of(args[++i]).toAbsolutePath().normalize();
                case "--partitions" -> partitions = Integer.parseInt(args[++i]);
                case "--cap" -> cap = Integer.parseInt(args[++i]);
                case "--scale" -> scale = Double.parseDouble(args[++i]);
                case "--scenarios" -> scenarios = List.of(args[++i].split(","));
                case "--service-jvm" -> jvm = List.of(args[++i].trim().split("\\s+"));
                case "--out" -> out = Path.of(args[++i]);
                case "--pg-durability" -> durable = onOff(args[++i], "--pg-durability");
                case "--reference" -> reference = onOff(args[++i], "--reference");
                default -> {
                    System.err.println("usage: Benchmark [--scale 1.0] [--partitions 12] [--cap 64] "
                            + "[--scenarios latency50,latency0,halfrate,hotkeys,baseline] [--service-jvm \"-Xmx192m\"] "
                            + "[--pg-durability on|off] [--reference on|off] [--out file.json] [--root repo]");
                    System.exit(2);
                }
            }
        }
        if (!Files.exists(root.resolve("abuse-service"))) {
            root = root.getParent() != null && Files.exists(root.getParent().getParent().resolve("abuse-service"))
                    ? root.getParent().getParent() : root;
        }
        if (out == null) {
            out = root.resolve("target/benchmark/benchmark-" + Instant.now().toString().replace(':', '-') + ".json");
        }
        return new Options(root, partitions, cap, scale, scenarios, jvm, durable, reference, out);
    }

    private static boolean onOff(String value, String flag) {
        return switch (value) {
            case "on" -> true;
            case "off" -> false;
            default -> throw new IllegalArgumentException(flag + " takes on or off");
        };
    }
}
