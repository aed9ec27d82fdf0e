package dev.herald.bench.soak;

import dev.herald.it.kube.MockCluster;
import dev.herald.it.metrics.ScrapedMetrics;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The API server cut off from the agent while Services change, then back (docs/bgp-policy.md, Behaviour §6): the
 * agent must notice the outage, withdraw nothing meanwhile, catch up when the server returns, and its watches must
 * deliver again: after the routers have caught up, a Service, the Node and the BGPPolicy are changed once more and
 * each must come back as a MODIFIED watch event (a new list would count as ADDED), the Service's change reaching
 * the routers too.
 */
final class ApiCutoff {
    /** How long the API server stays away: a few of the agent's 2-second probes. */
    static final Duration OUTAGE = Duration.ofSeconds(8);
    private static final Duration NOTICED = Duration.ofSeconds(10);
    private static final List<String> WATCHED = List.of("Service", "Node", "BGPPolicy");

    private final MockCluster cluster;
    private final ServiceTable services;
    private final SoakPolicy policy;
    private final List<SoakPeer> peers;
    private final int metricsPort;
    private final Duration recoveryLimit;
    /** How long after the API server's return the watches delivered, one entry per cut-off. */
    private final List<Duration> watchesBack = new ArrayList<>();

    ApiCutoff(MockCluster cluster, ServiceTable services, SoakPolicy policy, List<SoakPeer> peers, int metricsPort,
              Duration recoveryLimit) {
        this.cluster = cluster;
        this.services = services;
        this.policy = policy;
        this.peers = peers;
        this.metricsPort = metricsPort;
        this.recoveryLimit = recoveryLimit;
    }

    List<Duration> watchesBack() {
        return List.copyOf(watchesBack);
    }

    Faults.Injected run(int churn) throws InterruptedException, IOException {
        Set<String> before = services.desired();
        long t0 = System.nanoTime();
        cluster.cutAgentsOff();
        List<String> churned = new ArrayList<>();
        Map<SoakPeer, String> kept = new LinkedHashMap<>();
        boolean noticed;
        try {
            for (int i = 0; i < churn; i++) {
                churned.add(services.churn());
            }
            noticed = await(() -> apiUp() == 0, NOTICED);
            long back = t0 + OUTAGE.toNanos();
            while (System.nanoTime() < back) {
                Thread.sleep(100);
            }
            // nothing withdrawn (or sent) while the agent cannot know what changed
            for (SoakPeer p : peers) {
                String why = p.mismatch(before);
                if (why != null) {
                    kept.put(p, why);
                }
            }
        } finally {
            cluster.reconnectAgents();
        }
        long ended = System.nanoTime();
        return new Faults.Injected(ended, Duration.ofNanos(ended - t0), churned, () -> {
            if (!noticed) {
                return "herald_kubernetes_api_up never read 0 within " + NOTICED + " of the cut-off";
            }
            if (!kept.isEmpty()) {
                return "tables changed while the API server was away: " + kept;
            }
            return watchesDeliver(ended);
        });
    }

    /**
     * Changes a Service, the Node and the policy; each must arrive as a MODIFIED event and the Service's routes
     * at every router within the limit. Null when they did.
     */
    private String watchesDeliver(long apiBack) throws InterruptedException, IOException {
        if (apiUp() != 1) {
            return "herald_kubernetes_api_up is not 1 after the routers caught up";
        }
        Map<String, Double> modified = new LinkedHashMap<>();
        ScrapedMetrics m = ScrapedMetrics.scrape(metricsPort);
        WATCHED.forEach(k -> modified.put(k, m.count("herald_kubernetes_watch_events_total",
                Map.of("kind", k, "type", "MODIFIED"))));
        long t0 = System.nanoTime();
        String change = services.modifyOne();
        policy.touch();
        boolean events = await(() -> {
            ScrapedMetrics now = ScrapedMetrics.scrape(metricsPort);
            return modified.entrySet().stream().allMatch(e -> now.count("herald_kubernetes_watch_events_total",
                    Map.of("kind", e.getKey(), "type", "MODIFIED")) > e.getValue());
        }, recoveryLimit);
        if (!events) {
            ScrapedMetrics now = ScrapedMetrics.scrape(metricsPort);
            List<String> silent = new ArrayList<>();
            modified.forEach((k, v) -> {
                if (now.count("herald_kubernetes_watch_events_total", Map.of("kind", k, "type", "MODIFIED")) <= v) {
                    silent.add(k);
                }
            });
            return "no MODIFIED event within " + recoveryLimit + " for " + silent;
        }
        Convergence.Result r = Convergence.await(peers, services.desired(), t0, recoveryLimit);
        if (!r.converged()) {
            return "the change after the return (" + change + ") did not reach " + r.missing();
        }
        watchesBack.add(Duration.ofNanos(System.nanoTime() - apiBack));
        return null;
    }

    private double apiUp() {
        return ScrapedMetrics.scrape(metricsPort).sum("herald_kubernetes_api_up", Map.of()).orElse(-1);
    }

    private static boolean await(java.util.function.BooleanSupplier condition, Duration limit)
            throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }
}
