package dev.herald.bench;

import dev.herald.bench.soak.Soak;
import java.time.Duration;

/**
 * The soak under faults (issue 17; docs/robustness.md, "Soak under faults"): one agent, the distribution's {@code
 * bin/herald} with the container's JVM options, advertising 10,001 routes to BIRD and to FRR (in a network
 * namespace) while their sessions are reset, the API server is cut off, Services churn and the backend is swapped;
 * after every fault both routers must hold exactly the desired table within 10 s, and at the end heap, RSS, threads,
 * file descriptors and pending event-loop tasks may not exceed their reading after the first minute by more than
 * 10 %. Stops by itself, prints every fault and the figures, and exits 1 when a check failed (2 when it could not
 * run).
 *
 * <pre>benchmarks/soak.sh [MINUTES]</pre>
 *
 * <p>Needs root (the network namespace, {@code ss -K}), bird2, frr and gobgpd, and a built distribution: the system
 * property {@code herald.distribution}, or else the folder {@code distribution/target/herald-*} under the working
 * directory.
 */
public final class SoakBenchmark {
    /** Held here: the logging framework keeps loggers weakly, and a collected one forgets its level. */
    private static final java.util.logging.Logger MOCK_SERVER = java.util.logging.Logger.getLogger(
            "io.fabric8.mockwebserver");

    private SoakBenchmark() {
    }

    public static void main(String[] args) throws java.io.IOException {
        double minutes = args.length > 0 ? Double.parseDouble(args[0]) : 10;
        MOCK_SERVER.setLevel(java.util.logging.Level.WARNING); // a line per API request otherwise
        if (System.getProperty("herald.distribution") == null) {
            // run from the checkout's root, as the benchmark scripts do: the folder the build made
            try (var found = java.nio.file.Files.newDirectoryStream(java.nio.file.Path.of("distribution/target"),
                    p -> p.getFileName().toString().startsWith("herald-") && java.nio.file.Files.isDirectory(p))) {
                found.forEach(p -> System.setProperty("herald.distribution", p.toAbsolutePath().toString()));
            }
        }
        int code;
        try {
            code = new Soak(Duration.ofMillis((long) (minutes * 60_000)), System.out).run() ? 0 : 1;
        } catch (Throwable t) {
            t.printStackTrace();
            code = 2;
        }
        System.exit(code);
    }
}
