package dev.herald.it.swap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.api.Addresses;
import dev.herald.api.Advertisements;
import dev.herald.api.BgpPeerSpec;
import dev.herald.api.BgpPolicy;
import dev.herald.api.BgpPolicySpec;
import dev.herald.api.LabelSelector;
import dev.herald.api.NodeInfo;
import dev.herald.api.Route;
import dev.herald.api.RouteType;
import dev.herald.api.ServiceIPType;
import dev.herald.api.spi.BgpServerFactory;
import dev.herald.api.spi.ClusterState;
import dev.herald.api.spi.ClusterWriter;
import dev.herald.api.spi.Registration;
import dev.herald.api.spi.RouteSource;
import dev.herald.backend.gobgp.GobgpBgpServerFactory;
import dev.herald.backend.nativebgp.NativeBgpServerFactory;
import dev.herald.controller.BgpPolicyReconciler;
import dev.herald.it.peers.BirdDaemon;
import dev.herald.it.peers.Daemons;
import dev.herald.simulator.peer.EmulatedPeer;
import dev.herald.simulator.peer.EmulatedPeerConfig;
import dev.herald.simulator.peer.RouteEvent;
import dev.herald.simulator.peer.SessionInfo;
import dev.herald.support.gobgp.GobgpdBinary;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 7, the backend switch: the BGPPolicy reconciler in plain Java (no OSGi) with 10,000 routes, switched from
 * the native backend to goBGP and back while a peer with graceful restart watches. Nothing still wanted may ever be
 * withdrawn, and the peer must end with exactly the desired table. Prints the convergence time of each switch.
 */
class BackendSwitchTest {
    private static final int ROUTES = 10_000;
    private static final long AGENT_AS = 65001;
    private static final long PEER_AS = 65000;
    private static final Duration CONVERGE = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    private final List<AutoCloseable> cleanup = new ArrayList<>();
    private final Map<String, BgpServerFactory> factories = Map.of(
            "native", new NativeBgpServerFactory(), "gobgp", new GobgpBgpServerFactory());
    private volatile String backend = "native";

    @BeforeEach
    void daemons() {
        Daemons.assumeInstalled("gobgpd", GobgpdBinary.installed());
    }

    @AfterEach
    void tearDown() throws Exception {
        for (int i = cleanup.size() - 1; i >= 0; i--) {
            cleanup.get(i).close();
        }
    }

    /** The routes the source wants: 10,000 ClusterIP /32 from 10.96.0.1 on. */
    static Set<Route> desired() {
        Set<Route> out = new HashSet<>();
        for (int i = 0; i < ROUTES; i++) {
            out.add(Route.of("10.96." + (i / 250) + "." + (i % 250 + 1), RouteType.SERVICE_CLUSTER_IP,
                    "ns/svc" + i));
        }
        return out;
    }

    static Set<String> desiredPrefixes() {
        return desired().stream().map(r -> r.prefix().toCanonicalString()).collect(Collectors.toSet());
    }

    /** A reconciler for node1 (listening on {@code agent}) under one policy with one peer. */
    private BgpPolicyReconciler reconciler(String agent, int listenPort, String peer, int peerPort) {
        NodeInfo node = new NodeInfo("node1", Map.of(), Map.of(NodeInfo.ROUTER_ID_ANNOTATION, "10.255.0.1"),
                List.of(Addresses.address(agent, "ip")), List.of());
        BgpPolicy policy = new BgpPolicy("swap", Instant.ofEpochSecond(100), 1, new BgpPolicySpec(LabelSelector.ALL,
                AGENT_AS, listenPort, Optional.empty(),
                new Advertisements(Set.of(ServiceIPType.CLUSTER_IP), false, false),
                List.of(new BgpPeerSpec(Addresses.address(peer, "peer"), PEER_AS, peerPort, 1, 120))));
        Set<Route> routes = desired();
        RouteSource source = new RouteSource() {
            @Override
            public Set<RouteType> types() {
                return Set.of(RouteType.SERVICE_CLUSTER_IP);
            }

            @Override
            public Set<Route> routes(NodeInfo n, Advertisements a) {
                return routes;
            }

            @Override
            public Set<Route> routes(NodeInfo n, Advertisements a, Collection<String> owners) {
                return routes.stream().filter(r -> owners.contains(r.owner().orElse(""))).collect(Collectors.toSet());
            }

            @Override
            public Registration addListener(Listener listener) {
                return () -> { };
            }
        };
        ClusterState cluster = new dev.herald.testing.InMemoryClusterState(node, policy);
        BgpPolicyReconciler r = new BgpPolicyReconciler(cluster, ClusterWriter.NONE,
                () -> Optional.ofNullable(factories.get(backend)), () -> List.of(source),
                new BgpPolicyReconciler.Settings(Optional.of(Addresses.address(agent, "listen"))));
        cleanup.add(() -> {
            if (r.server() != null) {
                r.server().stop();
            }
        });
        return r;
    }

    /** Edits `backend` as etc/herald.cfg would and runs the pass the controller's loop would run. */
    private void switchTo(BgpPolicyReconciler r, String to) {
        backend = to;
        r.invalidate();
        r.reconcile();
    }

    @Test
    void anEmulatedPeerWithGracefulRestartSeesNoWithdrawalAcrossNativeToGobgpToNative() throws Exception {
        InetAddress agent = InetAddress.getByName("127.0.0.61");
        EmulatedPeer r1 = EmulatedPeer.start(EmulatedPeerConfig.of("r1", InetAddress.getByName("127.0.0.62"), 0,
                PEER_AS, "10.0.0.62"));
        cleanup.add(r1);
        BgpPolicyReconciler r = reconciler("127.0.0.61", Daemons.freePort(), "127.0.0.62",
                r1.localAddress().getPort());
        Set<String> want = desiredPrefixes();
        long t0 = System.nanoTime();
        r.reconcile();
        await().atMost(CONVERGE).until(() -> converged(r1, agent, want, null));
        System.out.printf("[swap] emulated peer: initial table of %,d routes on native in %d ms%n", ROUTES,
                (System.nanoTime() - t0) / 1_000_000);

        for (String to : List.of("gobgp", "native")) {
            r1.clearEvents();
            SessionInfo before = r1.session(agent).orElseThrow();
            long start = System.nanoTime();
            switchTo(r, to);
            long applied = System.nanoTime();
            await().atMost(CONVERGE).pollInterval(Duration.ofMillis(20))
                    .until(() -> converged(r1, agent, want, before.establishedSince().orElseThrow()));
            long done = System.nanoTime();
            System.out.printf("[swap] emulated peer: switch to %s applied in %d ms, converged (new session, "
                    + "End-of-RIB, %,d routes none stale) in %d ms%n", to, (applied - start) / 1_000_000, ROUTES,
                    (done - start) / 1_000_000);
            List<RouteEvent> withdrawals = r1.events().stream().filter(e -> e.kind() == RouteEvent.Kind.WITHDRAW)
                    .toList();
            assertThat(withdrawals).as("withdrawals during the switch to " + to).isEmpty();
            assertThat(r1.prefixes()).isEqualTo(want);
        }
    }

    private static boolean converged(EmulatedPeer peer, InetAddress agent, Set<String> want, Instant after) {
        return dev.herald.it.peers.PeerTables.freshAndExactly(peer, agent, want, after);
    }

    @Test
    void birdWithGracefulRestartNeverLosesARouteAcrossNativeToGobgpToNative() throws Exception {
        Daemons.assumeInstalled("bird2", BirdDaemon.installed());
        int birdPort = Daemons.freePort();
        int heraldPort = Daemons.freePort();
        BirdDaemon bird = BirdDaemon.start(tmp.resolve("bird"), "127.0.0.64", "::1", birdPort, PEER_AS,
                "10.0.0.64", List.of(BirdDaemon.Neighbor.of("127.0.0.63", heraldPort, AGENT_AS)), true);
        cleanup.add(bird);
        BgpPolicyReconciler r = reconciler("127.0.0.63", heraldPort, "127.0.0.64", birdPort);
        long t0 = System.nanoTime();
        r.reconcile();
        await().atMost(CONVERGE).pollInterval(Duration.ofMillis(100)).until(() -> bird.routeCount() == ROUTES);
        System.out.printf("[swap] BIRD: initial table of %,d routes on native in %d ms%n", ROUTES,
                (System.nanoTime() - t0) / 1_000_000);

        for (String to : List.of("gobgp", "native")) {
            String since = bird.protocolSince("peer1");
            long start = System.nanoTime();
            long min;
            long polls;
            try (dev.herald.it.peers.RouteCountWatch watch = dev.herald.it.peers.RouteCountWatch.start(bird)) {
                switchTo(r, to);
                await().atMost(CONVERGE).pollInterval(Duration.ofMillis(100)).until(() ->
                        bird.protocolState("peer1").equals("Established") && !bird.protocolSince("peer1")
                                .equals(since) && bird.routes().values().stream().noneMatch(BirdDaemon.BirdRoute::stale)
                                && bird.routeCount() == ROUTES);
                watch.close();
                min = watch.min();
                polls = watch.polls();
            }
            long done = System.nanoTime();
            System.out.printf("[swap] BIRD: switch to %s converged (new session, %,d routes none stale) in %d ms; "
                    + "route count polled %d times, never below %,d%n", to, ROUTES, (done - start) / 1_000_000,
                    polls, min);
            assertThat(polls).isPositive();
            assertThat(min).as("BIRD's route count during the switch to " + to).isEqualTo(ROUTES);
            assertThat(bird.routes().keySet()).isEqualTo(desiredPrefixes());
        }
    }
}
