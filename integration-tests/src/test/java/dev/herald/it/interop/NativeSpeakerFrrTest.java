package dev.herald.it.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.api.Addresses;
import dev.herald.api.GlobalConfig;
import dev.herald.api.PeerConfig;
import dev.herald.api.PeerTimers;
import dev.herald.api.Route;
import dev.herald.api.RouteType;
import dev.herald.api.spi.BgpServer;
import dev.herald.backend.nativebgp.NativeBgpServerFactory;
import dev.herald.it.peers.Daemons;
import dev.herald.it.peers.FrrDaemon;
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
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Herald's native speaker against FRR's bgpd. FRR rejects next hops in 127.0.0.0/8 and ::1, so bgpd runs in a
 * {@link NetNamespace} of its own and Herald on the root end of its veth pair: the tests need root.
 */
class NativeSpeakerFrrTest {
    private static final Duration SESSION = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path tmp;
    private final List<AutoCloseable> cleanup = new ArrayList<>();

    @BeforeEach
    void needsFrrAndRoot() {
        Daemons.assumeInstalled("frr", FrrDaemon.installed());
        Daemons.assumeRootWithIpCommand("FRR in a network namespace");
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

    private FrrDaemon frr(long asn, int port, List<HostPeer> peers) throws Exception {
        FrrDaemon f = FrrDaemon.start(tmp.resolve("frr"), port, asn, "10.255.0.3", peers);
        cleanup.add(f);
        return f;
    }

    /** docs/bgp-policy.md, "Timers and BFD": the hold time FRR negotiates, and the KEEPALIVEs FRR counts. */
    @Test
    void theConfiguredHoldTimeIsNegotiatedAndKeepalivesArriveAtTheConfiguredInterval() throws Exception {
        int heraldPort = Daemons.freePort();
        int frrPort = Daemons.freePort();
        FrrDaemon frr = frr(65000, frrPort, List.of(HostPeer.ipv4(heraldPort, 65001)));
        NetNamespace ns = frr.namespace();
        BgpServer v4 = herald(65001, ns.hostAddress(), heraldPort);
        v4.start();
        v4.addPeer(PeerConfig.of(ns.peerAddress(), 65000).withPort(frrPort).withTimers(new PeerTimers(9, 1, 0)));
        await().atMost(SESSION).until(() -> frr.sessionState(ns.hostAddress()).equals("Established"));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(v4.peers().get(0)
                .negotiatedHoldTimeSeconds()).hasValue(9));

        JsonNode first = neighbor(frr, ns.hostAddress());
        assertThat(first.path("bgpTimerHoldTimeMsecs").asInt()).isEqualTo(9000);
        long t0 = System.nanoTime();
        long before = first.path("messageStats").path("keepalivesRecv").asLong();
        Thread.sleep(5000);
        long after = neighbor(frr, ns.hostAddress()).path("messageStats").path("keepalivesRecv").asLong();
        double seconds = (System.nanoTime() - t0) / 1e9;
        // one a second as configured, where a third of the 9 s hold time would give one every 3 s
        assertThat(after - before).as("KEEPALIVEs FRR received in %.1f s", seconds).isBetween(4L, 7L);
        assertThat(frr.sessionState(ns.hostAddress())).isEqualTo("Established");
    }

    private static JsonNode neighbor(FrrDaemon frr, String address) throws Exception {
        return JSON.readTree(frr.vtysh("show bgp neighbors " + address + " json")).path(address);
    }

    @Test
    void ebgpIpv4AndIpv6RoutesArriveWithTheRightNextHopAndPathAndLeaveOnWithdraw() throws Exception {
        int heraldPort = Daemons.freePort();
        int heraldPort6 = Daemons.freePort();
        int frrPort = Daemons.freePort();
        FrrDaemon frr = frr(65000, frrPort, List.of(HostPeer.ipv4(heraldPort, 65001),
                HostPeer.ipv6(heraldPort6, 65001)));
        NetNamespace ns = frr.namespace();
        BgpServer v4 = herald(65001, ns.hostAddress(), heraldPort);
        v4.start();
        v4.addPeer(PeerConfig.of(ns.peerAddress(), 65000).withPort(frrPort));
        BgpServer v6 = herald(65001, ns.hostAddress6(), heraldPort6);
        v6.start();
        v6.addPeer(PeerConfig.of(ns.peerAddress6(), 65000).withPort(frrPort));

        v4.advertise(List.of(Route.of("10.96.0.10", RouteType.SERVICE_CLUSTER_IP, "default/web"),
                Route.of("10.244.1.0/24", RouteType.NODE_IPAM_POD_CIDR, null)));
        v6.advertise(List.of(Route.of("fd00:10:96::10", RouteType.SERVICE_CLUSTER_IP, "default/web")));

        await().atMost(SESSION).untilAsserted(() -> assertThat(frr.routes()).as(frr::diagnostics)
                .containsOnlyKeys("10.96.0.10/32", "10.244.1.0/24", "fd00:10:96::10/128"));
        Map<String, FrrDaemon.FrrRoute> routes = frr.routes();
        for (String prefix : List.of("10.96.0.10/32", "10.244.1.0/24")) {
            assertThat(routes.get(prefix).nextHop()).as(prefix).isEqualTo(ns.hostAddress());
            assertThat(routes.get(prefix).asPath()).as(prefix).containsExactly(65001L);
            assertThat(routes.get(prefix).valid()).as(prefix).isTrue();
        }
        assertThat(routes.get("fd00:10:96::10/128").nextHop()).isEqualTo(ns.hostAddress6());
        assertThat(routes.get("fd00:10:96::10/128").asPath()).containsExactly(65001L);
        assertThat(routes.get("fd00:10:96::10/128").valid()).isTrue();

        v4.withdraw(List.of(Route.of("10.96.0.10", RouteType.SERVICE_CLUSTER_IP, "default/web")));
        v6.withdraw(List.of(Route.of("fd00:10:96::10", RouteType.SERVICE_CLUSTER_IP, "default/web")));
        await().atMost(SESSION).untilAsserted(() -> assertThat(frr.routes()).as(frr::diagnostics)
                .containsOnlyKeys("10.244.1.0/24"));
    }

    /**
     * Every Cease reaches FRR as a NOTIFICATION. FRR reads a connection's end on one thread and its messages on
     * another: when the end came right behind the NOTIFICATION (and the new session's connection right behind that),
     * FRR now and then took it for a lost connection ("NSF peer closed the session") and, as a graceful-restart
     * helper, kept as stale the routes it should have dropped. Herald leaves closing to the peer once it has sent a
     * NOTIFICATION (found by the soak, docs/robustness.md).
     */
    @Test
    void everyCeaseReachesFrrAsANotificationAndNotAsALostConnection() throws Exception {
        int heraldPort = Daemons.freePort();
        int frrPort = Daemons.freePort();
        FrrDaemon frr = frr(65000, frrPort, List.of(HostPeer.ipv4(heraldPort, 65001)));
        NetNamespace ns = frr.namespace();
        BgpServer s = herald(65001, ns.hostAddress(), heraldPort);
        s.start();
        s.advertise(List.of(Route.of("10.96.0.12", RouteType.SERVICE_CLUSTER_IP, "default/c")));
        PeerConfig peer = PeerConfig.of(ns.peerAddress(), 65000).withPort(frrPort);
        s.addPeer(peer);
        for (int attempt = 1; attempt <= 8; attempt++) {
            await().atMost(SESSION).until(() -> frr.neighbor(ns.hostAddress()).state().equals("Established")
                    && frr.routes().containsKey("10.96.0.12/32"));
            long ceases = frr.notificationsReceived(ns.hostAddress()).getOrDefault("6/6", 0L);
            java.time.Instant before = java.time.Instant.now();
            // another hold time: the session is renewed with a Cease (Other Configuration Change)
            s.updatePeer(peer.withTimers(new PeerTimers(attempt % 2 == 0 ? 90 : 60, 0, 0)));
            // FRR has ended the old session by the time a new one is Established
            await().atMost(SESSION).until(() -> s.peers().get(0).establishedSince().map(t -> t.isAfter(before))
                    .orElse(false));
            int n = attempt;
            assertThat(frr.notificationsReceived(ns.hostAddress()).getOrDefault("6/6", 0L))
                    .as(() -> "Ceases (6/6) FRR processed, attempt " + n + "\n" + frr.diagnostics())
                    .isEqualTo(ceases + 1);
        }
    }

    @Test
    void ibgpRoutesCarryAnEmptyPathAndLocalPref() throws Exception {
        int heraldPort = Daemons.freePort();
        int frrPort = Daemons.freePort();
        FrrDaemon frr = frr(65001, frrPort, List.of(HostPeer.ipv4(heraldPort, 65001)));
        NetNamespace ns = frr.namespace();
        BgpServer s = herald(65001, ns.hostAddress(), heraldPort);
        s.start();
        s.addPeer(PeerConfig.of(ns.peerAddress(), 65001).withPort(frrPort));
        s.advertise(List.of(Route.of("10.96.0.11", RouteType.SERVICE_CLUSTER_IP, "default/a")));

        await().atMost(SESSION).untilAsserted(() -> assertThat(frr.routes()).as(frr::diagnostics)
                .containsOnlyKeys("10.96.0.11/32"));
        FrrDaemon.FrrRoute r = frr.routes().get("10.96.0.11/32");
        assertThat(r.asPath()).isEmpty();
        assertThat(r.localPref()).isEqualTo(100L);
        assertThat(r.nextHop()).isEqualTo(ns.hostAddress());
        assertThat(r.valid()).isTrue();
        assertThat(frr.sessionState(ns.hostAddress())).isEqualTo("Established");

        s.withdraw(List.of(Route.of("10.96.0.11", RouteType.SERVICE_CLUSTER_IP, "default/a")));
        await().atMost(SESSION).untilAsserted(() -> assertThat(frr.routes()).as(frr::diagnostics).isEmpty());
    }
}
