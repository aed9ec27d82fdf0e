package dev.herald.bench;

import dev.herald.api.GlobalConfig;
import dev.herald.api.PeerConfig;
import dev.herald.api.PeerKey;
import dev.herald.api.PeerStatus;
import dev.herald.api.Route;
import dev.herald.api.spi.AgentStatus;
import dev.herald.api.spi.BgpServer;
import dev.herald.api.spi.BgpServerFactory;
import dev.herald.api.spi.ClusterWriter;
import dev.herald.api.spi.StopMode;
import dev.herald.api.spi.Telemetry;
import dev.herald.controller.BgpPolicyReconciler;
import dev.herald.controller.PassResult;
import dev.herald.controller.ReconcileLoop;
import dev.herald.it.kube.MockCluster;
import dev.herald.kube.InformerClusterState;
import dev.herald.metrics.HeraldMetrics;
import dev.herald.source.service.ServiceRouteSource;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The controller's benchmark (run by {@code benchmarks/controller.sh}, not by the test suite): informers, the
 * Service route source and the reconciler over a Kubernetes API with N Services (two IPs each) and their
 * EndpointSlices. Measures (1) the latency from a Service change reaching the API server to the backend call that
 * carries it, at 100 changes a second, and (2) the CPU the controller spends on one Service change with a small and
 * a large advertised table.
 */
public final class ControllerBenchmark {
    /** A backend that only records when each prefix was advertised. */
    static final class TimingBackend implements BgpServerFactory {
        final Map<String, Long> advertisedAt = new ConcurrentHashMap<>();
        final AtomicLong routes = new AtomicLong();

        @Override
        public String backend() {
            return "timing";
        }

        @Override
        public BgpServer create(GlobalConfig config) {
            return new BgpServer() {
                @Override
                public GlobalConfig config() {
                    return config;
                }

                @Override
                public void start() {
                }

                @Override
                public void stop(StopMode mode) {
                }

                @Override
                public void addPeer(PeerConfig peer) {
                }

                @Override
                public void updatePeer(PeerConfig peer) {
                }

                @Override
                public void removePeer(PeerKey peer) {
                }

                @Override
                public List<PeerStatus> peers() {
                    return List.of();
                }

                @Override
                public void advertise(Collection<Route> rs) {
                    long now = System.nanoTime();
                    rs.forEach(r -> advertisedAt.put(r.prefix().toCanonicalString(), now));
                    routes.addAndGet(rs.size());
                }

                @Override
                public void withdraw(Collection<Route> rs) {
                    routes.addAndGet(-rs.size());
                }

                @Override
                public Set<Route> routes() {
                    return Set.of();
                }
            };
        }
    }

    /** Held so the level sticks: the mock logs every request through java.util.logging, which slows it tenfold. */
    private static final java.util.logging.Logger MOCK_LOG = java.util.logging.Logger.getLogger("io.fabric8");

    public static void main(String[] args) throws Exception {
        MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
        int services = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int events = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
        // "metrics": every event recorded as the agent records it, and a scrape over HTTP every second
        boolean withMetrics = args.length > 2 && args[2].equals("metrics");
        try (MockCluster cluster = new MockCluster(Files.createTempDirectory("herald-controller-bench"))) {
            KubernetesClient k = cluster.client();
            cluster.node("node1", "192.168.0.11", Map.of("bgp", "on"), "10.244.1.0/24");
            // dual stack, so both ClusterIPs of each Service are advertised
            k.nodes().withName("node1").edit(n -> {
                n.getStatus().getAddresses().add(new io.fabric8.kubernetes.api.model.NodeAddress("fd00::11",
                        "InternalIP"));
                return n;
            });
            cluster.applyBgpPolicy("""
                    apiVersion: crd.antrea.io/v1alpha1
                    kind: BGPPolicy
                    metadata: {name: bench}
                    spec:
                      nodeSelector: {}
                      localASN: 64512
                      advertisements: {service: {ipTypes: [ClusterIP]}}
                    """);
            long t0 = System.nanoTime();
            for (int i = 0; i < services; i++) {
                k.services().inNamespace("bench").resource(service(i, 0)).create();
                k.discovery().v1().endpointSlices().inNamespace("bench").resource(new EndpointSliceBuilder()
                        .withNewMetadata().withName("s" + i + "-x").addToLabels("kubernetes.io/service-name", "s" + i)
                        .endMetadata().withAddressType("IPv4").addNewEndpoint().withAddresses("10.244.1.5")
                        .withNodeName("node1").endEndpoint().build()).create();
            }
            System.out.printf(Locale.ROOT, "created %d Services and %d EndpointSlices in %.1f s%n", services, services,
                    (System.nanoTime() - t0) / 1e9);

            InformerClusterState state = new InformerClusterState(k, "node1", "kube-system");
            ServiceRouteSource source = new ServiceRouteSource(state);
            TimingBackend backend = new TimingBackend();
            BgpPolicyReconciler reconciler = new BgpPolicyReconciler(state, ClusterWriter.NONE,
                    () -> Optional.of(backend), () -> List.of(source), BgpPolicyReconciler.Settings.DEFAULT);
            HeraldMetrics metrics = withMetrics ? new HeraldMetrics(() -> new ReconcilerStatus(reconciler),
                    state::apiReachable, "bench") : null;
            Telemetry telemetry = metrics != null ? metrics : Telemetry.NONE;
            state.telemetry(telemetry).start();
            ReconcileLoop loop = new ReconcileLoop("bench-controller", () -> timed(reconciler, telemetry),
                    java.time.Duration.ofSeconds(5), java.time.Duration.ofSeconds(300));
            Thread scraper = metrics == null ? null : scrapeEverySecond(metrics);
            source.addListener((s, owners) -> {
                reconciler.routesChanged(s, owners);
                loop.trigger();
            });
            state.addListener((kind, keys) -> {
                if (kind != dev.herald.api.spi.ClusterState.Kind.SERVICE
                        && kind != dev.herald.api.spi.ClusterState.Kind.ENDPOINT_SLICE) {
                    reconciler.invalidate();
                    loop.trigger();
                }
            });
            long sync0 = System.nanoTime();
            long syncDeadline = sync0 + java.util.concurrent.TimeUnit.MINUTES.toNanos(5);
            while (!state.synced() || backend.routes.get() < 2L * services) {
                if (System.nanoTime() > syncDeadline) {
                    throw new IllegalStateException("not converged within 5 minutes: synced " + state.synced()
                            + ", " + backend.routes.get() + " of " + 2L * services + " routes advertised");
                }
                loop.trigger();
                Thread.sleep(50);
            }
            System.out.printf(Locale.ROOT, "informers synced and %d routes advertised %.1f s after start%n",
                    backend.routes.get(), (System.nanoTime() - sync0) / 1e9);

            // (1) latency at 100 changes a second: each change gives one Service a new IPv4 ClusterIP
            long[] latencies = new long[events];
            for (int e = 0; e < events; e++) {
                long tick = System.nanoTime();
                Service svc = service(e % services, 1 + e / services);
                String prefix = svc.getSpec().getClusterIPs().get(0) + "/32";
                k.services().inNamespace("bench").resource(svc).update();
                long sent = System.nanoTime();
                long deadline = sent + 5_000_000_000L;
                Long at;
                while ((at = backend.advertisedAt.get(prefix)) == null || at < tick) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("no backend call for " + prefix + " within 5 s");
                    }
                    Thread.onSpinWait();
                }
                latencies[e] = at - sent;
                long next = tick + 10_000_000L; // 100 a second
                while (System.nanoTime() < next) {
                    Thread.sleep(0, 200_000);
                }
            }
            Arrays.sort(latencies);
            System.out.printf(Locale.ROOT, "latency API write -> backend call, %d changes at 100/s%s: p50 %.2f ms, "
                            + "p99 %.2f ms, max %.2f ms%n", events, withMetrics ? " (metrics on, scraped every second)"
                            : "", latencies[events / 2] / 1e6, latencies[(int) (events * 0.99)] / 1e6,
                    latencies[events - 1] / 1e6);
            if (metrics != null) {
                scraper.interrupt();
                scraper.join(5_000);
                metrics.close();
            }
            loop.close();
            source.close();
            state.close();
        }
        costRatio();
    }

    /** One pass, recorded as the agent's controller records it (docs/metrics.md). */
    private static PassResult timed(BgpPolicyReconciler reconciler, Telemetry telemetry) {
        long t0 = System.nanoTime();
        Optional<String> failure = Optional.empty();
        try {
            return reconciler.reconcile();
        } catch (RuntimeException e) {
            failure = Optional.of(reconciler.failedStep().reason());
            throw e;
        } finally {
            telemetry.reconciled(java.time.Duration.ofNanos(System.nanoTime() - t0), failure);
        }
    }

    /** Scrapes {@code /metrics} over HTTP once a second until interrupted, as a busy Prometheus would. */
    private static Thread scrapeEverySecond(HeraldMetrics metrics) {
        metrics.listen("127.0.0.1:0");
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest get = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metrics.port() + "/metrics"))
                .timeout(java.time.Duration.ofSeconds(5)).build();
        Thread t = new Thread(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    http.send(get, HttpResponse.BodyHandlers.discarding());
                    Thread.sleep(1000);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, "bench-scraper");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** What the controller tells the metrics, for a reconciler driven by hand. */
    private record ReconcilerStatus(BgpPolicyReconciler reconciler) implements AgentStatus {
        @Override
        public Optional<dev.herald.api.EffectivePolicy> effectivePolicy() {
            return Optional.empty();
        }

        @Override
        public List<PeerStatus> peers() {
            return List.of();
        }

        @Override
        public List<Route> routes() {
            return reconciler.status().routes();
        }

        @Override
        public Map<dev.herald.api.RouteType, Integer> desiredRoutes() {
            return reconciler.desiredRoutes();
        }

        @Override
        public Map<dev.herald.api.RouteType, Integer> advertisedRoutes() {
            return reconciler.advertisedRoutes();
        }

        @Override
        public int selectingPolicies() {
            return reconciler.selectingPolicies();
        }
    }

    /**
     * (2) CPU of one Service change, measured on the reconciler alone (plain objects, no HTTP) so the figure is the
     * controller's own work: with 1,000 and with 100,000 advertised routes.
     */
    static void costRatio() {
        double small = costOfOneChange(500);
        double large = costOfOneChange(50_000);
        System.out.printf(Locale.ROOT, "CPU per Service change: %.1f us with 1,000 routes, %.1f us with 100,000 "
                + "routes, ratio %.2f%n", small / 1e3, large / 1e3, large / small);
    }

    /** Average thread CPU nanoseconds of one incremental pass, with {@code services} dual-stack Services. */
    static double costOfOneChange(int services) {
        var cluster = new InMemoryCluster(services);
        var backend = new TimingBackend();
        var reconciler = new BgpPolicyReconciler(cluster, ClusterWriter.NONE, () -> Optional.of(backend),
                () -> List.of(cluster.source), BgpPolicyReconciler.Settings.DEFAULT);
        reconciler.reconcile();
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        int rounds = 20_000;
        for (int warm = 0; warm < 2; warm++) {
            long cpu0 = mx.getCurrentThreadCpuTime();
            for (int i = 0; i < rounds; i++) {
                String owner = cluster.change(i);
                reconciler.routesChanged(cluster.source, Set.of(owner));
                reconciler.reconcile();
            }
            long cpu = mx.getCurrentThreadCpuTime() - cpu0;
            if (warm == 1) {
                return cpu / (double) rounds;
            }
        }
        throw new IllegalStateException();
    }

    static Service service(int i, int generation) {
        int v4 = 0x0A600000 + i + generation * 0x10000; // 10.96.x.y, a new block per generation
        String ip4 = ((v4 >>> 24) & 255) + "." + ((v4 >>> 16) & 255) + "." + ((v4 >>> 8) & 255) + "." + (v4 & 255);
        String ip6 = String.format("fd00:96:%x::%x", generation, i);
        return new ServiceBuilder().withNewMetadata().withName("s" + i).withNamespace("bench").endMetadata()
                .withNewSpec().withType("ClusterIP").withClusterIP(ip4).withClusterIPs(ip4, ip6)
                .withIpFamilies("IPv4", "IPv6").addNewPort().withPort(80).endPort().endSpec().build();
    }
}
