package dev.herald.it.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.it.AgentProcess;
import dev.herald.it.Distribution;
import dev.herald.it.kube.MockCluster;
import dev.herald.it.peers.BirdDaemon;
import dev.herald.it.peers.Commands;
import dev.herald.it.peers.Daemons;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/metrics.md, proven with the real parts an operator has: the distribution's agent peering with a real BIRD,
 * scraped by a real Prometheus that evaluates deploy/prometheus/herald-rules.yaml (with short {@code for:}
 * durations), and {@code promtool check metrics} on what the endpoint serves. The policy asks for BFD, which this
 * BIRD does not run: the session comes up without it, and HeraldBgpSessionWithoutBfd fires.
 */
class PrometheusScrapeTest {
    static final Path REPO = Path.of(System.getProperty("user.dir")).resolve("..").normalize();
    private static final Duration CONVERGE = Duration.ofSeconds(30);
    private static final int SERVICES = 40;

    @TempDir
    Path tmp;

    @Test
    void prometheusSeesTheSessionItsRoutesAndItsMissingBfdThenTheSessionDownAlertPendingAndFiring() throws Exception {
        Daemons.assumeInstalled("bird2", BirdDaemon.installed());
        Daemons.assumeInstalled("prometheus", PrometheusServer.installed());
        int heraldPort = Daemons.freePort();
        int birdPort = Daemons.freePort();
        int metricsPort = Daemons.freePort();
        try (MockCluster cluster = new MockCluster(tmp.resolve("cluster"));
             BirdDaemon bird = BirdDaemon.start(tmp.resolve("bird"), "127.0.0.2", "::1", birdPort, 65000,
                     "10.255.0.2", List.of(BirdDaemon.Neighbor.of("127.0.0.1", heraldPort, 64512)), false)) {
            Path home = Distribution.copy(tmp, "herald");
            Distribution.connect(home, cluster, "node1");
            Distribution.setting(home, "bgp.listenAddress", "127.0.0.1");
            Distribution.setting(home, "metrics.address", "127.0.0.1:" + metricsPort);
            cluster.node("node1", "127.0.0.1", Map.of("bgp", "enabled"), "10.244.1.0/24");
            cluster.applyBgpPolicy("""
                    apiVersion: crd.antrea.io/v1alpha1
                    kind: BGPPolicy
                    metadata:
                      name: metrics-policy
                    spec:
                      nodeSelector:
                        matchLabels:
                          bgp: enabled
                      localASN: 64512
                      listenPort: %d
                      advertisements:
                        service:
                          ipTypes: [ClusterIP]
                        pod: {}
                      bgpPeers:
                        - address: 127.0.0.2
                          asn: 65000
                          port: %d
                          bfd: {enabled: true}
                    """.formatted(heraldPort, birdPort));
            for (int i = 0; i < SERVICES; i++) {
                cluster.apply("""
                        apiVersion: v1
                        kind: Service
                        metadata: {name: s%d, namespace: default}
                        spec:
                          type: ClusterIP
                          clusterIP: 10.96.3.%d
                          clusterIPs: [10.96.3.%d]
                          ports: [{port: 80}]
                        """.formatted(i, i + 1, i + 1));
            }
            long expected = SERVICES + 1; // and the pod CIDR

            try (AgentProcess agent = AgentProcess.start(home)) {
                agent.awaitReady(Duration.ofSeconds(60));
                await("routes in BIRD").atMost(CONVERGE).pollInterval(Duration.ofMillis(200))
                        .until(() -> bird.routeCount() == expected);

                // what the endpoint serves passes Prometheus's own linter, in both formats' common part
                String scrape = AgentProcess.get(metricsPort, "/metrics").orElseThrow().body();
                assertThat(scrape).contains("herald_build_info{version=").contains("jvm_memory_used_bytes");
                Path file = tmp.resolve("scrape.txt");
                Files.writeString(file, scrape);
                Commands.Result lint = Commands.exec(Duration.ofSeconds(30), List.of("sh", "-c",
                        "promtool check metrics < '" + file + "'"));
                assertThat(lint.output()).as("promtool check metrics").isEmpty();
                assertThat(lint.exitCode()).isZero();

                Path rules = shortRules(tmp.resolve("rules.yaml"));
                try (PrometheusServer prometheus = PrometheusServer.start(tmp.resolve("prometheus"),
                        "127.0.0.1:" + metricsPort, rules)) {
                    String peer = "{peer=\"127.0.0.2\",peer_asn=\"65000\"}";
                    await("session up in Prometheus").atMost(CONVERGE).pollInterval(Duration.ofMillis(500))
                            .untilAsserted(() -> assertThat(prometheus.value("herald_bgp_session_up" + peer))
                                    .as("target: %s", prometheus.targetHealth()).contains(1.0));
                    assertThat(prometheus.value("sum(herald_bgp_advertised_routes" + peer + ")"))
                            .contains((double) bird.routeCount());
                    assertThat(prometheus.value("sum(herald_routes_advertised)")).contains((double) expected);
                    assertThat(prometheus.value("herald_routes_desired{type=\"ServiceClusterIP\"}"))
                            .contains((double) SERVICES);
                    assertThat(prometheus.value("herald_policy_effective")).contains(1.0);
                    assertThat(prometheus.value("herald_kubernetes_api_up")).contains(1.0);
                    assertThat(prometheus.query("herald_policy_info{policy=\"metrics-policy\"}")).hasSize(1);
                    assertThat(prometheus.value("herald_backend_info{backend=\"native\"}")).contains(1.0);
                    assertThat(prometheus.value("herald_reconcile_passes_total")).hasValueSatisfying(v ->
                            assertThat(v).isPositive());
                    assertThat(prometheus.value("sum(herald_kubernetes_watch_events_total{kind=\"Service\"})"))
                            .hasValueSatisfying(v -> assertThat(v).isGreaterThanOrEqualTo(SERVICES));
                    assertThat(prometheus.alertState("HeraldBgpSessionDown")).isEmpty();

                    // this BIRD runs no BFD: BGP comes up without it (it does not wait), BFD stays Down, and the
                    // alert for a session without its BFD fires
                    assertThat(prometheus.value("herald_bfd_session_up" + peer)).contains(0.0);
                    assertThat(prometheus.value("herald_bfd_session_state" + peer)).contains(1.0);
                    await("no-BFD alert firing").atMost(CONVERGE).pollInterval(Duration.ofMillis(250))
                            .untilAsserted(() -> assertThat(prometheus.alertState("HeraldBgpSessionWithoutBfd"))
                                    .contains("firing"));

                    // the router goes away: the session reads 0, and the alert is pending, then firing
                    bird.close();
                    await("session down in Prometheus").atMost(CONVERGE).pollInterval(Duration.ofMillis(250))
                            .untilAsserted(() -> assertThat(prometheus.value("herald_bgp_session_up" + peer))
                                    .contains(0.0));
                    await("alert pending").atMost(CONVERGE).pollInterval(Duration.ofMillis(250))
                            .untilAsserted(() -> assertThat(prometheus.alertState("HeraldBgpSessionDown"))
                                    .contains("pending"));
                    await("alert firing").atMost(CONVERGE).pollInterval(Duration.ofMillis(250))
                            .untilAsserted(() -> assertThat(prometheus.alertState("HeraldBgpSessionDown"))
                                    .contains("firing"));
                    assertThat(prometheus.value("herald_bgp_session_established_transitions_total" + peer))
                            .contains(1.0);
                    // with BGP down too, that is HeraldBgpSessionDown's case alone
                    await("no-BFD alert resolved").atMost(CONVERGE).pollInterval(Duration.ofMillis(250))
                            .untilAsserted(() -> assertThat(prometheus.alertState("HeraldBgpSessionWithoutBfd"))
                                    .isEmpty());
                }
                assertThat(agent.terminate(Duration.ofSeconds(10))).isZero();
            }
        }
    }

    /**
     * The project's alert rules with every {@code for:} cut to 5 s, so that pending and firing both happen within the
     * test (the rules' own durations are tested by promtool's unit tests).
     */
    static Path shortRules(Path target) throws IOException {
        String rules = Files.readString(REPO.resolve("deploy/prometheus/herald-rules.yaml"));
        String shortened = rules.replaceAll("(?m)^(\\s+for:\\s*)\\S+\\s*$", "$15s");
        assertThat(shortened).as("the rules have for: durations to shorten").isNotEqualTo(rules);
        Files.writeString(target, shortened);
        return target;
    }
}
