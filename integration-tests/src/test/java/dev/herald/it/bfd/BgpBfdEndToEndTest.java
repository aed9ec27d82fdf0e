package dev.herald.it.bfd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.it.AgentProcess;
import dev.herald.it.Distribution;
import dev.herald.it.kube.MockCluster;
import dev.herald.it.metrics.ScrapedMetrics;
import dev.herald.it.peers.BirdBfdDaemon;
import dev.herald.it.peers.BirdDaemon;
import dev.herald.it.peers.Commands;
import dev.herald.it.peers.Daemons;
import dev.herald.it.peers.NetNamespace;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * docs/bgp-policy.md, "Timers and BFD", end to end: the distribution's agent with a BGPPolicy asking for a 3 s hold
 * time and BFD at 100 ms x 3 toward BIRD 2, whose BGP session is bound to its BFD ({@code bfd on}), BIRD in a
 * network namespace on a veth pair (single-hop BFD wants a directly connected peer). Either side frozen with SIGSTOP
 * is found down by the other within 3 x 100 ms + 50 ms, and its routes go with it.
 */
@Timeout(180)
class BgpBfdEndToEndTest {
    private static final Duration CONVERGE = Duration.ofSeconds(30);
    private static final long BOUND_MS = 3 * 100 + 50;
    private static final Pattern LOG_TIME = Pattern.compile("^(\\S+) ");

    @TempDir
    Path tmp;

    @Test
    void eitherSideFrozenIsFoundDownWithin350MsAndTheRoutesGoWithIt() throws Exception {
        Daemons.assumeInstalled("bird2", BirdDaemon.installed());
        Daemons.assumeRootWithIpCommand("BIRD in a network namespace");
        int heraldPort = Daemons.freePort();
        try (MockCluster cluster = new MockCluster(tmp.resolve("cluster"));
             BirdBfdDaemon bird = BirdBfdDaemon.start(tmp.resolve("bird"), Duration.ofMillis(100), 3,
                     new BirdBfdDaemon.BgpNeighbor(65000, 64512, heraldPort, 240))) {
            NetNamespace ns = bird.namespace();
            Path home = Distribution.copy(tmp, "herald");
            Distribution.connect(home, cluster, "node1");
            Distribution.setting(home, "bgp.listenAddress", ns.hostAddress());
            int metricsPort = Daemons.freePort();
            Distribution.setting(home, "metrics.address", "127.0.0.1:" + metricsPort);
            cluster.node("node1", ns.hostAddress(), Map.of("bgp", "on"), "10.244.1.0/24");
            cluster.applyBgpPolicy("""
                    apiVersion: crd.antrea.io/v1alpha1
                    kind: BGPPolicy
                    metadata: {name: fast}
                    spec:
                      nodeSelector: {matchLabels: {bgp: "on"}}
                      localASN: 64512
                      listenPort: %d
                      advertisements: {pod: {}}
                      bgpPeers:
                        - address: %s
                          asn: 65000
                          holdTimeSeconds: 3
                          keepaliveIntervalSeconds: 1
                          bfd: {enabled: true, minReceiveIntervalMilliseconds: 100,
                                minTransmitIntervalMilliseconds: 100, detectionMultiplier: 3}
                    """.formatted(heraldPort, ns.peerAddress()));

            try (AgentProcess agent = AgentProcess.start(home)) {
                agent.awaitReady(Duration.ofSeconds(60));
                awaitUp(agent, bird, ns);
                // the 3 s hold time Herald offers wins over BIRD's 240 s, on both sides
                assertThat(bird.holdTime()).isEqualTo(3);
                assertThat(peer(agent).path("holdTimeSeconds").asInt()).isEqualTo(3);
                // the same in the metrics (docs/metrics.md, "BFD, per peer")
                Map<String, String> peerLabels = Map.of("peer", ns.peerAddress(), "peer_asn", "65000");
                ScrapedMetrics up = ScrapedMetrics.scrape(metricsPort);
                assertThat(up.sum("herald_bfd_session_up", peerLabels)).hasValue(1.0);
                assertThat(up.sum("herald_bfd_session_state", peerLabels)).hasValue(3.0);
                assertThat(up.sum("herald_bgp_session_hold_time_seconds", peerLabels)).hasValue(3.0);

                Map<String, String> bfdReset = Map.of("peer", ns.peerAddress(), "peer_asn", "65000", "code", "6",
                        "subcode", "10");
                // a warm-up flap may have counted one already
                double bfdResetsBefore = up.count("herald_bgp_notifications_sent_total", bfdReset);

                // (1) BIRD frozen: Herald's BFD finds it down and resets the BGP session at once
                bird.freeze();
                OffsetDateTime frozen = OffsetDateTime.now();
                await("Herald's session down").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10))
                        .until(() -> !peer(agent).path("state").asString().equals("Established"));
                long heraldMs = Duration.between(frozen, logTime(agent, "went down: BFD session went down"))
                        .toMillis();
                System.out.printf(Locale.ROOT, "BIRD frozen -> Herald's BGP session down: %d ms%n", heraldMs);
                assertThat(heraldMs).as("detection by Herald").isBetween(0L, BOUND_MS);
                assertThat(agent.log()).contains("sending NOTIFICATION 6/10 (cease: BFD down)");
                // BIRD is still frozen: BFD Down, and no hold time while the session is not Established
                ScrapedMetrics down = ScrapedMetrics.scrape(metricsPort);
                assertThat(down.sum("herald_bfd_session_up", peerLabels)).hasValue(0.0);
                assertThat(down.sum("herald_bfd_session_state", peerLabels)).hasValue(1.0);
                assertThat(down.sum("herald_bgp_session_hold_time_seconds", peerLabels)).isEmpty();
                // the reset BFD caused is counted as a NOTIFICATION 6/10 sent (docs/metrics.md, "BFD, per peer")
                await("the reset counted").atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(50))
                        .untilAsserted(() -> assertThat(ScrapedMetrics.scrape(metricsPort)
                                .count("herald_bgp_notifications_sent_total", bfdReset))
                                .isEqualTo(bfdResetsBefore + 1));
                bird.thaw();
                awaitUp(agent, bird, ns);

                // (2) Herald frozen: BIRD's BFD finds it down, BIRD ends the session and drops Herald's routes
                Commands.signal(agent.process.pid(), "STOP");
                long t0 = System.nanoTime();
                long lastPoll = 0;
                long birdMs = -1;
                try {
                    while (System.nanoTime() - t0 < Duration.ofSeconds(5).toNanos()) {
                        long before = System.nanoTime();
                        boolean gone = bird.routeCount() == 0;
                        lastPoll = System.nanoTime() - before;
                        if (gone) {
                            // the routes went at some moment during this poll: count from its start
                            birdMs = (before - t0) / 1_000_000;
                            break;
                        }
                    }
                } finally {
                    Commands.signal(agent.process.pid(), "CONT");
                }
                System.out.printf(Locale.ROOT, "Herald frozen -> BIRD dropped its routes: %d ms (one poll %.1f ms)%n",
                        birdMs, lastPoll / 1e6);
                assertThat(birdMs).as("BIRD dropped Herald's routes").isBetween(0L, BOUND_MS);
                awaitUp(agent, bird, ns);
                assertThat(agent.terminate(Duration.ofSeconds(10))).isZero();
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError(e.getMessage() + "\n" + bird.diagnostics() + "\n--- agent log (end) ---\n"
                        + Commands.tail(home.resolve("log/herald.log"), 40), e);
            }
        }
    }

    /**
     * The session Established on both sides with BFD Up and the pod CIDR in BIRD, for 3 s in a row: a freshly started
     * agent compiles its code for a while, and on a busy 2-core machine that can hold a 100 ms BFD packet long
     * enough for a false detection, after which the session comes back (docs/bfd.md).
     */
    private static void awaitUp(AgentProcess agent, BirdBfdDaemon bird, NetNamespace ns) {
        await("session and BFD up").atMost(CONVERGE).during(Duration.ofSeconds(3))
                .pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            JsonNode p = peer(agent);
            assertThat(p.path("state").asString()).isEqualTo("Established");
            assertThat(p.path("bfd").asString()).isEqualTo("Up");
            assertThat(bird.bgpState()).isEqualTo("Established");
            assertThat(bird.routeCount()).isEqualTo(1);
        });
    }

    private static JsonNode peer(AgentProcess agent) {
        String body = agent.get("/bgppeers").filter(r -> r.statusCode() == 200).map(r -> r.body()).orElse("[]");
        return JsonMapper.builder().build().readTree(body).path(0);
    }

    /** When the agent logged the last line containing {@code text}. */
    private static OffsetDateTime logTime(AgentProcess agent, String text) throws Exception {
        String found = null;
        for (String line : agent.log().split("\n")) {
            if (line.contains(text)) {
                found = line;
            }
        }
        assertThat(found).as("a log line with '%s'", text).isNotNull();
        Matcher m = LOG_TIME.matcher(found);
        assertThat(m.find()).isTrue();
        return OffsetDateTime.parse(m.group(1));
    }
}
