package dev.herald.it.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.it.AgentProcess;
import dev.herald.it.Distribution;
import dev.herald.it.kube.MockCluster;
import dev.herald.it.peers.BirdDaemon;
import dev.herald.it.peers.Daemons;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An API server outage seen by the whole agent: for a minute the agent cannot reach the Kubernetes API, the cluster
 * changes meanwhile, nothing is withdrawn, and the changes reach the router within seconds of the API's return.
 */
class ApiOutageEndToEndTest {
    private static final Duration CONVERGE = Duration.ofSeconds(30);

    @TempDir
    Path tmp;

    @Test
    void anApiServerOutageWithdrawsNothingAndChangesMadeMeanwhileApplyWhenItReturns() throws Exception {
        Daemons.assumeInstalled("bird2", BirdDaemon.installed());
        int heraldPort = Daemons.freePort();
        int birdPort = Daemons.freePort();
        try (MockCluster cluster = new MockCluster(tmp.resolve("cluster"));
             BirdDaemon bird = BirdDaemon.start(tmp.resolve("bird"), "127.0.0.2", "::1", birdPort, 65000,
                     "10.255.0.2", List.of(BirdDaemon.Neighbor.of("127.0.0.1", heraldPort, 64512)), false)) {
            Path home = Distribution.copy(tmp, "herald");
            Distribution.connect(home, cluster, "node1");
            Distribution.setting(home, "bgp.listenAddress", "127.0.0.1");
            cluster.node("node1", "127.0.0.1", Map.of("bgp", "enabled"), "10.244.1.0/24");
            cluster.applyBgpPolicy("""
                    apiVersion: crd.antrea.io/v1alpha1
                    kind: BGPPolicy
                    metadata: {name: p}
                    spec:
                      nodeSelector: {matchLabels: {bgp: enabled}}
                      localASN: 64512
                      listenPort: %d
                      advertisements: {service: {ipTypes: [ClusterIP]}, pod: {}}
                      bgpPeers: [{address: 127.0.0.2, asn: 65000, port: %d}]
                    """.formatted(heraldPort, birdPort));
            for (String name : List.of("a", "b")) {
                cluster.apply("""
                        apiVersion: v1
                        kind: Service
                        metadata: {name: %s, namespace: default}
                        spec: {type: ClusterIP, clusterIP: 10.96.1.%d, clusterIPs: [10.96.1.%d], ports: [{port: 80}]}
                        """.formatted(name, name.charAt(0) - 'a' + 1, name.charAt(0) - 'a' + 1));
            }
            try (AgentProcess agent = AgentProcess.start(home)) {
                agent.awaitReady(Duration.ofSeconds(60));
                try {
                    await().atMost(CONVERGE).pollInterval(Duration.ofMillis(200)).until(() -> bird.routes().keySet()
                            .containsAll(List.of("10.96.1.1/32", "10.96.1.2/32", "10.244.1.0/24")));
                } catch (RuntimeException | AssertionError e) {
                    throw new AssertionError(e.getMessage() + "\nBIRD: " + bird.routes().keySet() + " "
                            + bird.birdc("show protocols all") + "\nagent:\n" + agent.stdout(), e);
                }

                cluster.cutAgentsOff();
                // meanwhile the cluster changes: the agent cannot know yet
                cluster.client().services().inNamespace("default").withName("a").delete();
                cluster.apply("""
                        apiVersion: v1
                        kind: Service
                        metadata: {name: c, namespace: default}
                        spec: {type: ClusterIP, clusterIP: 10.96.1.3, clusterIPs: [10.96.1.3], ports: [{port: 80}]}
                        """);
                long end = System.nanoTime() + Duration.ofSeconds(Long.getLong("herald.outage.seconds", 60)).toNanos();
                while (System.nanoTime() < end) {
                    assertThat(bird.routes()).as("nothing withdrawn while the API server is away")
                            .containsKeys("10.96.1.1/32", "10.96.1.2/32", "10.244.1.0/24");
                    Thread.sleep(1000);
                }
                assertThat(agent.get("/bgppeers").orElseThrow().body()).contains("Established");

                cluster.reconnectAgents();
                long t0 = System.nanoTime();
                try {
                    await("changes applied after the API server returns").atMost(Duration.ofSeconds(10))
                            .pollInterval(Duration.ofMillis(200)).until(() -> {
                                var routes = bird.routes().keySet();
                                return !routes.contains("10.96.1.1/32") && routes.contains("10.96.1.3/32")
                                        && routes.contains("10.96.1.2/32");
                            });
                } catch (RuntimeException | AssertionError e) {
                    throw new AssertionError(e.getMessage() + "\nBIRD: " + bird.routes().keySet() + "\nagent:\n"
                            + agent.stdout(), e);
                }
                System.out.printf("caught up %.1f s after the API server returned%n", (System.nanoTime() - t0) / 1e9);
                assertThat(agent.terminate(Duration.ofSeconds(10))).isZero();
            }
        }
    }

}
