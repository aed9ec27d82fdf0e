package dev.herald.bench;

import dev.herald.api.GlobalConfig;
import dev.herald.api.PeerConfig;
import dev.herald.api.PeerKey;
import dev.herald.api.Route;
import dev.herald.api.RouteType;
import dev.herald.api.SessionState;
import dev.herald.backend.nativebgp.NativeBgpServer;
import dev.herald.backend.nativebgp.NativeBgpServerFactory;
import dev.herald.it.peers.BirdDaemon;
import dev.herald.it.peers.Daemons;
import dev.herald.it.interop.GobgpBackendTableBenchmark;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The table benchmark of the native speaker (run by {@code benchmarks/bgp-table.sh}, not by the test suite):
 * 100,000 IPv4 /32 and 10,000 IPv6 /128 pushed to a real BIRD 2, against BIRD sending the same IPv4 table to the
 * same kind of receiver. Prints one line per run and a summary.
 */
public final class BgpTableBenchmark {
    static final int V4 = 100_000;
    static final int V6 = 10_000;

    record Run(double heraldSeconds, double heraldReceiverCpu, long updates4, long updates6, double heapPerRoute,
               double heapPerExtraPeer, double birdSeconds, double birdReceiverCpu, double gobgpSeconds,
               double gobgpInjectSeconds, double gobgpPeakRssMb) {
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        Path work = Files.createTempDirectory("herald-bench");
        List<Route> v4 = v4Table();
        List<Route> v6 = v6Table();
        List<String> v4Text = v4.stream().map(r -> r.prefix().toCanonicalString()).toList();
        List<Route> all = new ArrayList<>(v4);
        all.addAll(v6);
        // one unmeasured run first, so the JIT has compiled the speaker's hot paths
        herald(work.resolve("warmup"), v4, v6);
        List<Run> results = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            double[] herald = herald(work.resolve("herald-" + i), v4, v6);
            double[] bird = birdToBird(work.resolve("bird-" + i), v4Text);
            double[] gobgp;
            try {
                // gobgpd fed the same table through its gRPC API by Herald's goBGP backend
                double[] g = GobgpBackendTableBenchmark.run(work.resolve("gobgp-" + i), all);
                gobgp = new double[] {g[1], g[0], g[4]};
            } catch (IllegalStateException e) {
                // a reference that did not finish is reported as such; Herald's figures stand on their own
                System.out.println("run " + (i + 1) + ": gobgpd reference did not complete: " + e.getMessage());
                gobgp = new double[] {Double.NaN, Double.NaN, Double.NaN};
            }
            Run r = new Run(herald[0], herald[1], (long) herald[2], (long) herald[3], herald[4], herald[5], bird[0],
                    bird[1], gobgp[0], gobgp[1], gobgp[2]);
            results.add(r);
            System.out.printf(Locale.ROOT, "run %d: herald %.3f s (receiver CPU %.2f s, UPDATEs v4 %d v6 %d, "
                            + "heap %.0f B/route, %.0f B/route for one more peer) | bird->bird %.3f s "
                            + "(receiver CPU %.2f s) | gobgpd %.2f s (advertise call %.2f s, peak RSS %.0f MB)%n", i + 1,
                    r.heraldSeconds(), r.heraldReceiverCpu(), r.updates4(), r.updates6(), r.heapPerRoute(),
                    r.heapPerExtraPeer(), r.birdSeconds(), r.birdReceiverCpu(), r.gobgpSeconds(),
                    r.gobgpInjectSeconds(), r.gobgpPeakRssMb());
        }
        double h = median(results.stream().mapToDouble(Run::heraldSeconds).toArray());
        double b = median(results.stream().mapToDouble(Run::birdSeconds).toArray());
        long min4 = minimumUpdates(V4, 5, 4096 - 23 - (4 + 9 + 7));
        long min6 = minimumUpdates(V6, 17, 4096 - 23 - (4 + 9) - (4 + 5 + 16));
        double g = median(results.stream().mapToDouble(Run::gobgpSeconds).filter(x -> !Double.isNaN(x)).toArray());
        System.out.printf(Locale.ROOT, "median of %d: herald %.3f s for %d routes, bird->bird %.3f s for %d routes "
                        + "(ratio %.2f), gobgpd %.2f s for %d routes (peak RSS %.0f MB)%n", runs, h, V4 + V6, b,
                V4, h / b, g, V4 + V6, median(results.stream().mapToDouble(Run::gobgpPeakRssMb)
                        .filter(x -> !Double.isNaN(x)).toArray()));
        System.out.printf(Locale.ROOT, "UPDATEs: v4 %d (minimum %d, %.3fx), v6 %d (minimum %d, %.3fx)%n",
                results.get(0).updates4(), min4, results.get(0).updates4() / (double) min4,
                results.get(0).updates6(), min6, results.get(0).updates6() / (double) min6);
        System.out.printf(Locale.ROOT, "heap per route, one peer per family (Loc-RIB + Adj-RIB-Out): median %.0f "
                + "bytes; each further peer: median %.0f bytes per route%n",
                median(results.stream().mapToDouble(Run::heapPerRoute).toArray()),
                median(results.stream().mapToDouble(Run::heapPerExtraPeer).toArray()));
    }

    /** {@link #V4} IPv4 /32 Service routes, 10.128.0.0 upwards. */
    static List<Route> v4Table() {
        List<Route> v4 = new ArrayList<>(V4);
        for (int i = 0; i < V4; i++) {
            v4.add(Route.of(ip4(0x0A80_0000 + i), RouteType.SERVICE_CLUSTER_IP, null));
        }
        return v4;
    }

    /** {@link #V6} IPv6 /128 Service routes in fd00:96::/64. */
    static List<Route> v6Table() {
        List<Route> v6 = new ArrayList<>(V6);
        for (int i = 0; i < V6; i++) {
            v6.add(Route.of(String.format("fd00:96::%x:%x", i >> 16, i & 0xFFFF), RouteType.SERVICE_CLUSTER_IP,
                    null));
        }
        return v6;
    }

    /**
     * Herald's native server to a fresh BIRD: {seconds, receiver CPU, UPDATEs v4, UPDATEs v6, heap/route, heap/route
     * of a second IPv4 peer}. The routes exist before the first heap reading, so only the server's own tables count.
     */
    static double[] herald(Path dir, List<Route> v4, List<Route> v6) throws Exception {
        int heraldPort = Daemons.freePort();
        int birdPort = Daemons.freePort();
        try (BirdDaemon bird = BirdDaemon.start(dir, "127.0.0.2", "::1", birdPort, 65000, "10.255.0.2", List.of(
                BirdDaemon.Neighbor.of("127.0.0.1", heraldPort, 65001),
                BirdDaemon.Neighbor.of("::1", heraldPort, 65001)), false)) {
            NativeBgpServer server = (NativeBgpServer) new NativeBgpServerFactory()
                    .create(GlobalConfig.of(65001, "10.255.0.1").withListenPort(heraldPort));
            try {
                server.start();
                PeerKey p4 = PeerKey.of("127.0.0.2", 65000);
                PeerKey p6 = PeerKey.of("::1", 65000);
                server.addPeer(PeerConfig.of("127.0.0.2", 65000).withPort(birdPort));
                server.addPeer(PeerConfig.of("::1", 65000).withPort(birdPort));
                waitUntil(() -> server.peers().stream().allMatch(s -> s.state() == SessionState.ESTABLISHED), 30);
                long heapBefore = usedHeapAfterGc();
                double cpu0 = bird.cpuSeconds();
                long t0 = System.nanoTime();
                List<Route> all = new ArrayList<>(v4);
                all.addAll(v6);
                server.advertise(all);
                waitUntil(() -> bird.routeCount() >= V4 + V6, 120);
                double seconds = (System.nanoTime() - t0) / 1e9;
                double cpu = bird.cpuSeconds() - cpu0;
                long heapAfter = usedHeapAfterGc();

                // a second IPv4 peer (another BIRD): what one more peer costs per route
                int birdPort2 = Daemons.freePort();
                try (BirdDaemon second = BirdDaemon.start(dir.resolve("second"), "127.0.0.3", "::1", birdPort2,
                        65000, "10.255.0.3", List.of(BirdDaemon.Neighbor.of("127.0.0.1", heraldPort, 65001)),
                        false)) {
                    server.addPeer(PeerConfig.of("127.0.0.3", 65000).withPort(birdPort2));
                    waitUntil(() -> second.routeCount() >= V4, 120);
                    long heapTwo = usedHeapAfterGc();
                    return new double[] {seconds, cpu, server.updatesSent(p4), server.updatesSent(p6),
                        (heapAfter - heapBefore) / (double) (V4 + V6), (heapTwo - heapAfter) / (double) V4};
                }
            } finally {
                server.stop();
            }
        }
    }

    /**
     * BIRD sending the same IPv4 table to a fresh BIRD: {seconds from the session being Established (as seen by
     * polling birdc, about 10 ms late), receiver CPU}.
     */
    static double[] birdToBird(Path dir, List<String> prefixes) throws Exception {
        int receiverPort = Daemons.freePort();
        int senderPort = Daemons.freePort();
        try (BirdDaemon receiver = BirdDaemon.start(dir.resolve("receiver"), "127.0.0.2", "::1", receiverPort,
                65000, "10.255.0.2", List.of(BirdDaemon.Neighbor.of("127.0.0.3", senderPort, 65001)), false)) {
            double cpu0 = receiver.cpuSeconds();
            try (BirdDaemon sender = BirdDaemon.startSender(dir.resolve("sender"), "127.0.0.3", senderPort, 65001,
                    "10.255.0.3", BirdDaemon.Neighbor.of("127.0.0.2", receiverPort, 65000), prefixes)) {
                // the sender has loaded its table; enable its session and time from when it is Established
                waitUntil(() -> sender.routeCount() >= prefixes.size(), 60);
                sender.birdc("enable peer1");
                waitUntil(() -> sender.protocolState("peer1").equals("Established"), 60);
                long t0 = System.nanoTime();
                waitUntil(() -> receiver.routeCount() >= prefixes.size(), 120);
                return new double[] {(System.nanoTime() - t0) / 1e9, receiver.cpuSeconds() - cpu0};
            }
        }
    }

    static long minimumUpdates(int prefixes, int bytesPerPrefix, int room) {
        long perUpdate = room / bytesPerPrefix;
        return (prefixes + perUpdate - 1) / perUpdate;
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

    static long usedHeapAfterGc() throws InterruptedException {
        MemoryMXBean m = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return m.getHeapMemoryUsage().getUsed();
    }

    static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] v = values.clone();
        Arrays.sort(v);
        return v[v.length / 2];
    }

    static String ip4(int a) {
        return ((a >>> 24) & 0xFF) + "." + ((a >>> 16) & 0xFF) + "." + ((a >>> 8) & 0xFF) + "." + (a & 0xFF);
    }
}
