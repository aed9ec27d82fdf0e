package dev.herald.bench;

import dev.herald.api.EffectivePolicy;
import dev.herald.api.GlobalConfig;
import dev.herald.api.PeerConfig;
import dev.herald.api.PeerStatus;
import dev.herald.api.Route;
import dev.herald.api.RouteType;
import dev.herald.api.SessionState;
import dev.herald.api.spi.AgentStatus;
import dev.herald.backend.nativebgp.NativeBgpServer;
import dev.herald.backend.nativebgp.NativeBgpServerFactory;
import dev.herald.it.peers.BirdDaemon;
import dev.herald.it.peers.Daemons;
import dev.herald.metrics.HeraldMetrics;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What a Prometheus scrape costs the agent (run by {@code benchmarks/metrics.sh}, not by the test suite): the native
 * server advertising 110,000 routes to 4 peers (3 BIRDs, one of them also over IPv6), every Herald metric in one
 * registry as the agent has it, and scrapes measured two ways: the CPU the collecting thread spends on collecting
 * and formatting one scrape, and the wall time of scrapes over HTTP. docs/performance.md has the figures.
 */
public final class MetricsBenchmark {
    public static void main(String[] args) throws Exception {
        int scrapes = args.length > 0 ? Integer.parseInt(args[0]) : 2_000;
        System.setProperty("sun.net.httpserver.nodelay", "true"); // as bin/herald runs the agent
        Path work = Files.createTempDirectory("herald-metrics-bench");
        int heraldPort = Daemons.freePort();
        List<BirdDaemon> birds = new ArrayList<>();
        NativeBgpServer server = (NativeBgpServer) new NativeBgpServerFactory()
                .create(GlobalConfig.of(65001, "10.255.0.1").withListenPort(heraldPort));
        try {
            server.start();
            for (int i = 0; i < 3; i++) {
                String address = "127.0.0." + (2 + i);
                int birdPort = Daemons.freePort();
                List<BirdDaemon.Neighbor> neighbors = i == 0
                        ? List.of(BirdDaemon.Neighbor.of("127.0.0.1", heraldPort, 65001),
                                BirdDaemon.Neighbor.of("::1", heraldPort, 65001))
                        : List.of(BirdDaemon.Neighbor.of("127.0.0.1", heraldPort, 65001));
                birds.add(BirdDaemon.start(work.resolve("bird" + i), address, "::1", birdPort, 65000,
                        "10.255.0." + (2 + i), neighbors, false));
                server.addPeer(PeerConfig.of(address, 65000).withPort(birdPort));
                if (i == 0) {
                    server.addPeer(PeerConfig.of("::1", 65000).withPort(birdPort));
                }
            }
            BgpTableBenchmark.waitUntil(() -> server.peers().stream()
                    .allMatch(s -> s.state() == SessionState.ESTABLISHED), 30);
            List<Route> all = new ArrayList<>(BgpTableBenchmark.v4Table());
            all.addAll(BgpTableBenchmark.v6Table());
            server.advertise(all);
            for (BirdDaemon b : birds) {
                long want = b == birds.get(0) ? BgpTableBenchmark.V4 + BgpTableBenchmark.V6 : BgpTableBenchmark.V4;
                BgpTableBenchmark.waitUntil(() -> b.routeCount() >= want, 180);
            }
            System.out.printf(Locale.ROOT, "%d routes advertised to %d Established peers%n", all.size(),
                    server.peers().size());

            AgentStatus agent = new ServerStatus(server, all.size());
            try (HeraldMetrics metrics = new HeraldMetrics(() -> agent, () -> true, "bench")) {
                metrics.listen("127.0.0.1:0");
                measureCollect(metrics, scrapes);
                measureHttp(metrics.port(), scrapes / 4);
            }
        } finally {
            server.stop();
            for (BirdDaemon b : birds) {
                b.close();
            }
        }
    }

    /** Thread CPU of collecting and formatting one scrape, as the endpoint does it, after a warm-up. */
    static void measureCollect(HeraldMetrics metrics, int scrapes) throws IOException {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
        CountingStream out = new CountingStream();
        for (int i = 0; i < scrapes; i++) { // warm-up
            writer.write(out, metrics.registry().scrape(), EscapingScheme.ALLOW_UTF8);
        }
        long[] cpu = new long[scrapes];
        out.bytes = 0;
        for (int i = 0; i < scrapes; i++) {
            long c0 = mx.getCurrentThreadCpuTime();
            writer.write(out, metrics.registry().scrape(), EscapingScheme.ALLOW_UTF8);
            cpu[i] = mx.getCurrentThreadCpuTime() - c0;
        }
        Arrays.sort(cpu);
        System.out.printf(Locale.ROOT, "collect and format one scrape (%d bytes): CPU mean %.3f ms, p50 %.3f ms, "
                        + "p99 %.3f ms%n", out.bytes / scrapes, Arrays.stream(cpu).average().orElse(0) / 1e6,
                cpu[scrapes / 2] / 1e6, cpu[(int) (scrapes * 0.99)] / 1e6);
    }

    /** Wall time of whole scrapes over HTTP from this process, one at a time. */
    static void measureHttp(int port, int scrapes) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest get = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .timeout(Duration.ofSeconds(5)).build();
        for (int i = 0; i < 100; i++) {
            http.send(get, HttpResponse.BodyHandlers.discarding());
        }
        long[] wall = new long[scrapes];
        for (int i = 0; i < scrapes; i++) {
            long t0 = System.nanoTime();
            HttpResponse<Void> r = http.send(get, HttpResponse.BodyHandlers.discarding());
            wall[i] = System.nanoTime() - t0;
            if (r.statusCode() != 200) {
                throw new IllegalStateException("scrape answered " + r.statusCode());
            }
        }
        Arrays.sort(wall);
        System.out.printf(Locale.ROOT, "scrape over HTTP: wall p50 %.3f ms, p99 %.3f ms%n", wall[scrapes / 2] / 1e6,
                wall[(int) (scrapes * 0.99)] / 1e6);
    }

    /** The agent's status as the controller gives it, over one server: peers live, route counts as kept. */
    private record ServerStatus(NativeBgpServer server, int routeCount) implements AgentStatus {
        @Override
        public Optional<EffectivePolicy> effectivePolicy() {
            return Optional.of(new EffectivePolicy("bench", server.config()));
        }

        @Override
        public List<PeerStatus> peers() {
            return server.peers();
        }

        @Override
        public List<Route> routes() {
            throw new AssertionError("a scrape must not list the routes");
        }

        @Override
        public Optional<String> backend() {
            return Optional.of("native");
        }

        @Override
        public Map<RouteType, Integer> desiredRoutes() {
            return Map.of(RouteType.SERVICE_CLUSTER_IP, routeCount);
        }

        @Override
        public Map<RouteType, Integer> advertisedRoutes() {
            return Map.of(RouteType.SERVICE_CLUSTER_IP, routeCount);
        }

        @Override
        public int selectingPolicies() {
            return 1;
        }
    }

    private static final class CountingStream extends OutputStream {
        long bytes;

        @Override
        public void write(int b) {
            bytes++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            bytes += len;
        }
    }
}
