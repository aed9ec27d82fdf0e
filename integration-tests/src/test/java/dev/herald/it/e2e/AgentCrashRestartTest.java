package dev.herald.it.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.it.AgentProcess;
import dev.herald.it.Distribution;
import dev.herald.it.kube.MockCluster;
import dev.herald.it.peers.BirdDaemon;
import dev.herald.it.peers.Daemons;
import dev.herald.it.peers.RouteCountWatch;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agent killed with SIGKILL (a crash, an OOM kill) and started again while BIRD, with graceful restart, keeps
 * its routes as stale: BIRD's route count never drops. The new agent withdraws nothing before its informers have
 * synced, its OPEN keeps the forwarding-state bit, and its End-of-RIB follows the whole table.
 */
class AgentCrashRestartTest {
    private static final int SERVICES = 10;
    private static final int IPS = 50;
    private static final Duration CONVERGE = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    @Test
    void birdKeepsEveryRouteWhileAKilledAgentComesBack() throws Exception {
        Daemons.assumeInstalled("bird2", BirdDaemon.installed());
        int heraldPort = Daemons.freePort();
        int birdPort = Daemons.freePort();
        int routes = SERVICES * IPS;
        try (MockCluster cluster = new MockCluster(tmp.resolve("cluster"));
             BirdDaemon bird = BirdDaemon.start(tmp.resolve("bird"), "127.0.0.82", "::1", birdPort, 65000,
                     "10.255.0.82", List.of(BirdDaemon.Neighbor.of("127.0.0.81", heraldPort, 64512)), true)) {
            Path home = Distribution.copy(tmp, "herald");
            Distribution.connect(home, cluster, "node1");
            Distribution.setting(home, "bgp.listenAddress", "127.0.0.81");
            cluster.node("node1", "127.0.0.81", Map.of("bgp", "on"));
            cluster.applyBgpPolicy("""
                    apiVersion: crd.antrea.io/v1alpha1
                    kind: BGPPolicy
                    metadata: {name: crash}
                    spec:
                      nodeSelector: {matchLabels: {bgp: "on"}}
                      localASN: 64512
                      listenPort: %d
                      advertisements: {service: {ipTypes: [ExternalIP]}}
                      bgpPeers: [{address: 127.0.0.82, asn: 65000, port: %d}]
                    """.formatted(heraldPort, birdPort));
            for (int s = 0; s < SERVICES; s++) {
                StringBuilder ips = new StringBuilder();
                for (int i = 0; i < IPS; i++) {
                    ips.append(i == 0 ? "" : ", ").append("10.210.").append(s).append('.').append(i + 1);
                }
                cluster.apply("""
                        apiVersion: v1
                        kind: Service
                        metadata: {name: svc%d, namespace: default}
                        spec: {externalIPs: [%s], ports: [{port: 80}]}
                        """.formatted(s, ips));
            }

            AgentProcess first = AgentProcess.start(home);
            try {
                await("routes in BIRD").atMost(CONVERGE).pollInterval(Duration.ofMillis(100))
                        .until(() -> bird.routeCount() == routes);
                String since = bird.protocolSince("peer1");
                long t0 = System.nanoTime();
                try (RouteCountWatch watch = RouteCountWatch.start(bird)) {
                    first.process.destroyForcibly(); // SIGKILL: no Cease, sockets closed by the kernel
                    assertThat(first.process.waitFor(10, TimeUnit.SECONDS)).isTrue();
                    try (AgentProcess second = AgentProcess.start(home)) {
                        await("a new session with the whole table, nothing stale").atMost(CONVERGE)
                                .pollInterval(Duration.ofMillis(100)).until(() ->
                                        bird.protocolState("peer1").equals("Established")
                                                && !bird.protocolSince("peer1").equals(since)
                                                && bird.routes().values().stream().noneMatch(r -> r.stale())
                                                && bird.routeCount() == routes);
                        long ms = (System.nanoTime() - t0) / 1_000_000;
                        watch.close();
                        System.out.printf("[crash] agent killed and restarted: BIRD had all %d routes again, "
                                + "fresh, %d ms after the kill; route count polled %d times, never below %d%n",
                                routes, ms, watch.polls(), watch.min());
                        assertThat(watch.polls()).isPositive();
                        assertThat(watch.min()).as("BIRD's route count while the agent was down and back")
                                .isEqualTo(routes);
                        assertThat(second.terminate(Duration.ofSeconds(10))).isZero();
                    }
                }
            } finally {
                first.close();
            }
        }
    }
}
