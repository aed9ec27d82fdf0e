package dev.herald.it.interop;

import dev.herald.api.GlobalConfig;
import dev.herald.api.PeerConfig;
import dev.herald.api.Route;
import dev.herald.api.RouteType;
import dev.herald.api.SessionState;
import dev.herald.backend.gobgp.GobgpBgpServer;
import dev.herald.backend.gobgp.GobgpBgpServerFactory;
import dev.herald.it.peers.BirdDaemon;
import dev.herald.it.peers.Daemons;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The native speaker's table benchmark through the goBGP backend: 100,000 IPv4 /32 and 10,000 IPv6 /128 advertised
 * in one call to a Herald-supervised gobgpd with one IPv4 and one IPv6 session to a fresh BIRD 2; timed until BIRD
 * holds all 110,000, and the same for withdrawing them; gobgpd's peak RSS. Not a JUnit test: run it as
 * {@code java ... dev.herald.it.interop.GobgpBackendTableBenchmark [RUNS]} with the integration tests' class path
 * (as benchmarks/bgp-table.sh does for BgpTableBenchmark).
 */
public final class GobgpBackendTableBenchmark {
    static final int V4 = 100_000;
    static final int V6 = 10_000;
    private static final Pattern TOTAL = Pattern.compile("Total: (\\d+) of");

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        Path work = Files.createTempDirectory("herald-gobgp-bench");
        List<Route> all = new ArrayList<>(V4 + V6);
        for (int i = 0; i < V4; i++) {
            int a = 0x0A80_0000 + i; // 10.128.0.0 upwards
            all.add(Route.of((a >>> 24) + "." + ((a >>> 16) & 255) + "." + ((a >>> 8) & 255) + "." + (a & 255),
                    RouteType.SERVICE_CLUSTER_IP, null));
        }
        for (int i = 0; i < V6; i++) {
            all.add(Route.of(String.format("fd00:96::%x:%x", i >> 16, i & 0xFFFF), RouteType.SERVICE_CLUSTER_IP,
                    null));
        }
        run(work.resolve("warmup"), all); // the JIT warms up on grpc and protobuf first
        double[][] results = new double[runs][];
        for (int i = 0; i < runs; i++) {
            results[i] = run(work.resolve("run-" + i), all);
            System.out.printf(Locale.ROOT, "run %d: advertise call %.2f s, in BIRD %.2f s | withdraw call %.2f s, "
                            + "gone from BIRD %.2f s | gobgpd peak RSS %.0f MB%n", i + 1, results[i][0],
                    results[i][1], results[i][2], results[i][3], results[i][4]);
        }
        System.out.printf(Locale.ROOT, "median of %d for %d routes: advertise call %.2f s, in BIRD %.2f s, withdraw "
                        + "call %.2f s, gone %.2f s, gobgpd peak RSS %.0f MB%n", runs, V4 + V6, median(results, 0),
                median(results, 1), median(results, 2), median(results, 3), median(results, 4));
    }

    /** {advertise call s, until BIRD holds all s, withdraw call s, until BIRD holds none s, gobgpd peak RSS MB}. */
    public static double[] run(Path dir, List<Route> all) throws Exception {
        int heraldPort = Daemons.freePort();
        int birdPort = Daemons.freePort();
        try (BirdDaemon bird = BirdDaemon.start(dir, "127.0.0.2", "::1", birdPort, 65000, "10.255.0.2", List.of(
                BirdDaemon.Neighbor.of("127.0.0.1", heraldPort, 65001),
                BirdDaemon.Neighbor.of("::1", heraldPort, 65001)), false)) {
            GobgpBgpServer server = (GobgpBgpServer) new GobgpBgpServerFactory()
                    .create(GlobalConfig.of(65001, "10.255.0.1").withListenPort(heraldPort));
            try {
                server.start();
                server.addPeer(PeerConfig.of("127.0.0.2", 65000).withPort(birdPort));
                server.addPeer(PeerConfig.of("::1", 65000).withPort(birdPort));
                waitUntil(() -> server.peers().stream().allMatch(s -> s.state() == SessionState.ESTABLISHED), 60);
                long t0 = System.nanoTime();
                server.advertise(all);
                double call = seconds(t0);
                waitUntil(() -> count(bird) >= V4 + V6, 600);
                double arrived = seconds(t0);
                long rss = peakRss(server.daemonPid().getAsLong());
                long t1 = System.nanoTime();
                server.withdraw(all);
                double withdrawCall = seconds(t1);
                waitUntil(() -> count(bird) == 0, 600);
                return new double[] {call, arrived, withdrawCall, seconds(t1), rss / 1e6};
            } finally {
                server.stop();
            }
        }
    }

    /** BIRD's route count from the Total line of {@code show route count}. */
    static long count(BirdDaemon bird) throws Exception {
        Matcher m = TOTAL.matcher(bird.birdc("show route count"));
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    static long peakRss(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        return -1;
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    private static double median(double[][] results, int column) {
        double[] v = Arrays.stream(results).mapToDouble(r -> r[column]).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    interface Check {
        boolean ok() throws Exception;
    }

    static void waitUntil(Check c, int seconds) throws Exception {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (!c.ok()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not reached within " + seconds + " s");
            }
            Thread.sleep(10);
        }
    }
}
