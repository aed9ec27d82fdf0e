package dev.herald.backend.nativebgp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.herald.api.Addresses;
import dev.herald.api.Confederation;
import dev.herald.api.GlobalConfig;
import dev.herald.api.PeerConfig;
import dev.herald.api.PeerKey;
import dev.herald.api.Route;
import dev.herald.api.RouteType;
import dev.herald.api.SessionState;
import dev.herald.api.spi.BgpException;
import dev.herald.api.spi.BgpServer;
import dev.herald.api.spi.StopMode;
import dev.herald.bgp.message.Afi;
import dev.herald.bgp.message.PathAttribute.Segment;
import dev.herald.bgp.message.Prefix;
import dev.herald.bgp.session.CloseReason;
import dev.herald.bgp.transport.Transport;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The native server against a recording speaker over loopback TCP. */
class NativeBgpServerTest {
    private static final Duration SESSION = Duration.ofSeconds(15);
    private final List<AutoCloseable> cleanup = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (int i = cleanup.size() - 1; i >= 0; i--) {
            cleanup.get(i).close();
        }
    }

    private NativeBgpServer server(GlobalConfig config) {
        NativeBgpServer s = new NativeBgpServer(config, Transport.NIO, false, 1000);
        cleanup.add(() -> s.stop());
        return s;
    }

    private TestSpeaker speaker(String local, long asn, InetSocketAddress herald, long heraldAs, boolean gr)
            throws Exception {
        TestSpeaker t = new TestSpeaker(InetAddress.getByName(local), 0, asn, herald, heraldAs, gr);
        cleanup.add(t);
        return t;
    }

    private static GlobalConfig config(long asn, String routerId, String listen) {
        return GlobalConfig.of(asn, routerId).withListenPort(freePort())
                .withListenAddress(Addresses.address(listen, "listen"));
    }

    static int freePort() {
        try (var s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Route> hostRoutes(String base, int count) {
        List<Route> out = new ArrayList<>();
        int b = (int) Addresses.address(base, "b").toIPv4().longValue();
        for (int i = 0; i < count; i++) {
            int a = b + i;
            out.add(Route.of(((a >>> 24) & 0xFF) + "." + ((a >>> 16) & 0xFF) + "." + ((a >>> 8) & 0xFF) + "."
                    + (a & 0xFF), RouteType.SERVICE_CLUSTER_IP, "ns/svc" + i));
        }
        return out;
    }

    @Test
    void ebgpRoutesArriveWithOurAddressAsNextHopAndOurAsInThePath() throws Exception {
        NativeBgpServer server = server(config(65001, "10.0.0.1", "127.0.0.1"));
        server.start();
        TestSpeaker peer = speaker("127.0.0.2", 65000, new InetSocketAddress("127.0.0.1",
                server.config().listenPort()), 65001, false);
        server.addPeer(PeerConfig.of("127.0.0.2", 65000).withPort(peer.port()));
        server.advertise(hostRoutes("10.96.0.1", 3));

        await().atMost(SESSION).until(() -> peer.table.size() == 3);
        TestSpeaker.Learned r = peer.table.get(Prefix.ipv4(0x0A60_0001, 32));
        assertThat(r.nextHop()).containsExactly(127, 0, 0, 1);
        assertThat(r.asPath()).containsExactly(Segment.sequence(65001L));
        assertThat(server.peers()).singleElement().satisfies(s -> {
            assertThat(s.state()).isEqualTo(SessionState.ESTABLISHED);
            assertThat(s.prefixesSent()).isEqualTo(3);
            assertThat(s.establishedSince()).isPresent();
        });

        server.withdraw(hostRoutes("10.96.0.1", 2));
        await().atMost(SESSION).until(() -> peer.table.size() == 1);
        assertThat(peer.table).containsOnlyKeys(Prefix.ipv4(0x0A60_0003, 32));
        assertThat(server.routes()).extracting(Route::toString).containsExactly("10.96.0.3/32 ServiceClusterIP ns/svc2");
    }

    @Test
    void ibgpPathIsEmptyAndConfederationMembersGetAConfedSequence() throws Exception {
        GlobalConfig cfg = config(65010, "10.0.0.1", "127.0.0.1")
                .withConfederation(new Confederation(64512, Set.of(65011L)));
        NativeBgpServer server = server(cfg);
        server.start();
        InetSocketAddress herald = new InetSocketAddress("127.0.0.1", cfg.listenPort());
        TestSpeaker internal = speaker("127.0.0.3", 65010, herald, 65010, false);
        TestSpeaker member = speaker("127.0.0.4", 65011, herald, 65010, false);
        TestSpeaker outside = speaker("127.0.0.5", 65100, herald, 64512, false);
        server.addPeer(PeerConfig.of("127.0.0.3", 65010).withPort(internal.port()));
        server.addPeer(PeerConfig.of("127.0.0.4", 65011).withPort(member.port()));
        server.addPeer(PeerConfig.of("127.0.0.5", 65100).withPort(outside.port()));
        server.advertise(hostRoutes("10.96.0.1", 1));

        await().atMost(SESSION).until(() -> internal.table.size() == 1 && member.table.size() == 1
                && outside.table.size() == 1);
        Prefix p = Prefix.ipv4(0x0A60_0001, 32);
        assertThat(internal.table.get(p).asPath()).isEmpty();
        assertThat(member.table.get(p).asPath()).containsExactly(new Segment(Segment.AS_CONFED_SEQUENCE,
                List.of(65010L)));
        assertThat(outside.table.get(p).asPath()).containsExactly(Segment.sequence(64512L));
    }

    @Test
    void ipv6RoutesGoInMpReachWithTheLocalIpv6NextHop() throws Exception {
        NativeBgpServer server = server(config(65001, "10.0.0.1", "::1"));
        server.start();
        TestSpeaker peer = speaker("::1", 65000, new InetSocketAddress("::1", server.config().listenPort()), 65001,
                false);
        server.addPeer(PeerConfig.of("::1", 65000).withPort(peer.port()));
        server.advertise(List.of(Route.of("fd00:10:96::a", RouteType.SERVICE_CLUSTER_IP, "ns/a"),
                Route.of("10.96.0.10", RouteType.SERVICE_CLUSTER_IP, "ns/a")));

        await().atMost(SESSION).until(() -> peer.table.size() == 1);
        TestSpeaker.Learned r = peer.table.values().iterator().next();
        assertThat(r.prefix().toString()).isEqualTo("fd00:10:96::a/128");
        assertThat(r.nextHop()).hasSize(16).containsExactly(InetAddress.getByName("::1").getAddress());
    }

    @Test
    void aLargeTableIsPackedIntoTheMinimumNumberOfUpdates() throws Exception {
        NativeBgpServer server = server(config(65001, "10.0.0.1", "127.0.0.1"));
        server.start();
        TestSpeaker peer = speaker("127.0.0.2", 65000, new InetSocketAddress("127.0.0.1",
                server.config().listenPort()), 65001, false);
        server.addPeer(PeerConfig.of("127.0.0.2", 65000).withPort(peer.port()));
        await().atMost(SESSION).until(() -> server.peers().get(0).state() == SessionState.ESTABLISHED);

        int n = 20_000;
        server.advertise(hostRoutes("10.128.0.0", n));
        await().atMost(SESSION).until(() -> peer.table.size() == n);
        // extended messages (RFC 8654) are negotiated between the two: 65535 bytes, 5 bytes per /32
        int attrs = 4 + 7 + 7; // ORIGIN, AS_PATH [65001] 4-octet, NEXT_HOP
        int perUpdate = (65535 - 23 - attrs) / 5;
        int minimum = (n + perUpdate - 1) / perUpdate;
        assertThat(peer.updates.get()).isLessThanOrEqualTo((int) Math.ceil(minimum * 1.02));
    }

    @Test
    void routesAdvertisedBeforeStartGoOutAndTheSessionComesBackAfterThePeerRestarts() throws Exception {
        NativeBgpServer server = server(config(65001, "10.0.0.1", "127.0.0.1"));
        server.advertise(hostRoutes("10.96.0.1", 5)); // before start: kept for the first session
        server.start();
        InetSocketAddress herald = new InetSocketAddress("127.0.0.1", server.config().listenPort());
        int port = freePort();
        TestSpeaker first = new TestSpeaker(InetAddress.getByName("127.0.0.2"), port, 65000, herald, 65001, false);
        server.addPeer(PeerConfig.of("127.0.0.2", 65000).withPort(port));
        await().atMost(SESSION).until(() -> first.table.size() == 5);
        first.close();
        await().atMost(SESSION).until(() -> server.peers().get(0).state() != SessionState.ESTABLISHED);

        // the peer's process restarts on the same address and port: our connect-retry brings the session back
        TestSpeaker again = new TestSpeaker(InetAddress.getByName("127.0.0.2"), port, 65000, herald, 65001, false);
        cleanup.add(again);
        await().atMost(Duration.ofSeconds(20)).until(() -> again.table.size() == 5);
        assertThat(server.peers().get(0).state()).isEqualTo(SessionState.ESTABLISHED);
    }

    @Test
    void stopSendsCeaseAndAGracefulStopSendsNothing() throws Exception {
        NativeBgpServer server = server(config(65001, "10.0.0.1", "127.0.0.1"));
        server.start();
        TestSpeaker peer = speaker("127.0.0.2", 65000, new InetSocketAddress("127.0.0.1",
                server.config().listenPort()), 65001, true);
        server.addPeer(PeerConfig.of("127.0.0.2", 65000).withPort(peer.port()));
        server.advertise(hostRoutes("10.96.0.1", 1));
        await().atMost(SESSION).until(() -> peer.table.size() == 1);
        server.stop(StopMode.CEASE);
        await().atMost(SESSION).until(() -> !peer.downs.isEmpty());
        assertThat(peer.downs.get(0)).contains("NOTIFICATION 6/2");

        NativeBgpServer graceful = server(config(65001, "10.0.0.1", "127.0.0.1"));
        graceful.start();
        TestSpeaker peer2 = speaker("127.0.0.3", 65000, new InetSocketAddress("127.0.0.1",
                graceful.config().listenPort()), 65001, true);
        graceful.addPeer(PeerConfig.of("127.0.0.3", 65000).withPort(peer2.port()));
        await().atMost(SESSION).until(() -> graceful.peers().get(0).state() == SessionState.ESTABLISHED);
        graceful.stop(StopMode.GRACEFUL_RESTART);
        await().atMost(SESSION).until(() -> !peer2.downs.isEmpty());
        assertThat(peer2.downs.get(0)).doesNotContain("NOTIFICATION");
    }

    /**
     * A server that could not listen (its port taken) has started its event loop's thread for the bind; only stop()
     * ends it, which is why the controller stops a server whose start failed.
     */
    @Test
    void aServerThatCouldNotListenEndsItsEventLoopThreadOnlyWhenStopped() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            NativeBgpServer s = new NativeBgpServer(GlobalConfig.of(65001, "10.0.0.77")
                    .withListenPort(taken.getLocalPort()).withListenAddress(Addresses.address("127.0.0.1", "listen")),
                    Transport.NIO, false, 1000);
            assertThatThrownBy(s::start).isInstanceOf(BgpException.class).hasMessageContaining("cannot listen");
            assertThat(loopThreads("10.0.0.77")).as("the bind ran on the loop's thread").isEqualTo(1);
            s.stop();
            await().atMost(SESSION).until(() -> loopThreads("10.0.0.77") == 0);
        }
    }

    private static long loopThreads(String routerId) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().equals("herald-bgp-" + routerId)).count();
    }

    /** docs/metrics.md, herald_event_loop_pending_tasks: what waits on the loop, and none once it ran. */
    @Test
    void pendingTasksCountsTheTasksWaitingOnTheEventLoop() throws Exception {
        NativeBgpServer server = server(config(65001, "10.0.0.1", "127.0.0.1"));
        server.start();
        await().atMost(SESSION).until(() -> server.pendingTasks().equals(java.util.OptionalInt.of(0)));
        java.util.concurrent.CountDownLatch hold = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch holding = new java.util.concurrent.CountDownLatch(1);
        server.eventLoop().execute(() -> {
            holding.countDown();
            try {
                hold.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(holding.await(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        java.util.concurrent.atomic.AtomicInteger ran = new java.util.concurrent.atomic.AtomicInteger();
        for (int i = 0; i < 3; i++) {
            server.eventLoop().execute(ran::incrementAndGet);
        }
        assertThat(server.pendingTasks()).hasValue(3);
        hold.countDown();
        await().atMost(SESSION).until(() -> ran.get() == 3 && server.pendingTasks().equals(java.util.OptionalInt.of(0)));
    }

    @Test
    void callsAreIdempotentAndAStoppedServerSaysSo() {
        NativeBgpServer server = server(config(65001, "10.0.0.1", "127.0.0.1"));
        PeerConfig p = PeerConfig.of("127.0.0.9", 65000);
        server.addPeer(p);
        server.addPeer(p);
        server.removePeer(PeerKey.of("127.0.0.8", 65000));
        server.advertise(hostRoutes("10.96.0.1", 2));
        server.advertise(hostRoutes("10.96.0.1", 2));
        server.withdraw(hostRoutes("10.97.0.1", 2));
        assertThat(server.routes()).hasSize(2);
        assertThat(server.peers()).hasSize(1);
        assertThatThrownBy(() -> server.updatePeer(PeerConfig.of("127.0.0.7", 65000)))
                .isInstanceOf(BgpException.class).hasMessageContaining("127.0.0.7-65000 is not configured");
        server.stop();
        server.stop();
        assertThatThrownBy(() -> server.advertise(hostRoutes("10.96.0.1", 1))).isInstanceOf(BgpException.class)
                .hasMessageContaining("stopped");
    }

    @Test
    void theFactoryReportsItsRunningServersAndStopsThemWhenItGoes() throws Exception {
        var factory = new NativeBgpServerFactory();
        BgpServer a = factory.create(config(65001, "10.0.0.1", "127.0.0.1"));
        BgpServer b = factory.create(config(65001, "10.0.0.2", "127.0.0.3"));
        cleanup.add(() -> a.stop());
        cleanup.add(() -> b.stop());
        assertThat(factory.running()).as("created, not started").isEmpty();
        a.start();
        b.start();
        assertThat(factory.running()).containsExactlyInAnyOrder(a, b);
        b.stop();
        assertThat(factory.running()).containsExactly(a);

        TestSpeaker p = speaker("127.0.0.2", 65000, new InetSocketAddress("127.0.0.1", a.config().listenPort()),
                65001, true);
        a.addPeer(PeerConfig.of("127.0.0.2", 65000).withPort(p.port()));
        await().atMost(SESSION).until(() -> a.peers().get(0).state() == dev.herald.api.SessionState.ESTABLISHED);
        // the bundle is updated: its servers stop for a graceful restart, without a NOTIFICATION
        factory.stopAll(dev.herald.api.spi.StopMode.GRACEFUL_RESTART);
        assertThat(factory.running()).isEmpty();
        assertThatThrownBy(() -> a.advertise(hostRoutes("10.96.0.1", 1))).hasMessageContaining("stopped");
        await().atMost(SESSION).until(() -> !p.downs.isEmpty());
        assertThat(p.downs.get(0)).doesNotContain("NOTIFICATION");
    }

    @Test
    void aServerCreatedAsAGracefulRestartSetsTheRestartBitOnItsFirstOpenAndTheForwardingBitAlways() throws Exception {
        var factory = new NativeBgpServerFactory();
        BgpServer fresh = factory.create(config(65001, "10.0.0.1", "127.0.0.1"),
                dev.herald.api.spi.StartMode.FRESH);
        cleanup.add(() -> fresh.stop());
        fresh.start();
        TestSpeaker p1 = speaker("127.0.0.2", 65000, new InetSocketAddress("127.0.0.1",
                fresh.config().listenPort()), 65001, true);
        fresh.addPeer(PeerConfig.of("127.0.0.2", 65000).withPort(p1.port()));
        await().atMost(SESSION).until(() -> p1.serverGr.size() == 1);
        var gr = p1.serverGr.get(0).orElseThrow();
        assertThat(gr.restarting()).isFalse();
        assertThat(gr.families()).singleElement().satisfies(f -> assertThat(f.forwardingPreserved()).isTrue());

        BgpServer restarted = factory.create(config(65001, "10.0.0.1", "127.0.0.3"),
                dev.herald.api.spi.StartMode.GRACEFUL_RESTART);
        cleanup.add(() -> restarted.stop());
        restarted.start();
        TestSpeaker p2 = speaker("127.0.0.4", 65000, new InetSocketAddress("127.0.0.3",
                restarted.config().listenPort()), 65001, true);
        restarted.addPeer(PeerConfig.of("127.0.0.4", 65000).withPort(p2.port()));
        restarted.advertise(hostRoutes("10.96.0.1", 3));
        await().atMost(SESSION).until(() -> p2.serverGr.size() == 1 && p2.endOfRib.contains(Afi.IPV4));
        var first = p2.serverGr.get(0).orElseThrow();
        assertThat(first.restarting()).as("R bit").isTrue();
        assertThat(first.families()).singleElement().satisfies(f -> {
            assertThat(f.afi()).isEqualTo(Afi.IPV4.code());
            assertThat(f.forwardingPreserved()).as("F bit").isTrue();
        });
        assertThat(p2.table).hasSize(3);

        // a later session of the same server is no restart
        p2.peer().eventLoop().submit(() -> p2.peer().establishedConnection().close(CloseReason.local(
                new dev.herald.bgp.message.NotificationMessage(6, 4), "test"))).get();
        await().atMost(Duration.ofSeconds(20)).until(() -> p2.serverGr.size() == 2);
        assertThat(p2.serverGr.get(1).orElseThrow().restarting()).isFalse();
    }
}
