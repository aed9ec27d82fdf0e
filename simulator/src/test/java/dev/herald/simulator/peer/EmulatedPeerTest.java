package dev.herald.simulator.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.herald.api.Addresses;
import dev.herald.api.GlobalConfig;
import dev.herald.api.PeerConfig;
import dev.herald.api.Route;
import dev.herald.api.RouteType;
import dev.herald.api.SessionState;
import dev.herald.api.spi.StopMode;
import dev.herald.backend.nativebgp.NativeBgpServer;
import dev.herald.backend.nativebgp.NativeBgpServerFactory;
import dev.herald.bgp.message.Afi;
import dev.herald.bgp.message.NotificationMessage;
import dev.herald.bgp.session.BgpConnection;
import dev.herald.bgp.session.BgpPeer;
import dev.herald.bgp.session.CloseReason;
import dev.herald.bgp.session.FsmState;
import dev.herald.bgp.session.PeerEndpoint;
import dev.herald.bgp.session.SessionConfig;
import dev.herald.bgp.transport.Transport;
import dev.herald.simulator.peer.RouteEvent.Kind;
import io.netty.channel.epoll.Epoll;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Emulated peers against Herald's real native speaker over loopback TCP. */
class EmulatedPeerTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final long AGENT_AS = 65001;
    private static final String A = "10.96.0.10/32";
    private static final String B = "10.96.0.11/32";
    private static final String V6 = "fd00:10:96::a/128";
    private final List<AutoCloseable> cleanup = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (int i = cleanup.size() - 1; i >= 0; i--) {
            cleanup.get(i).close();
        }
    }

    // ---- what a peer learns ----

    @Test
    void learnsIpv4AndIpv6RoutesWithNextHopAndPathFromAgentsOfAnyAs() throws Exception {
        EmulatedPeers peers = new EmulatedPeers();
        cleanup.add(peers);
        EmulatedPeer r1 = peers.add(EmulatedPeerConfig.of("r1", ip("127.0.0.101"), 0, 65000, "10.0.0.101"));
        EmulatedPeer r6 = peers.add(EmulatedPeerConfig.of("r6", ip("::1"), 0, 65000, "10.0.0.106"));
        NativeBgpServer agent = agent("127.0.0.111", "10.0.0.111", AGENT_AS, false);
        agent.addPeer(peerOf(r1));
        agent.addPeer(peerOf(r6));
        // a second agent with a 4-octet AS: the same router takes it as another dynamic neighbour
        NativeBgpServer other = agent("127.0.0.112", "10.0.0.112", 4_200_000_001L, false);
        other.addPeer(peerOf(r1));
        agent.advertise(routes(A, B, V6));
        other.advertise(routes("10.96.0.99/32"));

        await().atMost(WAIT).until(() -> r1.prefixes().equals(java.util.Set.of(A, B, "10.96.0.99/32"))
                && r6.prefixes().equals(java.util.Set.of(V6)));
        LearnedRoute v4 = r1.routesFrom(ip("127.0.0.111")).get(A);
        assertThat(v4.nextHop()).isEqualTo(ip("127.0.0.111"));
        assertThat(v4.asPath()).containsExactly(AGENT_AS);
        assertThat(v4.fromRouterId()).isEqualTo("10.0.0.111");
        assertThat(v4.fromAsn()).isEqualTo(AGENT_AS);
        assertThat(v4.stale()).isFalse();
        assertThat(r1.routesFrom(ip("127.0.0.112")).get("10.96.0.99/32").asPath()).containsExactly(4_200_000_001L);
        LearnedRoute v6 = r6.routesFrom(ip("::1")).get(V6);
        assertThat(v6.nextHop()).isEqualTo(ip("::1"));
        assertThat(v6.asPath()).containsExactly(AGENT_AS);
        assertThat(r1.table()).containsOnlyKeys(RemoteId.of(ip("127.0.0.111")), RemoteId.of(ip("127.0.0.112")));

        assertThat(r1.awaitEstablished(2, WAIT)).isTrue();
        await().atMost(WAIT).until(() -> r1.session(ip("127.0.0.111")).orElseThrow().endOfRibReceived()
                .contains(Afi.IPV4));
        SessionInfo s = r1.session(ip("127.0.0.111")).orElseThrow();
        assertThat(s.state()).isEqualTo(FsmState.ESTABLISHED);
        assertThat(s.remoteAsn()).isEqualTo(AGENT_AS);
        assertThat(s.remoteRouterId()).isEqualTo("10.0.0.111");
        assertThat(s.establishedSince()).isPresent();
        assertThat(s.gracefulRestart()).isTrue();
        assertThat(r1.sessions()).extracting(SessionInfo::remoteAsn).containsExactly(AGENT_AS, 4_200_000_001L);

        agent.withdraw(routes(B));
        await().atMost(WAIT).until(() -> !r1.prefixes().contains(B));
        assertThat(r1.prefixes()).containsExactly(A, "10.96.0.99/32");
        RouteEvent last = r1.events().get(r1.events().size() - 1);
        assertThat(last.kind()).isEqualTo(Kind.WITHDRAW);
        assertThat(last.prefix()).isEqualTo(B);
        assertThat(last.from()).isEqualTo(ip("127.0.0.111"));
        assertThat(last.nextHop()).isEqualTo(ip("127.0.0.111"));
        assertThat(last.cause()).isEqualTo(RouteEvent.UPDATE);
        assertThat(announced(r1, A)).isEqualTo(1);
    }

    // ---- several agents on ::1 ----

    @Test
    void agentsSharingTheIpv6LoopbackAreToldApartByRouterId() throws Exception {
        EmulatedPeer r6 = peer(EmulatedPeerConfig.of("r6", ip("::1"), 0, 65000, "10.0.0.107"));
        NativeBgpServer a = agent("127.0.0.131", "10.0.0.131", AGENT_AS, false);
        NativeBgpServer b = agent("127.0.0.132", "10.0.0.132", AGENT_AS, false);
        a.advertise(routes(V6, "fd00:10:96::1/128"));
        b.advertise(routes(V6, "fd00:10:96::2/128"));
        a.addPeer(peerOf(r6)); // both connect from ::1, the only IPv6 address they have
        b.addPeer(peerOf(r6));
        RemoteId idA = RemoteId.of(ip("::1"), "10.0.0.131");
        RemoteId idB = RemoteId.of(ip("::1"), "10.0.0.132");

        assertThat(r6.awaitEstablished(2, WAIT)).isTrue();
        await().atMost(WAIT).until(() -> r6.routesFrom(idA).size() == 2 && r6.routesFrom(idB).size() == 2);
        assertThat(r6.sessions()).extracting(SessionInfo::id).containsExactly(idA, idB);
        assertThat(r6.table()).containsOnlyKeys(idA, idB);
        assertThat(r6.routesFrom(idA)).containsOnlyKeys(V6, "fd00:10:96::1/128");
        assertThat(r6.routesFrom(idB).get(V6).fromRouterId()).isEqualTo("10.0.0.132");
        assertThat(r6.routesFrom(idB).get(V6).nextHop()).isEqualTo(ip("::1"));
        assertThatThrownBy(() -> r6.routesFrom(ip("::1"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("10.0.0.131").hasMessageContaining("10.0.0.132");

        // a fault aimed at one of them leaves the other's session and routes alone
        var bSince = r6.session(idB).orElseThrow().establishedSince();
        r6.clearEvents();
        assertThat(r6.inject(SessionFault.notification(6, 4), Remotes.of(idA))).isEqualTo(1);
        await().atMost(WAIT).until(() -> withdrawals(r6).size() == 2);
        assertThat(withdrawals(r6)).allSatisfy(e -> assertThat(e.fromRouterId()).isEqualTo("10.0.0.131"));
        assertThat(r6.session(idB).orElseThrow().establishedSince()).isEqualTo(bSince);
        assertThat(r6.lastNotificationSent(idA)).contains(new NotificationMessage(6, 4));
        assertThat(r6.lastNotificationSent(idB)).isEmpty();
        // the agent connects again, as its own remote
        await().atMost(WAIT).until(() -> r6.routesFrom(idA).size() == 2);
        assertThat(r6.sessions()).hasSize(2);

        // a graceful stop of one keeps only its routes as stale
        b.stop(StopMode.GRACEFUL_RESTART);
        await().atMost(WAIT).until(() -> r6.session(idB).orElseThrow().state() != FsmState.ESTABLISHED);
        assertThat(r6.routesFrom(idB).values()).hasSize(2).allMatch(LearnedRoute::stale);
        assertThat(r6.routesFrom(idA).values()).noneMatch(LearnedRoute::stale);
    }

    @Test
    void anActivePeerOnTheIpv6LoopbackConnectsToEachAgentsOwnPort() throws Exception {
        NativeBgpServer a = agent("::1", "10.0.0.133", AGENT_AS, false);
        NativeBgpServer b = agent("::1", "10.0.0.134", AGENT_AS, false);
        EmulatedPeer r6 = peer(EmulatedPeerConfig.of("r6", ip("::1"), 0, 65000, "10.0.0.108")
                .connectingTo(List.of(a.listenAddress(), b.listenAddress())));
        a.advertise(routes("fd00:10:96::3/128"));
        b.advertise(routes("fd00:10:96::4/128"));
        a.addPeer(peerOf(r6)); // they connect too: collisions are settled per agent
        b.addPeer(peerOf(r6));

        await().atMost(WAIT).until(() -> r6.prefixes().equals(java.util.Set.of("fd00:10:96::3/128",
                "fd00:10:96::4/128")));
        await().atMost(WAIT).until(() -> r6.sessions().stream()
                .filter(s -> s.state() == FsmState.ESTABLISHED).count() == 2);
        assertThat(r6.sessions()).extracting(SessionInfo::id).containsExactly(RemoteId.of(ip("::1"), "10.0.0.133"),
                RemoteId.of(ip("::1"), "10.0.0.134"));
        // and it leaves them alone: a second connection to an agent would end its session (taken for a restart);
        // the peer's dialing retries after 1 s, 2 s, 4 s
        var since = r6.sessions().stream().map(SessionInfo::establishedSince).toList();
        Thread.sleep(4500);
        assertThat(r6.sessions().stream().map(SessionInfo::establishedSince).toList()).isEqualTo(since);
        assertThat(withdrawals(r6)).isEmpty();
    }

    // ---- graceful restart receiver (RFC 4724) ----

    @Test
    void aSilentDropKeepsRoutesStaleAndEndOfRibRemovesOnlyThoseNotAnnouncedAgain() throws Exception {
        EmulatedPeer r1 = peer(EmulatedPeerConfig.of("r1", ip("127.0.0.102"), 0, 65000, "10.0.0.102"));
        NativeBgpServer agent = agent("127.0.0.113", "10.0.0.113", AGENT_AS, false);
        agent.addPeer(peerOf(r1));
        agent.advertise(routes(A, B));
        await().atMost(WAIT).until(() -> r1.prefixes().size() == 2);
        r1.clearEvents();

        agent.stop(StopMode.GRACEFUL_RESTART);
        await().atMost(WAIT).until(() -> r1.session(ip("127.0.0.113")).orElseThrow().state()
                != FsmState.ESTABLISHED);
        assertThat(r1.routesFrom(ip("127.0.0.113")).values()).hasSize(2).allMatch(LearnedRoute::stale);
        assertThat(r1.events()).isEmpty();

        // the replacement says it kept forwarding (R and F bits) and announces only A, then End-of-RIB
        NativeBgpServer back = agent("127.0.0.113", "10.0.0.113", AGENT_AS, true);
        back.advertise(routes(A));
        back.addPeer(peerOf(r1));
        await().atMost(WAIT).until(() -> r1.prefixes().equals(java.util.Set.of(A))
                && r1.session(ip("127.0.0.113")).orElseThrow().endOfRibReceived().contains(Afi.IPV4));
        assertThat(r1.routesFrom(ip("127.0.0.113")).get(A).stale()).isFalse();
        assertThat(withdrawals(r1)).singleElement().satisfies(e -> {
            assertThat(e.prefix()).isEqualTo(B);
            assertThat(e.cause()).contains("End-of-RIB");
        });
    }

    @Test
    void aRemoteBackWithoutTheForwardingBitLosesItsStaleRoutesAtOnce() throws Exception {
        EmulatedPeer r1 = peer(EmulatedPeerConfig.of("r1", ip("127.0.0.103"), 0, 65000, "10.0.0.103"));
        NativeBgpServer agent = agent("127.0.0.114", "10.0.0.114", AGENT_AS, false);
        agent.addPeer(peerOf(r1));
        agent.advertise(routes(A));
        await().atMost(WAIT).until(() -> r1.prefixes().size() == 1);
        agent.stop(StopMode.GRACEFUL_RESTART);
        await().atMost(WAIT).until(() -> Boolean.TRUE.equals(stale(r1, "127.0.0.114", A)));
        r1.clearEvents();

        // Herald's speakers always set F; a bare session with F=0 plays a remote that lost its forwarding state:
        // RFC 4724 §4.2 says drop its stale routes as soon as it is back
        var group = Transport.NIO.newEventLoopGroup(1, r -> new Thread(r, "no-forwarding-remote"));
        SessionConfig sc = new SessionConfig(AGENT_AS, 0x0A00_0072L, 65000, 90, java.util.Set.of(Afi.IPV4), 120,
                false, true, false);
        BgpPeer back = new BgpPeer(sc, new PeerEndpoint(r1.localAddress(), java.util.Optional.of(ip("127.0.0.114")),
                1, java.util.Optional.empty(), false), group.next(), Transport.NIO, new BgpPeer.Listener() {
                    @Override
                    public void established(BgpPeer p, BgpConnection s) {
                    }

                    @Override
                    public void received(BgpPeer p, BgpConnection s, dev.herald.bgp.message.BgpMessage m) {
                    }

                    @Override
                    public void writable(BgpPeer p, BgpConnection s) {
                    }

                    @Override
                    public void down(BgpPeer p, CloseReason reason) {
                    }
                });
        cleanup.add(() -> group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).await(5,
                java.util.concurrent.TimeUnit.SECONDS));
        cleanup.add(() -> back.stop(CloseReason.local(null, "test over"))
                .await(2, java.util.concurrent.TimeUnit.SECONDS));
        back.start();
        await().atMost(WAIT).until(() -> r1.prefixes().isEmpty());
        assertThat(r1.events()).extracting(RouteEvent::kind).containsExactly(Kind.WITHDRAW);
        assertThat(r1.events().get(0).cause()).contains("forwarding state");
    }

    @Test
    void theRestartTimerRemovesStaleRoutesOfARemoteThatStaysAway() throws Exception {
        EmulatedPeer r1 = peer(EmulatedPeerConfig.of("r1", ip("127.0.0.104"), 0, 65000, "10.0.0.104"));
        NativeBgpServer agent = agent("127.0.0.115", "10.0.0.115", AGENT_AS, false);
        agent.addPeer(peerOf(r1).withGracefulRestartTimeSeconds(1));
        agent.advertise(routes(A));
        await().atMost(WAIT).until(() -> r1.prefixes().size() == 1);
        agent.stop(StopMode.GRACEFUL_RESTART);
        await().atMost(WAIT).until(() -> Boolean.TRUE.equals(stale(r1, "127.0.0.115", A)));

        await().atMost(Duration.ofSeconds(5)).until(() -> r1.prefixes().isEmpty());
        assertThat(withdrawals(r1)).singleElement().satisfies(e -> assertThat(e.cause()).contains("restart timer"));
    }

    @Test
    void aCeaseRemovesRoutesAtOnce() throws Exception {
        EmulatedPeer r1 = peer(EmulatedPeerConfig.of("r1", ip("127.0.0.105"), 0, 65000, "10.0.0.105"));
        NativeBgpServer agent = agent("127.0.0.116", "10.0.0.116", AGENT_AS, false);
        agent.addPeer(peerOf(r1));
        agent.advertise(routes(A, B));
        await().atMost(WAIT).until(() -> r1.prefixes().size() == 2);

        agent.stop(StopMode.CEASE);
        await().atMost(Duration.ofSeconds(3)).until(() -> r1.prefixes().isEmpty());
        assertThat(withdrawals(r1)).extracting(RouteEvent::prefix).containsExactlyInAnyOrder(A, B);
        assertThat(withdrawals(r1)).allSatisfy(e -> assertThat(e.cause()).contains("NOTIFICATION"));
        assertThat(r1.lastNotificationReceived(ip("127.0.0.116")))
                .contains(new NotificationMessage(6, NotificationMessage.ADMINISTRATIVE_SHUTDOWN));
    }

    @Test
    void withoutGracefulRestartASilentDropRemovesRoutesToo() throws Exception {
        EmulatedPeer r1 = peer(EmulatedPeerConfig.of("r1", ip("127.0.0.106"), 0, 65000, "10.0.0.106")
                .withGracefulRestart(false, 0));
        NativeBgpServer agent = agent("127.0.0.117", "10.0.0.117", AGENT_AS, false);
        agent.addPeer(peerOf(r1));
        agent.advertise(routes(A));
        await().atMost(WAIT).until(() -> r1.prefixes().size() == 1);
        assertThat(r1.sessions()).singleElement().satisfies(s -> assertThat(s.gracefulRestart()).isFalse());

        agent.stop(StopMode.GRACEFUL_RESTART);
        await().atMost(Duration.ofSeconds(3)).until(() -> r1.prefixes().isEmpty());
        assertThat(withdrawals(r1)).singleElement().satisfies(e -> assertThat(e.cause())
                .contains("without graceful restart"));
    }

    // ---- faults ----

    @Test
    void aMalformedUpdateIsAnsweredWithAMalformedAttributeListNotification() throws Exception {
        EmulatedPeer r1 = peer(EmulatedPeerConfig.of("r1", ip("127.0.0.107"), 0, 65000, "10.0.0.107"));
        NativeBgpServer agent = agent("127.0.0.118", "10.0.0.118", AGENT_AS, false);
        agent.addPeer(peerOf(r1));
        agent.advertise(routes(A));
        await().atMost(WAIT).until(() -> r1.prefixes().size() == 1);

        assertThat(r1.inject(SessionFault.MALFORMED_UPDATE, Remotes.at(ip("127.0.0.118")))).isEqualTo(1);
        await().atMost(Duration.ofSeconds(3)).until(() -> r1.lastNotificationReceived(ip("127.0.0.118")).isPresent());
        assertThat(r1.lastNotificationReceived(ip("127.0.0.118"))).contains(new NotificationMessage(
                NotificationMessage.UPDATE_MESSAGE_ERROR, NotificationMessage.MALFORMED_ATTRIBUTE_LIST));
        await().atMost(Duration.ofSeconds(3)).until(() -> r1.prefixes().isEmpty());
        assertThat(r1.inject(SessionFault.MALFORMED_UPDATE, Remotes.at(ip("127.0.0.250")))).isZero();
    }

    @Test
    void aNotificationEndsTheSessionAndItsRoutes() throws Exception {
        EmulatedPeer r1 = peer(EmulatedPeerConfig.of("r1", ip("127.0.0.108"), 0, 65000, "10.0.0.108"));
        NativeBgpServer agent = agent("127.0.0.119", "10.0.0.119", AGENT_AS, false);
        agent.addPeer(peerOf(r1));
        agent.advertise(routes(A));
        await().atMost(WAIT).until(() -> r1.prefixes().size() == 1);

        assertThat(r1.inject(SessionFault.notification(NotificationMessage.CEASE,
                NotificationMessage.ADMINISTRATIVE_RESET), Remotes.ALL))
                .isEqualTo(1);
        assertThat(r1.lastNotificationSent(ip("127.0.0.119")))
                .contains(new NotificationMessage(6, NotificationMessage.ADMINISTRATIVE_RESET));
        await().atMost(Duration.ofSeconds(3)).until(() -> r1.prefixes().isEmpty()
                && agent.peers().get(0).state() != SessionState.ESTABLISHED);
    }

    @Test
    void anActivePeerSurvivesItsOwnGracefulRestartWithoutWithdrawingAndCeasesOtherwise() throws Exception {
        NativeBgpServer agent = agent("127.0.0.120", "10.0.0.120", AGENT_AS, false);
        EmulatedPeer r1 = peer(EmulatedPeerConfig.of("r1", ip("127.0.0.109"), 0, 65000, "10.0.0.109")
                .connectingTo(List.of(new InetSocketAddress(ip("127.0.0.120"), agent.listenAddress().getPort()))));
        agent.advertise(routes(A, B));
        agent.addPeer(peerOf(r1)); // both sides connect: one connection survives the collision
        await().atMost(WAIT).until(() -> r1.prefixes().size() == 2);
        assertThat(r1.sessions()).hasSize(1);
        r1.clearEvents();

        r1.restart(true);
        // it connects again itself; the agent's routes and End-of-RIB make the stale ones fresh, none withdrawn
        await().atMost(WAIT).until(() -> announced(r1, A) == 1 && announced(r1, B) == 1
                && Boolean.FALSE.equals(stale(r1, "127.0.0.120", A))
                && Boolean.FALSE.equals(stale(r1, "127.0.0.120", B)));
        assertThat(withdrawals(r1)).isEmpty();

        r1.restart(false);
        assertThat(withdrawals(r1)).extracting(RouteEvent::prefix).containsExactlyInAnyOrder(A, B);
        assertThat(r1.lastNotificationSent(ip("127.0.0.120")))
                .contains(new NotificationMessage(6, NotificationMessage.ADMINISTRATIVE_RESET));
        await().atMost(WAIT).until(() -> r1.prefixes().size() == 2);
    }

    @Test
    void aDroppedSessionKeepsStaleRoutesUntilTheActivePeerIsBack() throws Exception {
        NativeBgpServer agent = agent("127.0.0.121", "10.0.0.121", AGENT_AS, false);
        EmulatedPeer r1 = peer(EmulatedPeerConfig.of("r1", ip("127.0.0.110"), 0, 65000, "10.0.0.110")
                .connectingTo(List.of(new InetSocketAddress(ip("127.0.0.121"), agent.listenAddress().getPort()))));
        agent.advertise(routes(A));
        agent.addPeer(peerOf(r1));
        await().atMost(WAIT).until(() -> r1.prefixes().size() == 1);
        // both sides connect: the route can arrive while the collision is still being settled, so wait for the
        // one session that stays
        await().atMost(WAIT).until(() -> r1.session(ip("127.0.0.121"))
                .filter(s -> s.state() == FsmState.ESTABLISHED).isPresent());
        Map<String, LearnedRoute> before = r1.routesFrom(ip("127.0.0.121"));
        // a Cease 6/7 may have settled the connection collision at the start: the drop must add nothing
        var sentBefore = r1.lastNotificationSent(ip("127.0.0.121"));

        assertThat(r1.inject(SessionFault.DROP, Remotes.ALL)).isEqualTo(1);
        assertThat(r1.lastNotificationSent(ip("127.0.0.121"))).isEqualTo(sentBefore);
        await().atMost(WAIT).until(() -> r1.session(ip("127.0.0.121")).orElseThrow().establishedSince()
                .filter(t -> t.isAfter(before.get(A).receivedAt())).isPresent()
                && Boolean.FALSE.equals(stale(r1, "127.0.0.121", A)));
        assertThat(r1.prefixes()).containsExactly(A);
    }

    @Test
    void aFrozenPeerMakesTheAgentsHoldTimerExpire() throws Exception {
        EmulatedPeer r1 = peer(EmulatedPeerConfig.of("r1", ip("127.0.0.122"), 0, 65000, "10.0.0.122")
                .withHoldTime(3));
        NativeBgpServer agent = agent("127.0.0.123", "10.0.0.123", AGENT_AS, false);
        agent.addPeer(peerOf(r1));
        agent.advertise(routes(A));
        await().atMost(WAIT).until(() -> r1.prefixes().size() == 1);

        assertThat(r1.inject(SessionFault.STOP_READING, Remotes.ALL)).isEqualTo(1);
        await().atMost(Duration.ofSeconds(6)).until(() -> agent.peers().get(0).state() != SessionState.ESTABLISHED);
        // it was the agent that gave up: the emulated peer kept its own hold timer fed
        assertThat(r1.lastNotificationSent(ip("127.0.0.123"))).isEmpty();
        r1.inject(SessionFault.RESUME_READING, Remotes.ALL);
        await().atMost(Duration.ofSeconds(3)).until(() -> r1.lastNotificationReceived(ip("127.0.0.123"))
                .filter(n -> n.code() == NotificationMessage.HOLD_TIMER_EXPIRED).isPresent());
        await().atMost(Duration.ofSeconds(3)).until(() -> r1.prefixes().isEmpty());
    }

    // ---- TCP-MD5 ----

    @Test
    void withAPasswordOnlyAgentsWithTheRightKeyGetASession() throws Exception {
        Assumptions.assumeTrue(Epoll.isAvailable(), "TCP-MD5 needs the epoll transport");
        EmulatedPeer r1 = peer(EmulatedPeerConfig.of("r1", ip("127.0.0.124"), 0, 65000, "10.0.0.124")
                .withPassword("s3cret"));
        assertThat(r1.transportName()).isEqualTo("epoll");
        NativeBgpServer right = agent("127.0.0.125", "10.0.0.125", AGENT_AS, false);
        NativeBgpServer wrong = agent("127.0.0.126", "10.0.0.126", AGENT_AS, false);
        right.addPeer(peerOf(r1).withPassword("s3cret"));
        wrong.addPeer(peerOf(r1).withPassword("guess"));
        right.advertise(routes(A));
        wrong.advertise(routes(B));

        await().atMost(WAIT).until(() -> r1.prefixes().contains(A));
        Thread.sleep(1000);
        assertThat(r1.prefixes()).containsExactly(A);
        assertThat(wrong.peers().get(0).state()).isNotEqualTo(SessionState.ESTABLISHED);
    }

    @Test
    void aPasswordWithoutEpollIsRefusedClearly() {
        EmulatedPeers nio = new EmulatedPeers(Transport.NIO, 1);
        cleanup.add(nio);
        assertThatThrownBy(() -> nio.add(EmulatedPeerConfig.of("r9", ip("127.0.0.127"), 0, 65000, "10.0.0.127")
                .withPassword("s3cret"))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("r9").hasMessageContaining("TCP-MD5").hasMessageContaining("epoll");
        assertThat(nio.all()).isEmpty();
    }

    // ---- helpers ----

    private EmulatedPeer peer(EmulatedPeerConfig config) {
        EmulatedPeer p = EmulatedPeer.start(config);
        cleanup.add(p);
        return p;
    }

    /** A native speaker (made by its factory, or as the replacement after a graceful stop) listening on address. */
    private NativeBgpServer agent(String address, String routerId, long asn, boolean restarting) {
        GlobalConfig cfg = GlobalConfig.of(asn, routerId).withListenPort(freePort())
                .withListenAddress(Addresses.address(address, "listen"));
        NativeBgpServer s = restarting ? new NativeBgpServer(cfg, Transport.NIO, true, 1000)
                : (NativeBgpServer) new NativeBgpServerFactory().create(cfg);
        s.start();
        cleanup.add(() -> s.stop(StopMode.CEASE));
        return s;
    }

    private static PeerConfig peerOf(EmulatedPeer p) {
        InetSocketAddress a = p.localAddress();
        return PeerConfig.of(a.getAddress().getHostAddress(), p.config().asn()).withPort(a.getPort());
    }

    private static List<Route> routes(String... prefixes) {
        return Stream.of(prefixes).map(p -> Route.of(p, RouteType.SERVICE_CLUSTER_IP, "ns/svc")).toList();
    }

    /** Whether the route is stale; null while the peer does not hold it. */
    private static Boolean stale(EmulatedPeer p, String from, String prefix) {
        LearnedRoute r = p.routesFrom(ip(from)).get(prefix);
        return r == null ? null : r.stale();
    }

    private static List<RouteEvent> withdrawals(EmulatedPeer p) {
        return p.events().stream().filter(e -> e.kind() == Kind.WITHDRAW).toList();
    }

    private static long announced(EmulatedPeer p, String prefix) {
        return p.events().stream().filter(e -> e.kind() == Kind.ANNOUNCE && e.prefix().equals(prefix)).count();
    }

    static InetAddress ip(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static int freePort() {
        try (var s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
