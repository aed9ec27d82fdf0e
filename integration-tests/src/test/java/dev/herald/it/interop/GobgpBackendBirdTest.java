package dev.herald.it.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.api.Addresses;
import dev.herald.api.GlobalConfig;
import dev.herald.api.PeerConfig;
import dev.herald.api.PeerKey;
import dev.herald.api.PeerStatus;
import dev.herald.api.Route;
import dev.herald.api.RouteType;
import dev.herald.api.SessionState;
import dev.herald.api.spi.StopMode;
import dev.herald.backend.gobgp.GobgpBgpServer;
import dev.herald.backend.gobgp.GobgpBgpServerFactory;
import dev.herald.backend.gobgp.GobgpdSettings;
import dev.herald.it.peers.BirdDaemon;
import dev.herald.it.peers.Daemons;
import dev.herald.support.gobgp.GobgpdBinary;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The goBGP backend (a real gobgpd that Herald starts and supervises) against a real BIRD 2 on loopback. gobgpd
 * sends its own session address as next hop; BIRD on 127.0.0.2 takes loopback next hops (routes show unreachable,
 * but are in its table).
 */
class GobgpBackendBirdTest {
    private static final Duration SESSION = Duration.ofSeconds(40);

    @TempDir
    Path tmp;
    private final List<AutoCloseable> cleanup = new ArrayList<>();

    @BeforeEach
    void needsDaemons() {
        Daemons.assumeInstalled("bird2", BirdDaemon.installed());
        Daemons.assumeInstalled("gobgpd", GobgpdBinary.installed());
    }

    @AfterEach
    void tearDown() throws Exception {
        for (int i = cleanup.size() - 1; i >= 0; i--) {
            cleanup.get(i).close();
        }
    }

    private GobgpBgpServer herald(long asn, String listen, int port) {
        GobgpBgpServer s = (GobgpBgpServer) new GobgpBgpServerFactory().create(GlobalConfig.of(asn, "10.255.0.1")
                .withListenPort(port).withListenAddress(Addresses.address(listen, "listen")));
        cleanup.add(() -> s.stop());
        return s;
    }

    private BirdDaemon bird(String name, long asn, int port, List<BirdDaemon.Neighbor> neighbors, boolean gr)
            throws Exception {
        BirdDaemon b = BirdDaemon.start(tmp.resolve(name), "127.0.0.2", "::1", port, asn, "10.255.0.2",
                neighbors, gr);
        cleanup.add(b);
        return b;
    }

    /** n host routes 10.96.x.y (x from {@code third}), 250 a /24. */
    private static List<Route> ipv4Hosts(int third, int n) {
        List<Route> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(Route.of("10.96." + (third + i / 250) + "." + (i % 250 + 1), RouteType.SERVICE_CLUSTER_IP,
                    "ns/svc" + i));
        }
        return out;
    }

    private static List<Route> ipv6Hosts(int n) {
        List<Route> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(Route.of("fd00:10:96::" + Integer.toHexString(i + 1), RouteType.SERVICE_CLUSTER_IP, "ns/v6-" + i));
        }
        return out;
    }

    private static Set<String> prefixes(List<Route> routes) {
        return routes.stream().map(r -> r.prefix().toCanonicalString()).collect(Collectors.toSet());
    }

    private static PeerStatus status(GobgpBgpServer s, PeerKey key) {
        return s.peers().stream().filter(p -> p.key().equals(key)).findFirst().orElseThrow();
    }

    @Test
    void ipv4AndIpv6BatchesArriveWithNextHopSelfAndLeaveOnWithdraw() throws Exception {
        int heraldPort = Daemons.freePort();
        int heraldPort6 = Daemons.freePort();
        int birdPort = Daemons.freePort();
        BirdDaemon bird = bird("bird", 65000, birdPort, List.of(
                BirdDaemon.Neighbor.of("127.0.0.1", heraldPort, 65001),
                BirdDaemon.Neighbor.of("::1", heraldPort6, 65001)), false);
        GobgpBgpServer v4 = herald(65001, "127.0.0.1", heraldPort);
        v4.start();
        v4.addPeer(PeerConfig.of("127.0.0.2", 65000).withPort(birdPort));
        GobgpBgpServer v6 = herald(65001, "::1", heraldPort6);
        v6.start();
        v6.addPeer(PeerConfig.of("::1", 65000).withPort(birdPort));

        List<Route> batch4 = new ArrayList<>(ipv4Hosts(0, 1000)); // through AddPathStream
        batch4.add(Route.of("10.244.1.0/24", RouteType.NODE_IPAM_POD_CIDR, null));
        List<Route> batch6 = ipv6Hosts(300);
        v4.advertise(batch4);
        v6.advertise(batch6);

        await().atMost(SESSION).until(() -> count(bird) == 1301);
        Map<String, BirdDaemon.BirdRoute> routes = bird.routes();
        assertThat(routes.keySet()).containsAll(prefixes(batch4)).containsAll(prefixes(batch6));
        assertThat(routes.get("10.96.0.1/32").nextHop()).isEqualTo("127.0.0.1");
        assertThat(routes.get("10.96.0.1/32").asPath()).isEqualTo("65001");
        assertThat(routes.get("10.244.1.0/24").asPath()).isEqualTo("65001");
        assertThat(routes.get("fd00:10:96::1/128").nextHop()).isEqualTo("::1");
        assertThat(v4.routes()).hasSize(1001);
        assertThat(v4.routesByPeer().get(PeerKey.of("127.0.0.2", 65000))).hasSize(1001);
        assertThat(status(v4, PeerKey.of("127.0.0.2", 65000)).prefixesSent()).isEqualTo(1001);

        v4.withdraw(batch4.subList(0, 600));
        v6.withdraw(batch6.subList(0, 5)); // one call each
        await().atMost(SESSION).until(() -> count(bird) == 1301 - 605);
        routes = bird.routes();
        assertThat(routes).doesNotContainKey("10.96.0.1/32").doesNotContainKey("fd00:10:96::1/128")
                .containsKey("10.244.1.0/24").containsKey("fd00:10:96::6/128");
        assertThat(v4.routesByPeer().get(PeerKey.of("127.0.0.2", 65000))).hasSize(401);
    }

    @Test
    void repeatsAreHarmlessAndTheTableStaysRight() throws Exception {
        int heraldPort = Daemons.freePort();
        int birdPort = Daemons.freePort();
        BirdDaemon bird = bird("bird", 65000, birdPort, List.of(
                BirdDaemon.Neighbor.of("127.0.0.1", heraldPort, 65001)), false);
        GobgpBgpServer s = herald(65001, "127.0.0.1", heraldPort);
        PeerConfig peer = PeerConfig.of("127.0.0.2", 65000).withPort(birdPort);
        s.start();
        s.start();
        s.addPeer(peer);
        s.addPeer(peer);
        List<Route> batch = ipv4Hosts(0, 100);
        s.advertise(batch);
        s.advertise(batch);
        await().atMost(SESSION).until(() -> count(bird) == 100);
        Instant up = status(s, peer.key()).establishedSince().orElseThrow();
        s.withdraw(batch.subList(0, 50));
        s.withdraw(batch.subList(0, 50));
        s.withdraw(List.of(Route.of("10.1.2.3", RouteType.EGRESS_IP, "never-advertised")));
        s.removePeer(PeerKey.of("127.0.0.9", 65000));
        await().atMost(SESSION).until(() -> count(bird) == 50);
        assertThat(s.routes()).hasSize(50);
        // nothing of this touched the session
        assertThat(status(s, peer.key()).establishedSince()).contains(up);
        assertThat(bird.protocolState("peer1")).isEqualTo("Established");
    }

    @Test
    void peersAreAddedUpdatedAndRemovedWithTheirStates() throws Exception {
        int heraldPort = Daemons.freePort();
        int birdPort = Daemons.freePort();
        BirdDaemon bird = bird("bird", 65000, birdPort, List.of(
                new BirdDaemon.Neighbor("127.0.0.1", heraldPort, 65001, "s3cret-key", false)), true);
        GobgpBgpServer s = herald(65001, "127.0.0.1", heraldPort);
        s.start();
        PeerKey key = PeerKey.of("127.0.0.2", 65000);
        // wrong port and no password: never Established
        PeerConfig wrong = PeerConfig.of("127.0.0.2", 65000).withPort(Daemons.freePort());
        s.addPeer(wrong);
        s.advertise(ipv4Hosts(0, 10));
        assertThat(s.peers()).extracting(PeerStatus::key).containsExactly(key);
        Thread.sleep(3000);
        assertThat(status(s, key).state()).isNotEqualTo(SessionState.ESTABLISHED);
        assertThat(status(s, key).establishedSince()).isEmpty();
        assertThat(count(bird)).isZero();

        PeerConfig right = wrong.withPort(birdPort).withPassword("s3cret-key");
        s.updatePeer(right);
        await().atMost(SESSION).until(() -> status(s, key).state() == SessionState.ESTABLISHED);
        await().atMost(SESSION).until(() -> count(bird) == 10);
        PeerStatus st = status(s, key);
        assertThat(st.establishedSince()).isPresent();
        assertThat(st.uptime(Instant.now())).isLessThan(Duration.ofMinutes(1));
        assertThat(st.messagesSent()).isPositive();
        assertThat(st.messagesReceived()).isPositive();

        // a new restart time and a TTL: the session comes back with them
        s.updatePeer(right.withGracefulRestartTimeSeconds(90).withMultihopTtl(5));
        await().atMost(SESSION).until(() -> status(s, key).state() == SessionState.ESTABLISHED
                && status(s, key).config().multihopTtl() == 5);
        await().atMost(SESSION).until(() -> count(bird) == 10);

        s.removePeer(key);
        assertThat(s.peers()).isEmpty();
        await().atMost(SESSION).until(() -> !bird.protocolState("peer1").equals("Established"));
        await().atMost(SESSION).until(() -> count(bird) == 0);
    }

    @Test
    void ibgpWithAFourOctetAsnSendsAnEmptyPath() throws Exception {
        int heraldPort = Daemons.freePort();
        int birdPort = Daemons.freePort();
        BirdDaemon bird = bird("bird", 4_200_000_001L, birdPort, List.of(
                BirdDaemon.Neighbor.of("127.0.0.1", heraldPort, 4_200_000_001L)), false);
        GobgpBgpServer s = herald(4_200_000_001L, "127.0.0.1", heraldPort);
        s.start();
        s.addPeer(PeerConfig.of("127.0.0.2", 4_200_000_001L).withPort(birdPort));
        s.advertise(List.of(Route.of("10.96.0.11", RouteType.SERVICE_CLUSTER_IP, "default/a")));
        await().atMost(SESSION).until(() -> bird.routes().containsKey("10.96.0.11/32"));
        assertThat(bird.routes().get("10.96.0.11/32").asPath()).isEmpty();
        assertThat(bird.routes().get("10.96.0.11/32").nextHop()).isEqualTo("127.0.0.1");
    }

    @Test
    void aKilledGobgpdComesBackWithItsPeersAndRoutes() throws Exception {
        int heraldPort = Daemons.freePort();
        int birdPort = Daemons.freePort();
        BirdDaemon bird = bird("bird", 65000, birdPort, List.of(
                BirdDaemon.Neighbor.of("127.0.0.1", heraldPort, 65001)), false);
        GobgpBgpServer s = herald(65001, "127.0.0.1", heraldPort);
        s.start();
        PeerKey key = PeerKey.of("127.0.0.2", 65000);
        s.addPeer(PeerConfig.of("127.0.0.2", 65000).withPort(birdPort));
        List<Route> batch = ipv4Hosts(0, 500);
        s.advertise(batch);
        await().atMost(SESSION).until(() -> count(bird) == 500);

        long pid = s.daemonPid().orElseThrow();
        ProcessHandle.of(pid).orElseThrow().destroyForcibly(); // kill -9
        // BIRD (no graceful restart here) drops the routes when the session goes
        await().atMost(SESSION).until(() -> count(bird) == 0);
        await().atMost(SESSION).until(() -> s.daemonPid().isPresent() && s.daemonPid().getAsLong() != pid);
        await().atMost(SESSION).until(() -> count(bird) == 500);
        assertThat(bird.routes().keySet()).containsAll(prefixes(batch));
        await().atMost(SESSION).until(() -> status(s, key).state() == SessionState.ESTABLISHED);
        assertThat(s.routes()).hasSize(500);

        // and it takes changes as before
        s.withdraw(batch.subList(0, 100));
        await().atMost(SESSION).until(() -> count(bird) == 400);
    }

    @Test
    void aGracefulRestartStopClosesWithoutCeaseSoBirdKeepsTheRoutesAsStale() throws Exception {
        int heraldPort = Daemons.freePort();
        int birdPort = Daemons.freePort();
        BirdDaemon bird = bird("bird", 65000, birdPort, List.of(
                BirdDaemon.Neighbor.of("127.0.0.1", heraldPort, 65001)), true);
        GobgpBgpServer s = herald(65001, "127.0.0.1", heraldPort);
        s.start();
        s.addPeer(PeerConfig.of("127.0.0.2", 65000).withPort(birdPort));
        s.advertise(List.of(Route.of("10.96.0.13", RouteType.SERVICE_CLUSTER_IP, "default/a")));
        await().atMost(SESSION).until(() -> bird.routes().containsKey("10.96.0.13/32"));
        long pid = s.daemonPid().orElseThrow();

        s.stop(StopMode.GRACEFUL_RESTART);
        assertThat(ProcessHandle.of(pid)).isEmpty();
        await().atMost(SESSION).until(() -> !bird.protocolState("peer1").equals("Established"));
        Thread.sleep(1000);
        assertThat(bird.routes()).containsKey("10.96.0.13/32");

        GobgpBgpServer back = herald(65001, "127.0.0.1", heraldPort);
        back.start();
        back.addPeer(PeerConfig.of("127.0.0.2", 65000).withPort(birdPort));
        back.advertise(List.of(Route.of("10.96.0.13", RouteType.SERVICE_CLUSTER_IP, "default/a")));
        await().atMost(SESSION).until(() -> bird.protocolState("peer1").equals("Established"));
        await().atMost(SESSION).until(() -> !bird.routes().get("10.96.0.13/32").stale());
    }

    @Test
    void aStopWithCeaseMakesBirdDropTheRoutesAtOnceAndEndsTheDaemon() throws Exception {
        int heraldPort = Daemons.freePort();
        int birdPort = Daemons.freePort();
        BirdDaemon bird = bird("bird", 65000, birdPort, List.of(
                BirdDaemon.Neighbor.of("127.0.0.1", heraldPort, 65001)), true);
        GobgpBgpServer s = herald(65001, "127.0.0.1", heraldPort);
        s.start();
        s.addPeer(PeerConfig.of("127.0.0.2", 65000).withPort(birdPort));
        s.advertise(List.of(Route.of("10.96.0.14", RouteType.SERVICE_CLUSTER_IP, "default/a")));
        await().atMost(SESSION).until(() -> bird.routes().containsKey("10.96.0.14/32"));
        long pid = s.daemonPid().orElseThrow();
        s.stop(StopMode.CEASE);
        await().atMost(Duration.ofSeconds(5)).until(() -> bird.routes().isEmpty());
        assertThat(ProcessHandle.of(pid)).isEmpty();
    }

    @Test
    void aRestartWithANewAsnRouterIdAndPortReachesBird() throws Exception {
        int port1 = Daemons.freePort();
        int port2 = Daemons.freePort();
        int birdPort = Daemons.freePort();
        BirdDaemon bird = bird("bird", 65000, birdPort, List.of(
                BirdDaemon.Neighbor.of("127.0.0.1", port1, 65001),
                BirdDaemon.Neighbor.of("127.0.0.3", port2, 65002)), false);
        GobgpBgpServer first = herald(65001, "127.0.0.1", port1);
        first.start();
        first.addPeer(PeerConfig.of("127.0.0.2", 65000).withPort(birdPort));
        first.advertise(List.of(Route.of("10.96.0.15", RouteType.SERVICE_CLUSTER_IP, "default/a")));
        await().atMost(SESSION).until(() -> bird.routes().containsKey("10.96.0.15/32"));
        first.stop();

        GobgpBgpServer second = (GobgpBgpServer) new GobgpBgpServerFactory().create(new GlobalConfig(65002,
                Addresses.ipv4("10.255.0.3", "id"), port2, java.util.Optional.of(Addresses.address("127.0.0.3", "a")),
                java.util.Optional.empty(), true));
        cleanup.add(() -> second.stop());
        second.start();
        second.addPeer(PeerConfig.of("127.0.0.2", 65000).withPort(birdPort));
        second.advertise(List.of(Route.of("10.96.0.15", RouteType.SERVICE_CLUSTER_IP, "default/a")));
        await().atMost(SESSION).until(() -> "65002".equals(asPathOf(bird, "10.96.0.15/32")));
        assertThat(bird.protocolState("peer2")).isEqualTo("Established");
        assertThat(bird.routes().get("10.96.0.15/32").nextHop()).isEqualTo("127.0.0.3");
    }

    @Test
    void attachedToARunningGobgpdItConfiguresItAndReappliesEverythingWhenThatDaemonComesBackEmpty()
            throws Exception {
        int heraldPort = Daemons.freePort();
        int birdPort = Daemons.freePort();
        int apiPort = Daemons.freePort();
        BirdDaemon bird = bird("bird", 65000, birdPort, List.of(
                BirdDaemon.Neighbor.of("127.0.0.1", heraldPort, 65001)), false);
        Process first = gobgpd(apiPort, "first");
        GobgpBgpServer s = (GobgpBgpServer) new GobgpBgpServerFactory(GobgpdSettings.attach(
                new InetSocketAddress("127.0.0.1", apiPort))).create(GlobalConfig.of(65001, "10.255.0.1")
                .withListenPort(heraldPort).withListenAddress(Addresses.address("127.0.0.1", "listen")));
        cleanup.add(() -> s.stop());
        s.start();
        assertThat(s.daemonPid()).isEmpty(); // not Herald's to supervise
        s.addPeer(PeerConfig.of("127.0.0.2", 65000).withPort(birdPort));
        s.advertise(ipv4Hosts(0, 50));
        await().atMost(SESSION).until(() -> count(bird) == 50);

        // someone restarts the daemon: it comes back with AS 0, and Herald gives it everything again
        first.destroyForcibly().waitFor();
        gobgpd(apiPort, "second");
        await().atMost(SESSION).until(() -> count(bird) == 50
                && bird.protocolState("peer1").equals("Established"));
        assertThat(s.routes()).hasSize(50);

        // stop ends BGP with StopBgp (a Cease) but leaves the daemon running, unconfigured
        s.stop();
        await().atMost(Duration.ofSeconds(5)).until(() -> count(bird) == 0);
        GobgpBgpServer again = (GobgpBgpServer) new GobgpBgpServerFactory(GobgpdSettings.attach(
                new InetSocketAddress("127.0.0.1", apiPort))).create(GlobalConfig.of(65002, "10.255.0.9")
                .withListenPort(heraldPort).withListenAddress(Addresses.address("127.0.0.1", "listen")));
        cleanup.add(() -> again.stop());
        again.start(); // a new speaker on the same daemon
        assertThat(again.peers()).isEmpty();
    }

    /** A gobgpd with no config and its API on 127.0.0.1:apiPort, as an operator would run one for Herald. */
    private Process gobgpd(int apiPort, String name) throws Exception {
        Path binary = GobgpdBinary.find().orElseThrow();
        Process p = new ProcessBuilder(binary.toString(), "--api-hosts", "127.0.0.1:" + apiPort, "--pprof-disable")
                .redirectErrorStream(true).redirectOutput(tmp.resolve("gobgpd-" + name + ".log").toFile()).start();
        cleanup.add(() -> {
            p.destroy();
            p.waitFor();
        });
        return p;
    }

    /**
     * The routes BIRD holds, from the Total line of {@code show route count} (BirdDaemon.routeCount adds that line
     * to the per-table lines, so it counts every route twice).
     */
    private static long count(BirdDaemon bird) throws Exception {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("Total: (\\d+) of")
                .matcher(bird.birdc("show route count"));
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    private static String asPathOf(BirdDaemon bird, String prefix) throws Exception {
        BirdDaemon.BirdRoute r = bird.routes().get(prefix);
        return r == null ? null : r.asPath();
    }
}
