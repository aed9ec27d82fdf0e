package dev.herald.it.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.api.Addresses;
import dev.herald.api.GlobalConfig;
import dev.herald.api.PeerConfig;
import dev.herald.api.Route;
import dev.herald.api.RouteType;
import dev.herald.api.SessionState;
import dev.herald.api.spi.BgpServer;
import dev.herald.api.spi.StopMode;
import dev.herald.backend.nativebgp.NativeBgpServerFactory;
import dev.herald.it.peers.BirdDaemon;
import dev.herald.it.peers.Daemons;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Herald's native speaker against a real BIRD 2 on loopback. */
class NativeSpeakerBirdTest {
    private static final Duration SESSION = Duration.ofSeconds(30);

    @TempDir
    Path tmp;
    private final List<AutoCloseable> cleanup = new ArrayList<>();

    @BeforeEach
    void needsBird() {
        Daemons.assumeInstalled("bird2", BirdDaemon.installed());
    }

    @AfterEach
    void tearDown() throws Exception {
        for (int i = cleanup.size() - 1; i >= 0; i--) {
            cleanup.get(i).close();
        }
    }

    private BgpServer herald(long asn, String listen, int port) {
        BgpServer s = new NativeBgpServerFactory().create(GlobalConfig.of(asn, "10.255.0.1").withListenPort(port)
                .withListenAddress(Addresses.address(listen, "listen")));
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

    @Test
    void ebgpIpv4AndIpv6RoutesArriveWithTheRightNextHopAndPathAndLeaveOnWithdraw() throws Exception {
        int heraldPort = Daemons.freePort();
        int heraldPort6 = Daemons.freePort();
        int birdPort = Daemons.freePort();
        BirdDaemon bird = bird("bird", 65000, birdPort, List.of(
                BirdDaemon.Neighbor.of("127.0.0.1", heraldPort, 65001),
                BirdDaemon.Neighbor.of("::1", heraldPort6, 65001)), false);
        BgpServer v4 = herald(65001, "127.0.0.1", heraldPort);
        v4.start();
        v4.addPeer(PeerConfig.of("127.0.0.2", 65000).withPort(birdPort));
        BgpServer v6 = herald(65001, "::1", heraldPort6);
        v6.start();
        v6.addPeer(PeerConfig.of("::1", 65000).withPort(birdPort));

        v4.advertise(List.of(Route.of("10.96.0.10", RouteType.SERVICE_CLUSTER_IP, "default/web"),
                Route.of("10.244.1.0/24", RouteType.NODE_IPAM_POD_CIDR, null)));
        v6.advertise(List.of(Route.of("fd00:10:96::10", RouteType.SERVICE_CLUSTER_IP, "default/web")));

        await().atMost(SESSION).until(() -> bird.routes().size() == 3);
        Map<String, BirdDaemon.BirdRoute> routes = bird.routes();
        assertThat(routes.get("10.96.0.10/32").nextHop()).isEqualTo("127.0.0.1");
        assertThat(routes.get("10.96.0.10/32").asPath()).isEqualTo("65001");
        assertThat(routes.get("10.244.1.0/24").asPath()).isEqualTo("65001");
        assertThat(routes.get("fd00:10:96::10/128").nextHop()).isEqualTo("::1");

        v4.withdraw(List.of(Route.of("10.96.0.10", RouteType.SERVICE_CLUSTER_IP, "default/web")));
        await().atMost(SESSION).until(() -> !bird.routes().containsKey("10.96.0.10/32"));
        assertThat(bird.routes()).containsOnlyKeys("10.244.1.0/24", "fd00:10:96::10/128");
    }

    @Test
    void ibgpWithFourOctetAsn() throws Exception {
        int heraldPort = Daemons.freePort();
        int birdPort = Daemons.freePort();
        BirdDaemon bird = bird("bird", 4_200_000_001L, birdPort, List.of(
                BirdDaemon.Neighbor.of("127.0.0.1", heraldPort, 4_200_000_001L)), false);
        BgpServer s = herald(4_200_000_001L, "127.0.0.1", heraldPort);
        s.start();
        s.addPeer(PeerConfig.of("127.0.0.2", 4_200_000_001L).withPort(birdPort));
        s.advertise(List.of(Route.of("10.96.0.11", RouteType.SERVICE_CLUSTER_IP, "default/a")));
        await().atMost(SESSION).until(() -> bird.routes().containsKey("10.96.0.11/32"));
        assertThat(bird.routes().get("10.96.0.11/32").asPath()).isEmpty();
    }

    @Test
    void whenBirdRestartsTheSessionReturnsAndTheTableIsSentAgain() throws Exception {
        int heraldPort = Daemons.freePort();
        int birdPort = Daemons.freePort();
        List<BirdDaemon.Neighbor> n = List.of(BirdDaemon.Neighbor.of("127.0.0.1", heraldPort, 65001));
        BirdDaemon bird = bird("bird1", 65000, birdPort, n, false);
        BgpServer s = herald(65001, "127.0.0.1", heraldPort);
        s.start();
        s.addPeer(PeerConfig.of("127.0.0.2", 65000).withPort(birdPort));
        s.advertise(List.of(Route.of("10.96.0.12", RouteType.SERVICE_CLUSTER_IP, "default/a")));
        await().atMost(SESSION).until(() -> bird.routes().containsKey("10.96.0.12/32"));

        bird.close();
        BirdDaemon again = bird("bird2", 65000, birdPort, n, false);
        await().atMost(SESSION).until(() -> again.routes().containsKey("10.96.0.12/32"));
    }

    @Test
    void aGracefulRestartOfTheSpeakerKeepsItsRoutesInBirdAsStale() throws Exception {
        int heraldPort = Daemons.freePort();
        int birdPort = Daemons.freePort();
        BirdDaemon bird = bird("bird", 65000, birdPort, List.of(
                BirdDaemon.Neighbor.of("127.0.0.1", heraldPort, 65001)), true);
        BgpServer s = herald(65001, "127.0.0.1", heraldPort);
        s.start();
        s.addPeer(PeerConfig.of("127.0.0.2", 65000).withPort(birdPort));
        s.advertise(List.of(Route.of("10.96.0.13", RouteType.SERVICE_CLUSTER_IP, "default/a")));
        await().atMost(SESSION).until(() -> bird.routes().containsKey("10.96.0.13/32"));

        s.stop(StopMode.GRACEFUL_RESTART);
        // BIRD notices the session is gone and keeps the route, marked stale, for the restart time
        await().atMost(SESSION).until(() -> !bird.protocolState("peer1").equals("Established"));
        Thread.sleep(1000);
        assertThat(bird.routes()).containsKey("10.96.0.13/32");

        BgpServer back = herald(65001, "127.0.0.1", heraldPort);
        back.start();
        back.addPeer(PeerConfig.of("127.0.0.2", 65000).withPort(birdPort));
        back.advertise(List.of(Route.of("10.96.0.13", RouteType.SERVICE_CLUSTER_IP, "default/a")));
        await().atMost(SESSION).until(() -> bird.protocolState("peer1").equals("Established"));
        assertThat(bird.routes()).containsKey("10.96.0.13/32");
    }

    @Test
    void aStopWithCeaseMakesBirdDropTheRoutesAtOnce() throws Exception {
        int heraldPort = Daemons.freePort();
        int birdPort = Daemons.freePort();
        BirdDaemon bird = bird("bird", 65000, birdPort, List.of(
                BirdDaemon.Neighbor.of("127.0.0.1", heraldPort, 65001)), true);
        BgpServer s = herald(65001, "127.0.0.1", heraldPort);
        s.start();
        s.addPeer(PeerConfig.of("127.0.0.2", 65000).withPort(birdPort));
        s.advertise(List.of(Route.of("10.96.0.14", RouteType.SERVICE_CLUSTER_IP, "default/a")));
        await().atMost(SESSION).until(() -> bird.routes().containsKey("10.96.0.14/32"));
        s.stop(StopMode.CEASE);
        await().atMost(Duration.ofSeconds(5)).until(() -> bird.routes().isEmpty());
    }

    @Test
    void aTcpMd5PasswordEstablishesWithTheRightKeyAndNeverWithAWrongOne() throws Exception {
        int heraldPort = Daemons.freePort();
        int birdPort = Daemons.freePort();
        BirdDaemon bird = bird("bird", 65000, birdPort, List.of(
                new BirdDaemon.Neighbor("127.0.0.1", heraldPort, 65001, "s3cret-key", false)), false);
        BgpServer wrong = herald(65001, "127.0.0.1", heraldPort);
        wrong.start();
        wrong.addPeer(PeerConfig.of("127.0.0.2", 65000).withPort(birdPort).withPassword("not-the-key"));
        wrong.advertise(List.of(Route.of("10.96.0.15", RouteType.SERVICE_CLUSTER_IP, "default/a")));
        // both sides keep trying for a while; the kernel drops every segment with a bad signature
        Thread.sleep(6000);
        assertThat(wrong.peers().get(0).state()).isNotEqualTo(SessionState.ESTABLISHED);
        assertThat(bird.protocolState("peer1")).isNotEqualTo("Established");
        assertThat(bird.routes()).isEmpty();

        wrong.updatePeer(PeerConfig.of("127.0.0.2", 65000).withPort(birdPort).withPassword("s3cret-key"));
        await().atMost(SESSION).until(() -> bird.routes().containsKey("10.96.0.15/32"));
        assertThat(wrong.peers().get(0).state()).isEqualTo(SessionState.ESTABLISHED);
    }
}
