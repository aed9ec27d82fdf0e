package dev.herald.it.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.api.Addresses;
import dev.herald.api.GlobalConfig;
import dev.herald.api.PeerConfig;
import dev.herald.api.Route;
import dev.herald.api.RouteType;
import dev.herald.api.spi.BgpServer;
import dev.herald.backend.nativebgp.NativeBgpServerFactory;
import dev.herald.it.peers.Daemons;
import dev.herald.it.peers.GobgpDaemon;
import dev.herald.it.peers.NetNamespace;
import dev.herald.it.peers.NetNamespace.HostPeer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Herald's native speaker against a real goBGP daemon. goBGP 3.10 drops IPv4 routes whose next hop is in
 * 127.0.0.0/8 (treat-as-withdraw, "invalid nexthop address"), so most tests put gobgpd in a {@link NetNamespace} and
 * Herald on the root end of its veth pair (needs root); the IPv6 one on loopback runs anywhere.
 */
class NativeSpeakerGobgpTest {
    private static final Duration SESSION = Duration.ofSeconds(30);

    @TempDir
    Path tmp;
    private final List<AutoCloseable> cleanup = new ArrayList<>();

    @BeforeEach
    void needsGobgp() {
        Daemons.assumeInstalled("gobgpd", GobgpDaemon.installed());
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

    /** gobgpd in a network namespace of its own; Herald's end of the link is {@code namespace().hostAddress()}. */
    private GobgpDaemon gobgpInNamespace(long asn, int port, List<HostPeer> peers) throws Exception {
        Daemons.assumeRootWithIpCommand("gobgpd in a network namespace");
        GobgpDaemon g = GobgpDaemon.startInNamespace(tmp.resolve("gobgp"), port, asn, "10.255.0.2", peers);
        cleanup.add(g);
        return g;
    }

    @Test
    void ebgpIpv4AndIpv6RoutesArriveWithTheRightNextHopAndPathAndLeaveOnWithdraw() throws Exception {
        int heraldPort = Daemons.freePort();
        int heraldPort6 = Daemons.freePort();
        int gobgpPort = Daemons.freePort();
        GobgpDaemon gobgp = gobgpInNamespace(65000, gobgpPort, List.of(
                HostPeer.ipv4(heraldPort, 65001), HostPeer.ipv6(heraldPort6, 65001)));
        NetNamespace ns = gobgp.namespace();
        BgpServer v4 = herald(65001, ns.hostAddress(), heraldPort);
        v4.start();
        v4.addPeer(PeerConfig.of(ns.peerAddress(), 65000).withPort(gobgpPort));
        BgpServer v6 = herald(65001, ns.hostAddress6(), heraldPort6);
        v6.start();
        v6.addPeer(PeerConfig.of(ns.peerAddress6(), 65000).withPort(gobgpPort));

        // advertised before the sessions are up: sent with the initial table
        v4.advertise(List.of(Route.of("10.96.0.10", RouteType.SERVICE_CLUSTER_IP, "default/web"),
                Route.of("10.244.1.0/24", RouteType.NODE_IPAM_POD_CIDR, null)));
        v6.advertise(List.of(Route.of("fd00:10:96::10", RouteType.SERVICE_CLUSTER_IP, "default/web")));

        await().atMost(SESSION).untilAsserted(() -> assertThat(gobgp.routes()).as(gobgp::diagnostics)
                .containsOnlyKeys("10.96.0.10/32", "10.244.1.0/24", "fd00:10:96::10/128"));
        Map<String, GobgpDaemon.GobgpRoute> routes = gobgp.routes();
        assertThat(routes.get("10.96.0.10/32").nextHop()).isEqualTo(ns.hostAddress());
        assertThat(routes.get("10.96.0.10/32").asPath()).containsExactly(65001L);
        assertThat(routes.get("10.96.0.10/32").localPref()).isNull();
        assertThat(routes.get("10.244.1.0/24").nextHop()).isEqualTo(ns.hostAddress());
        assertThat(routes.get("10.244.1.0/24").asPath()).containsExactly(65001L);
        assertThat(routes.get("fd00:10:96::10/128").nextHop()).isEqualTo(ns.hostAddress6());
        assertThat(routes.get("fd00:10:96::10/128").asPath()).containsExactly(65001L);

        // advertised on established sessions: sent as an incremental UPDATE
        v4.advertise(List.of(Route.of("10.96.0.20", RouteType.SERVICE_LOAD_BALANCER_IP, "default/lb")));
        v6.advertise(List.of(Route.of("fd00:10:244:1::/64", RouteType.NODE_IPAM_POD_CIDR, null)));
        await().atMost(SESSION).untilAsserted(() -> assertThat(gobgp.routes()).as(gobgp::diagnostics)
                .containsKeys("10.96.0.20/32", "fd00:10:244:1::/64"));
        assertThat(gobgp.routes().get("10.96.0.20/32").nextHop()).isEqualTo(ns.hostAddress());
        assertThat(gobgp.routes().get("fd00:10:244:1::/64").nextHop()).isEqualTo(ns.hostAddress6());

        v4.withdraw(List.of(Route.of("10.96.0.10", RouteType.SERVICE_CLUSTER_IP, "default/web")));
        v6.withdraw(List.of(Route.of("fd00:10:96::10", RouteType.SERVICE_CLUSTER_IP, "default/web")));
        await().atMost(SESSION).untilAsserted(() -> assertThat(gobgp.routes()).as(gobgp::diagnostics)
                .containsOnlyKeys("10.244.1.0/24", "10.96.0.20/32", "fd00:10:244:1::/64"));
    }

    @Test
    void ibgpRoutesCarryAnEmptyPathAndLocalPref() throws Exception {
        int heraldPort = Daemons.freePort();
        int gobgpPort = Daemons.freePort();
        GobgpDaemon gobgp = gobgpInNamespace(65001, gobgpPort, List.of(HostPeer.ipv4(heraldPort, 65001)));
        NetNamespace ns = gobgp.namespace();
        BgpServer s = herald(65001, ns.hostAddress(), heraldPort);
        s.start();
        s.addPeer(PeerConfig.of(ns.peerAddress(), 65001).withPort(gobgpPort));
        s.advertise(List.of(Route.of("10.96.0.11", RouteType.SERVICE_CLUSTER_IP, "default/a")));

        await().atMost(SESSION).untilAsserted(() -> assertThat(gobgp.routes()).as(gobgp::diagnostics)
                .containsOnlyKeys("10.96.0.11/32"));
        GobgpDaemon.GobgpRoute r = gobgp.routes().get("10.96.0.11/32");
        assertThat(r.asPath()).isEmpty();
        assertThat(r.localPref()).isEqualTo(100L);
        assertThat(r.nextHop()).isEqualTo(ns.hostAddress());
        assertThat(gobgp.sessionState(ns.hostAddress())).isEqualTo("established");

        s.withdraw(List.of(Route.of("10.96.0.11", RouteType.SERVICE_CLUSTER_IP, "default/a")));
        await().atMost(SESSION).untilAsserted(() -> assertThat(gobgp.routes()).as(gobgp::diagnostics).isEmpty());
    }

    @Test
    void aFourOctetAsnArrivesWholeInTheAsPath() throws Exception {
        int heraldPort = Daemons.freePort();
        int heraldPort6 = Daemons.freePort();
        int gobgpPort = Daemons.freePort();
        GobgpDaemon gobgp = gobgpInNamespace(65000, gobgpPort, List.of(
                HostPeer.ipv4(heraldPort, 4_200_000_001L), HostPeer.ipv6(heraldPort6, 4_200_000_001L)));
        NetNamespace ns = gobgp.namespace();
        BgpServer v4 = herald(4_200_000_001L, ns.hostAddress(), heraldPort);
        v4.start();
        v4.addPeer(PeerConfig.of(ns.peerAddress(), 65000).withPort(gobgpPort));
        BgpServer v6 = herald(4_200_000_001L, ns.hostAddress6(), heraldPort6);
        v6.start();
        v6.addPeer(PeerConfig.of(ns.peerAddress6(), 65000).withPort(gobgpPort));
        v4.advertise(List.of(Route.of("10.96.0.12", RouteType.SERVICE_CLUSTER_IP, "default/a")));
        v6.advertise(List.of(Route.of("fd00:10:96::12", RouteType.SERVICE_CLUSTER_IP, "default/a")));

        await().atMost(SESSION).untilAsserted(() -> assertThat(gobgp.routes()).as(gobgp::diagnostics)
                .containsOnlyKeys("10.96.0.12/32", "fd00:10:96::12/128"));
        // both sides speak 4-octet AS numbers (RFC 6793): the real AS, no AS_TRANS
        assertThat(gobgp.routes().get("10.96.0.12/32").asPath()).containsExactly(4_200_000_001L);
        assertThat(gobgp.routes().get("fd00:10:96::12/128").asPath()).containsExactly(4_200_000_001L);
    }

    @Test
    void ebgpIpv6OnLoopbackNeedsNoNamespace() throws Exception {
        int heraldPort6 = Daemons.freePort();
        int gobgpPort = Daemons.freePort();
        GobgpDaemon gobgp = GobgpDaemon.start(tmp.resolve("gobgp"), "127.0.0.2", "::1", gobgpPort, 65000,
                "10.255.0.2", List.of(GobgpDaemon.Neighbor.of("::1", heraldPort6, 65001)));
        cleanup.add(gobgp);
        BgpServer v6 = herald(65001, "::1", heraldPort6);
        v6.start();
        v6.addPeer(PeerConfig.of("::1", 65000).withPort(gobgpPort));
        v6.advertise(List.of(Route.of("fd00:10:96::13", RouteType.SERVICE_CLUSTER_IP, "default/a")));

        await().atMost(SESSION).untilAsserted(() -> assertThat(gobgp.routes("ipv6")).as(gobgp::diagnostics)
                .containsOnlyKeys("fd00:10:96::13/128"));
        assertThat(gobgp.routes("ipv6").get("fd00:10:96::13/128").nextHop()).isEqualTo("::1");
        assertThat(gobgp.routes("ipv6").get("fd00:10:96::13/128").asPath()).containsExactly(65001L);

        v6.withdraw(List.of(Route.of("fd00:10:96::13", RouteType.SERVICE_CLUSTER_IP, "default/a")));
        await().atMost(SESSION).untilAsserted(() -> assertThat(gobgp.routes("ipv6")).as(gobgp::diagnostics)
                .isEmpty());
    }
}
