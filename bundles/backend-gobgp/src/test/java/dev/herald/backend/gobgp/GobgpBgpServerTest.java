package dev.herald.backend.gobgp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.api.Addresses;
import dev.herald.api.Confederation;
import dev.herald.api.GlobalConfig;
import dev.herald.api.PeerConfig;
import dev.herald.api.PeerKey;
import dev.herald.api.PeerStatus;
import dev.herald.api.Route;
import dev.herald.api.RouteType;
import dev.herald.api.SessionState;
import dev.herald.api.spi.BgpException;
import dev.herald.backend.gobgp.apipb.Global;
import dev.herald.backend.gobgp.apipb.Peer;
import dev.herald.backend.gobgp.apipb.PeerState;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The server against a fake gobgpd API: what it asks, in which order, and what it does when gobgpd says no. */
class GobgpBgpServerTest {
    private FakeGobgpd fake;
    private GobgpBgpServer server;

    private static final GlobalConfig CONFIG = GlobalConfig.of(65001, "10.255.0.1").withListenPort(1790)
            .withListenAddress(Addresses.address("127.0.0.1", "listen"));

    @BeforeEach
    void setUp() throws Exception {
        fake = new FakeGobgpd();
        server = new GobgpBgpServer(CONFIG, GobgpdSettings.attach(fake.address()));
    }

    @AfterEach
    void tearDown() throws Exception {
        server.stop();
        fake.close();
    }

    /** n host routes from 10.96.third.1 on, 250 per /24. */
    private static List<Route> hosts(int third, int n) {
        List<Route> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(Route.of("10.96." + (third + i / 250) + "." + (i % 250 + 1), RouteType.SERVICE_CLUSTER_IP,
                    "ns/svc" + i));
        }
        return out;
    }

    @Test
    void aServerCreatedAsAGracefulRestartAddsItsPeersAsLocalRestartingAndAFreshOneDoesNot() {
        server.start();
        server.addPeer(PeerConfig.of("127.0.0.2", 65000).withPort(1179));
        assertThat(fake.peers.get("127.0.0.2").getGracefulRestart().getLocalRestarting()).isFalse();
        server.stop();

        server = new GobgpBgpServer(CONFIG, GobgpdSettings.attach(fake.address()), true);
        server.addPeer(PeerConfig.of("127.0.0.3", 65000).withPort(1179));
        server.start();
        var gr = fake.peers.get("127.0.0.3").getGracefulRestart();
        assertThat(gr.getEnabled()).isTrue();
        assertThat(gr.getLocalRestarting()).as("R and F bits in gobgpd's OPEN").isTrue();
        assertThat(gr.getDeferralTime()).isEqualTo(GobgpMessages.DEFERRAL_SECONDS);
        assertThat(fake.peers.get("127.0.0.3").getAfiSafis(0).getMpGracefulRestart().getConfig().getEnabled())
                .isTrue();
    }

    @Test
    void startSendsTheGlobalConfigOnceAndAppliesWhatWasConfiguredBefore() {
        server.addPeer(PeerConfig.of("127.0.0.2", 65000).withPort(1179));
        server.advertise(List.of(Route.of("10.96.0.10", RouteType.SERVICE_CLUSTER_IP, "default/web")));
        assertThat(fake.calls("AddPeer")).isEmpty(); // nothing reaches gobgpd before start

        server.start();
        server.start();

        assertThat(fake.calls("StartBgp")).hasSize(1);
        assertThat(fake.global.getAsn()).isEqualTo(65001);
        assertThat(fake.global.getRouterId()).isEqualTo("10.255.0.1");
        assertThat(fake.global.getListenPort()).isEqualTo(1790);
        assertThat(fake.global.getListenAddressesList()).containsExactly("127.0.0.1");
        assertThat(fake.peers).containsOnlyKeys("127.0.0.2");
        assertThat(fake.prefixes()).containsExactly("10.96.0.10/32");
    }

    /** BgpServer.prepare: the daemon is reached before the old server of a swap stops; BGP starts with start(). */
    @Test
    void prepareReachesTheDaemonAndStartsNoBgpUntilStart() {
        server.prepare();
        assertThat(fake.calls("GetBgp")).as("the API answered").isNotEmpty();
        assertThat(fake.calls("StartBgp")).isEmpty();
        server.prepare();

        server.addPeer(PeerConfig.of("127.0.0.2", 65000).withPort(1179));
        server.start();
        assertThat(fake.calls("StartBgp")).hasSize(1);
        assertThat(fake.peers).containsOnlyKeys("127.0.0.2");
        server.prepare(); // started: nothing to do
        assertThat(fake.calls("StartBgp")).hasSize(1);
    }

    @Test
    void aPreparedServerThatNeverStartedStopsWithoutTouchingBgp() {
        server.prepare();
        server.stop();
        assertThat(fake.calls("StartBgp")).isEmpty();
        assertThat(fake.calls("StopBgp")).isEmpty();
        assertThatThrownBy(server::prepare).isInstanceOf(BgpException.class).hasMessageContaining("stopped");
    }

    @Test
    void confederationAndFourOctetAsnReachStartBgp() throws Exception {
        server.stop();
        GlobalConfig c = GlobalConfig.of(4_200_000_001L, "10.255.0.1")
                .withConfederation(new Confederation(64512, Set.of(65010L, 65011L)));
        server = new GobgpBgpServer(c, GobgpdSettings.attach(fake.address()));
        server.start();
        assertThat(Integer.toUnsignedLong(fake.global.getAsn())).isEqualTo(4_200_000_001L);
        assertThat(fake.global.getListenAddressesList()).isEmpty();
        assertThat(fake.global.getConfederation().getEnabled()).isTrue();
        assertThat(fake.global.getConfederation().getIdentifier()).isEqualTo(64512);
        assertThat(fake.global.getConfederation().getMemberAsListList()).containsExactly(65010, 65011);
    }

    @Test
    void anAttachedDaemonRunningAnotherSpeakerIsNotTakenOver() {
        fake.global = Global.newBuilder().setAsn(65009).setRouterId("10.9.9.9").build();
        assertThatThrownBy(server::start).isInstanceOf(BgpException.class)
                .hasMessageContaining("already runs AS 65009 router ID 10.9.9.9");
        assertThat(fake.calls("StartBgp")).isEmpty();
    }

    @Test
    void anAttachedDaemonRunningThisSpeakerIsTakenOverWithoutStartBgp() {
        fake.global = GobgpMessages.global(CONFIG);
        server.start();
        assertThat(fake.calls("StartBgp")).isEmpty();
    }

    @Test
    void peerFieldsAreMappedToGobgpsNames() {
        server.start();
        server.addPeer(PeerConfig.of("127.0.0.2", 65000).withPort(1179).withMultihopTtl(3)
                .withGracefulRestartTimeSeconds(90).withPassword("s3cret"));
        server.addPeer(PeerConfig.of("::1", 65000));
        Peer p = fake.peers.get("127.0.0.2");
        assertThat(p.getConf().getPeerAsn()).isEqualTo(65000);
        assertThat(p.getConf().getAuthPassword()).isEqualTo("s3cret");
        assertThat(p.getTransport().getRemotePort()).isEqualTo(1179);
        assertThat(p.getTransport().getLocalAddress()).isEqualTo("127.0.0.1");
        assertThat(p.getEbgpMultihop().getEnabled()).isTrue();
        assertThat(p.getEbgpMultihop().getMultihopTtl()).isEqualTo(3);
        assertThat(p.getGracefulRestart().getEnabled()).isTrue();
        assertThat(p.getGracefulRestart().getRestartTime()).isEqualTo(90);
        assertThat(p.getAfiSafisList()).hasSize(1);
        assertThat(p.getAfiSafis(0).getConfig().getFamily()).isEqualTo(GobgpMessages.IPV4_UNICAST);
        assertThat(p.getAfiSafis(0).getMpGracefulRestart().getConfig().getEnabled()).isTrue();

        Peer v6 = fake.peers.get("::1");
        assertThat(v6.getAfiSafis(0).getConfig().getFamily()).isEqualTo(GobgpMessages.IPV6_UNICAST);
        assertThat(v6.getTransport().getLocalAddress()).isEmpty(); // the listen address is IPv4
        assertThat(v6.getTransport().getRemotePort()).isEqualTo(179);
        assertThat(v6.hasEbgpMultihop()).isFalse();
    }

    @Test
    void peerCallsAreIdempotentAndUpdatesUseUpdatePeer() {
        server.start();
        PeerConfig p = PeerConfig.of("127.0.0.2", 65000).withPort(1179);
        server.addPeer(p);
        server.addPeer(p);
        assertThat(fake.calls("AddPeer")).hasSize(1);

        server.updatePeer(p.withPassword("new"));
        server.updatePeer(p.withPassword("new"));
        assertThat(fake.calls("UpdatePeer")).hasSize(1);
        assertThat(fake.peers.get("127.0.0.2").getConf().getAuthPassword()).isEqualTo("new");

        server.addPeer(p.withPassword("new").withPort(2179)); // add of a known peer with changes is an update
        assertThat(fake.calls("UpdatePeer")).hasSize(2);
        assertThat(fake.peers.get("127.0.0.2").getTransport().getRemotePort()).isEqualTo(2179);

        server.removePeer(p.key());
        server.removePeer(p.key());
        assertThat(fake.peers).isEmpty();
        assertThat(server.peers()).isEmpty();
        assertThatThrownBy(() -> server.updatePeer(p)).isInstanceOf(BgpException.class)
                .hasMessageContaining("127.0.0.2-65000").hasMessageContaining("not configured");
    }

    @Test
    void aTtlChangeReplacesThePeerBecauseUpdatePeerWouldKeepTheOldTtl() {
        server.start();
        PeerConfig p = PeerConfig.of("127.0.0.2", 65000);
        server.addPeer(p);
        server.updatePeer(p.withMultihopTtl(2));
        assertThat(fake.calls("UpdatePeer")).isEmpty();
        assertThat(fake.calls("DeletePeer")).hasSize(1);
        assertThat(fake.calls("AddPeer")).hasSize(2);
        assertThat(fake.peers.get("127.0.0.2").getEbgpMultihop().getMultihopTtl()).isEqualTo(2);
    }

    @Test
    void aPeerAlreadyInGobgpIsUpdatedAndOneMissingThereIsAdded() {
        server.start();
        PeerConfig p = PeerConfig.of("127.0.0.2", 65000);
        // an earlier AddPeer reached gobgpd though Herald saw it fail
        fake.peers.put("127.0.0.2", GobgpMessages.peer(p.withPort(9), CONFIG));
        server.addPeer(p);
        assertThat(fake.peers.get("127.0.0.2").getTransport().getRemotePort()).isEqualTo(179);

        fake.peers.clear(); // and the other way round
        server.updatePeer(p.withPort(1179));
        assertThat(fake.peers.get("127.0.0.2").getTransport().getRemotePort()).isEqualTo(1179);
    }

    @Test
    void twoPeersOnOneAddressAreRefusedAsGobgpKeysPeersByAddress() {
        server.start();
        server.addPeer(PeerConfig.of("127.0.0.2", 65000));
        assertThatThrownBy(() -> server.addPeer(PeerConfig.of("127.0.0.2", 65005)))
                .isInstanceOf(BgpException.class).hasMessageContaining("127.0.0.2-65005")
                .hasMessageContaining("127.0.0.2-65000");
        server.removePeer(PeerKey.of("127.0.0.2", 65005)); // must not remove the other one
        assertThat(fake.peers).containsOnlyKeys("127.0.0.2");
    }

    @Test
    void aFailedPeerCallSaysWhatAndLeavesTheViewAsItWas() {
        server.start();
        fake.failNext = "AddPeer";
        PeerConfig p = PeerConfig.of("127.0.0.2", 65000);
        assertThatThrownBy(() -> server.addPeer(p)).isInstanceOf(BgpException.class)
                .hasMessage("cannot add peer 127.0.0.2-65000: gobgpd said: injected failure of AddPeer");
        assertThat(server.peers()).isEmpty();
        server.addPeer(p);
        assertThat(server.peers()).extracting(PeerStatus::key).containsExactly(p.key());
    }

    @Test
    void smallBatchesGoOneCallEachAndBigOnesThroughOneStream() {
        server.start();
        server.advertise(hosts(0, 3));
        assertThat(fake.calls("AddPath")).hasSize(3);
        server.advertise(hosts(1, 2500));
        assertThat(fake.calls("AddPathStream")).hasSize(1);
        assertThat(fake.streamMessages).containsExactly(3); // 1000 paths a message
        assertThat(fake.paths).hasSize(2503);
        assertThat(server.routes()).hasSize(2503);

        server.withdraw(hosts(1, 2500));
        assertThat(fake.calls("AddPathStream")).hasSize(2);
        server.withdraw(hosts(0, 3).subList(0, 1));
        assertThat(fake.calls("DeletePath")).hasSize(1);
        assertThat(fake.prefixes()).containsExactly("10.96.0.2/32", "10.96.0.3/32");
        assertThat(server.routes()).extracting(r -> r.prefix().toCanonicalString())
                .containsExactlyInAnyOrder("10.96.0.2/32", "10.96.0.3/32");
    }

    @Test
    void routeCallsAreIdempotent() {
        server.start();
        List<Route> batch = hosts(0, 40);
        server.advertise(batch);
        server.advertise(batch);
        server.advertise(batch.subList(0, 1));
        assertThat(fake.calls("AddPathStream")).hasSize(1);
        assertThat(fake.calls("AddPath ")).isEmpty();
        server.withdraw(batch);
        server.withdraw(batch);
        server.withdraw(List.of(Route.of("10.1.1.1", RouteType.EGRESS_IP, "e")));
        assertThat(fake.calls("AddPathStream")).hasSize(2);
        assertThat(fake.calls("DeletePath")).isEmpty();
        assertThat(fake.paths).isEmpty();
    }

    @Test
    void pathsCarryOriginIgpAndNextHopSelfIpv6ThroughMpReach() {
        server.start();
        server.advertise(List.of(Route.of("10.244.1.0/24", RouteType.NODE_IPAM_POD_CIDR, null),
                Route.of("fd00:10:96::10", RouteType.SERVICE_CLUSTER_IP, "default/web")));
        var v4 = fake.paths.get(Addresses.prefix("10.244.1.0/24", "p"));
        var v6 = fake.paths.get(Addresses.prefix("fd00:10:96::10/128", "p"));
        assertThat(v4.getFamily()).isEqualTo(GobgpMessages.IPV4_UNICAST);
        assertThat(v4.getPattrsList()).extracting(a -> a.getTypeUrl()).containsExactly(
                "type.googleapis.com/apipb.OriginAttribute", "type.googleapis.com/apipb.NextHopAttribute");
        assertThat(v6.getFamily()).isEqualTo(GobgpMessages.IPV6_UNICAST);
        assertThat(v6.getPattrsList()).extracting(a -> a.getTypeUrl()).containsExactly(
                "type.googleapis.com/apipb.OriginAttribute", "type.googleapis.com/apipb.MpReachNLRIAttribute");
        assertThat(v4.getNlri().getTypeUrl()).isEqualTo("type.googleapis.com/apipb.IPAddressPrefix");
    }

    @Test
    void aStreamThatFailsHalfwayLeavesTheBatchOutOfTheViewAndTheRetrySendsItAll() {
        server.start();
        List<Route> batch = hosts(0, 100);
        fake.failNext = "AddPathStream";
        fake.applyBeforeFailing = 30;
        assertThatThrownBy(() -> server.advertise(batch)).isInstanceOf(BgpException.class)
                .hasMessageContaining("cannot advertise 100 routes (10.96.0.1/32, 10.96.0.2/32, 10.96.0.3/32, ...)")
                .hasMessageContaining("injected failure");
        assertThat(server.routes()).isEmpty();
        assertThat(fake.paths).hasSize(30);

        // a withdraw of what the failed call may have reached gobgpd with is sent, though the view lacks it
        server.withdraw(batch.subList(0, 1));
        assertThat(fake.paths).hasSize(29);

        server.advertise(batch);
        assertThat(fake.paths).hasSize(100);
        assertThat(server.routes()).hasSize(100);
    }

    @Test
    void aFailedWithdrawKeepsTheRoutesInTheViewAndALaterAdvertiseSendsThemAgain() {
        server.start();
        List<Route> batch = hosts(0, 2);
        server.advertise(batch);
        fake.failNext = "DeletePath";
        assertThatThrownBy(() -> server.withdraw(batch)).isInstanceOf(BgpException.class)
                .hasMessageContaining("cannot withdraw 10.96.0.1/32");
        assertThat(server.routes()).hasSize(2);
        // the second DeletePath never ran; the first failed; gobgpd still has both: an advertise re-sends both
        int before = fake.calls("AddPath").size();
        server.advertise(batch);
        assertThat(fake.calls("AddPath").size() - before).isEqualTo(2);
        server.withdraw(batch);
        assertThat(fake.paths).isEmpty();
        assertThat(server.routes()).isEmpty();
    }

    @Test
    void peersReportGobgpsStateUptimeAndCounts() {
        server.start();
        server.addPeer(PeerConfig.of("::1", 65000));
        server.addPeer(PeerConfig.of("127.0.0.2", 65000));
        server.advertise(List.of(Route.of("10.96.0.10", RouteType.SERVICE_CLUSTER_IP, "default/web")));
        fake.states.put("127.0.0.2", PeerState.SessionState.ESTABLISHED);
        fake.states.put("::1", PeerState.SessionState.OPENSENT);

        List<PeerStatus> peers = server.peers();
        assertThat(peers).extracting(PeerStatus::key).containsExactly(PeerKey.of("127.0.0.2", 65000),
                PeerKey.of("::1", 65000));
        PeerStatus v4 = peers.get(0);
        assertThat(v4.state()).isEqualTo(SessionState.ESTABLISHED);
        assertThat(v4.establishedSince()).contains(Instant.ofEpochSecond(1_700_000_000L));
        assertThat(v4.messagesSent()).isEqualTo(7);
        assertThat(v4.messagesReceived()).isEqualTo(5);
        assertThat(v4.prefixesSent()).isEqualTo(1);
        assertThat(v4.prefixesReceived()).isEqualTo(2);
        assertThat(peers.get(1).state()).isEqualTo(SessionState.OPEN_SENT);
        assertThat(peers.get(1).establishedSince()).isEmpty();

        fake.failNext = "ListPeer"; // gobgpd not answering: every peer is reported Idle, nothing thrown
        assertThat(server.peers()).extracting(PeerStatus::state).containsOnly(SessionState.IDLE);
    }

    @Test
    void stopSendsStopBgpForgetsEverythingAndRefusesFurtherCalls() {
        server.start();
        server.addPeer(PeerConfig.of("127.0.0.2", 65000));
        server.stop();
        server.stop();
        assertThat(fake.calls("StopBgp")).hasSize(1);
        assertThatThrownBy(() -> server.addPeer(PeerConfig.of("127.0.0.3", 65000)))
                .isInstanceOf(BgpException.class).hasMessageContaining("stopped");
        assertThatThrownBy(server::start).isInstanceOf(BgpException.class);
    }

    @Test
    void anAttachedDaemonThatComesBackEmptyIsGivenEverythingAgain() throws Exception {
        server.start();
        server.addPeer(PeerConfig.of("127.0.0.2", 65000));
        server.advertise(hosts(0, 5));
        fake.global = Global.getDefaultInstance(); // as after a restart of gobgpd by someone else
        fake.peers.clear();
        fake.paths.clear();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(15))
                .until(() -> fake.paths.size() == 5 && fake.peers.size() == 1 && fake.global.getAsn() == 65001);
    }

    @Test
    void aMissingGobgpdIsNamedWithItsDebianPackage() {
        GobgpBgpServer s = new GobgpBgpServer(CONFIG, GobgpdSettings.supervised(Path.of("/nonexistent/gobgpd")));
        assertThatThrownBy(s::start).isInstanceOf(BgpException.class)
                .hasMessageContaining("gobgpd is not installed at /nonexistent/gobgpd")
                .hasMessageContaining("apt-get install gobgpd");
        s.stop();
    }

    @Test
    void anUnreachableApiIsReportedWithItsAddress() throws Exception {
        int port;
        try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            port = socket.getLocalPort();
        }
        GobgpdSettings s = new GobgpdSettings(Optional.empty(),
                Optional.of(new java.net.InetSocketAddress("127.0.0.1", port)), java.time.Duration.ofSeconds(1),
                "info");
        GobgpBgpServer unreachable = new GobgpBgpServer(CONFIG, s);
        assertThatThrownBy(unreachable::start).isInstanceOf(BgpException.class)
                .hasMessageContaining("gobgpd at 127.0.0.1:" + port).hasMessageContaining("did not answer within 1 s");
        unreachable.stop();
    }
}
