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
 * The whole agent as an operator runs it: the distribution's bin/herald (real bundles in Felix) connected to a
 * Kubernetes API with watches, a BGPPolicy applied from Antrea's YAML, and a real BIRD as the router.
 */
class BgpPolicyEndToEndTest {
    private static final Duration CONVERGE = Duration.ofSeconds(30);

    @TempDir
    Path tmp;

    @Test
    void servicesAndPodCidrsReachBirdAndLeaveIt() throws Exception {
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
            // Antrea's BGPPolicy, as its users write it; only the addresses and ports fit this test
            cluster.applyBgpPolicy("""
                    apiVersion: crd.antrea.io/v1alpha1
                    kind: BGPPolicy
                    metadata:
                      name: example-bgp-policy
                    spec:
                      nodeSelector:
                        matchLabels:
                          bgp: enabled
                      localASN: 64512
                      listenPort: %d
                      advertisements:
                        service:
                          ipTypes: [ClusterIP, LoadBalancerIP]
                        pod: {}
                      bgpPeers:
                        - address: 127.0.0.2
                          asn: 65000
                          port: %d
                    """.formatted(heraldPort, birdPort));
            cluster.apply("""
                    apiVersion: v1
                    kind: Service
                    metadata: {name: web, namespace: default}
                    spec:
                      type: ClusterIP
                      clusterIP: 10.96.0.10
                      clusterIPs: [10.96.0.10]
                      ports: [{port: 80}]
                    """);
            cluster.apply("""
                    apiVersion: v1
                    kind: Service
                    metadata: {name: lb, namespace: default}
                    spec:
                      type: LoadBalancer
                      clusterIP: 10.96.0.11
                      clusterIPs: [10.96.0.11]
                      ports: [{port: 443}]
                    status:
                      loadBalancer:
                        ingress: [{ip: 10.200.0.7}]
                    """);

            try (AgentProcess agent = AgentProcess.start(home)) {
                agent.awaitReady(Duration.ofSeconds(60));
                try {
                    await("routes in BIRD").atMost(CONVERGE).pollInterval(Duration.ofMillis(200)).until(() ->
                            bird.routes().keySet().containsAll(List.of("10.96.0.10/32", "10.96.0.11/32",
                                    "10.200.0.7/32", "10.244.1.0/24")));
                } catch (RuntimeException | AssertionError e) {
                    throw new AssertionError(e.getMessage() + "\nBIRD: " + bird.routes().keySet() + " "
                            + bird.birdc("show protocols all") + "\nreadyz: " + agent.get("/readyz?verbose")
                            .map(r -> r.body()).orElse("-") + "\ncomponents: " + agent.get("/components")
                            .map(r -> r.body()).orElse("-") + "\nbgppolicy: " + agent.get("/bgppolicy")
                            .map(r -> r.body()).orElse("-") + "\nagent:\n" + agent.stdout(), e);
                }
                var route = bird.routes().get("10.96.0.10/32");
                assertThat(route.nextHop()).isEqualTo("127.0.0.1");
                assertThat(route.asPath()).isEqualTo("64512");

                // the operator's view, as antctl users know it
                assertThat(get(home, "bgppolicy")).contains("example-bgp-policy").contains("127.0.0.1")
                        .contains("64512");
                assertThat(get(home, "bgppeers")).contains("127.0.0.2:" + birdPort).contains("Established");
                assertThat(get(home, "bgproutes")).contains("10.96.0.10/32").contains("ServiceClusterIP")
                        .contains("default/web").contains("10.244.1.0/24").contains("<NONE>");
                assertThat(cluster.client().nodes().withName("node1").get().getMetadata().getAnnotations())
                        .containsEntry("node.antrea.io/bgp-router-id", "127.0.0.1");
                // kubectl describe bgppolicy shows the node's condition
                await("status condition").atMost(CONVERGE).until(() -> cluster
                        .policyCondition("example-bgp-policy", "node1").startsWith("True Applied: BGP server running"));

                cluster.client().services().inNamespace("default").withName("web").delete();
                await("withdrawn").atMost(CONVERGE).pollInterval(Duration.ofMillis(200)).until(() ->
                        !bird.routes().containsKey("10.96.0.10/32"));
                assertThat(bird.routes()).containsKeys("10.96.0.11/32", "10.200.0.7/32", "10.244.1.0/24");

                // the node leaves the policy: the server stops with a Cease and BIRD drops everything at once
                cluster.node("node1", "127.0.0.1", Map.of(), "10.244.1.0/24");
                await("all withdrawn").atMost(CONVERGE).pollInterval(Duration.ofMillis(200))
                        .until(() -> bird.routes().isEmpty());
                await("condition removed").atMost(CONVERGE).until(() -> cluster
                        .policyCondition("example-bgp-policy", "node1").isEmpty());
                assertThat(agent.terminate(Duration.ofSeconds(10))).isZero();
            }
        }
    }

    /** Runs {@code bin/herald get WHAT} of the distribution and returns what it printed. */
    private static String get(Path home, String what) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/herald").toString(), "get", what)
                .redirectErrorStream(true);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }
}
