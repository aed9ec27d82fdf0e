package dev.herald.bgp.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.herald.bgp.message.Afi;
import dev.herald.bgp.message.BgpMessage;
import dev.herald.bgp.transport.Transport;
import io.netty.channel.EventLoopGroup;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Two speakers built on BgpPeer and BgpListener, over loopback TCP. */
class BgpPeerTest {
    private final List<AutoCloseable> cleanup = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (int i = cleanup.size() - 1; i >= 0; i--) {
            cleanup.get(i).close();
        }
    }

    /** One side: a single-thread loop, a listener, one peer. */
    final class Side implements BgpPeer.Listener, AutoCloseable {
        final EventLoopGroup group = Transport.NIO.newEventLoopGroup(1, r -> new Thread(r, "side"));
        final List<String> events = new CopyOnWriteArrayList<>();
        /** The graceful-restart capability of each OPEN the other side sent, per Established session. */
        final List<dev.herald.bgp.message.Capability.GracefulRestart> peerGr = new CopyOnWriteArrayList<>();
        BgpPeer peer;
        BgpListener listener;

        Side(String local, int port, SessionConfig config, String remote, int remotePort, boolean passive)
                throws Exception {
            InetAddress localAddr = InetAddress.getByName(local);
            InetAddress remoteAddr = InetAddress.getByName(remote);
            peer = new BgpPeer(config, new PeerEndpoint(new InetSocketAddress(remoteAddr, remotePort),
                    Optional.of(localAddr), 1, Optional.empty(), passive), group.next(), Transport.NIO, this);
            listener = BgpListener.bind(group, Transport.NIO, new InetSocketAddress(localAddr, port),
                    a -> a.equals(remoteAddr) ? peer : null);
            cleanup.add(this);
        }

        @Override
        public void established(BgpPeer p, BgpConnection s) {
            events.add("established " + (s.outgoing() ? "outgoing" : "incoming") + " hold " + s.negotiated()
                    .holdTime());
            peerGr.add(s.negotiated().peerGracefulRestart());
        }

        @Override
        public void received(BgpPeer p, BgpConnection s, BgpMessage m) {
            events.add("received " + m.type());
        }

        @Override
        public void writable(BgpPeer p, BgpConnection s) {
        }

        @Override
        public void down(BgpPeer p, CloseReason reason) {
            events.add("down " + reason);
        }

        @Override
        public void close() throws Exception {
            peer.stop(CloseReason.local(null, "test over")).await(2, TimeUnit.SECONDS);
            listener.close();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        }
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static SessionConfig config(long as, long id, long peerAs, int hold) {
        return new SessionConfig(as, id, peerAs, hold, Set.of(Afi.IPV4), 120, false, false);
    }

    @Test
    void bothSidesActiveCollideAndTheHigherIdentifierKeepsItsOwnConnection() throws Exception {
        int pa = freePort();
        int pb = freePort();
        Side a = new Side("127.0.0.1", pa, config(65001, 0x0A000001L, 65002, 90), "127.0.0.2", pb, false);
        Side b = new Side("127.0.0.2", pb, config(65002, 0x0A000002L, 65001, 90), "127.0.0.1", pa, false);
        a.peer.start();
        b.peer.start();
        // the race may cost a round (a side that saw Established first keeps its connection, the other closes it:
        // both retry), but the two end on one stable session over one connection
        await().atMost(Duration.ofSeconds(30)).until(() -> a.peer.state() == FsmState.ESTABLISHED
                && b.peer.state() == FsmState.ESTABLISHED);
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(15)).until(() ->
                a.peer.state() == FsmState.ESTABLISHED && b.peer.state() == FsmState.ESTABLISHED);
        boolean aOutgoing = a.peer.eventLoop().submit(() -> a.peer.establishedConnection().outgoing()).get();
        boolean bOutgoing = b.peer.eventLoop().submit(() -> b.peer.establishedConnection().outgoing()).get();
        assertThat(aOutgoing).as("both ends of one TCP connection").isNotEqualTo(bOutgoing);
        assertThat(a.peer.establishedConnection().remoteAddress().getPort())
                .isEqualTo(b.peer.establishedConnection().localAddress().getPort());
    }

    @Test
    void holdTimeIsTheSmallerOneAndZeroMeansNoKeepalives() throws Exception {
        int pa = freePort();
        int pb = freePort();
        Side a = new Side("127.0.0.1", pa, config(65001, 0x0A000001L, 65002, 30), "127.0.0.2", pb, false);
        Side b = new Side("127.0.0.2", pb, config(65002, 0x0A000002L, 65001, 9), "127.0.0.1", pa, true);
        a.peer.start();
        b.peer.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> b.events.stream().anyMatch(e -> e.startsWith("est")));
        assertThat(a.events.get(0)).endsWith("hold 9");
        assertThat(b.events.get(0)).endsWith("hold 9");

        int pc = freePort();
        int pd = freePort();
        Side c = new Side("127.0.0.3", pc, config(65001, 0x0A000001L, 65002, 0), "127.0.0.4", pd, false);
        Side d = new Side("127.0.0.4", pd, config(65002, 0x0A000002L, 65001, 90), "127.0.0.3", pc, true);
        c.peer.start();
        d.peer.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> d.events.stream().anyMatch(e -> e.startsWith("est")));
        assertThat(d.events.get(0)).endsWith("hold 0");
        long before = c.peer.messagesSent();
        Thread.sleep(1500);
        assertThat(c.peer.messagesSent()).as("no keepalives with hold time 0").isEqualTo(before);
    }

    @Test
    void aConfiguredKeepaliveIntervalIsUsedAndCountedByType() throws Exception {
        int pa = freePort();
        int pb = freePort();
        SessionConfig fast = new SessionConfig(65001, 0x0A000001L, 65002, 30, Set.of(Afi.IPV4), 120, false, false,
                true, 1, 0);
        Side a = new Side("127.0.0.1", pa, fast, "127.0.0.2", pb, false);
        Side b = new Side("127.0.0.2", pb, config(65002, 0x0A000002L, 65001, 30), "127.0.0.1", pa, true);
        a.peer.start();
        b.peer.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> b.peer.state() == FsmState.ESTABLISHED
                && a.peer.state() == FsmState.ESTABLISHED);
        long received = b.peer.counters().received(4);
        Thread.sleep(3500);
        // 30 s hold time, but a KEEPALIVE every second as configured (a third would be one every 10 s)
        assertThat(b.peer.counters().received(4) - received).isBetween(2L, 5L);
        assertThat(a.peer.counters().establishedTransitions()).isEqualTo(1);
        assertThat(a.peer.eventLoop().submit(a.peer::negotiatedHoldTime).get()).isEqualTo(30);
    }

    @Test
    void aConfiguredConnectRetryReplacesTheBackOff() throws Exception {
        // a listener that takes each connection and drops it at once: every attempt fails before OPEN
        java.util.List<Long> attempts = new CopyOnWriteArrayList<>();
        try (ServerSocket refuser = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.3"))) {
            Thread t = new Thread(() -> {
                while (!refuser.isClosed()) {
                    try (java.net.Socket s = refuser.accept()) {
                        attempts.add(System.nanoTime());
                    } catch (java.io.IOException e) {
                        return;
                    }
                }
            }, "refuser");
            t.setDaemon(true);
            t.start();
            SessionConfig retry1s = new SessionConfig(65001, 0x0A000001L, 65002, 90, Set.of(Afi.IPV4), 120, false,
                    false, true, 0, 1);
            Side a = new Side("127.0.0.1", freePort(), retry1s, "127.0.0.3", refuser.getLocalPort(), false);
            a.peer.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> attempts.size() >= 5);
            for (int i = 1; i < 5; i++) {
                long ms = (attempts.get(i) - attempts.get(i - 1)) / 1_000_000;
                // 1 s with the RFC's jitter (0.75..1), where the back-off would have waited 5, 10, 20 s
                assertThat(ms).as("attempt %d", i).isBetween(700L, 1400L);
            }
        }
    }

    @Test
    void keepalivesFlowAtAThirdOfTheHoldTime() throws Exception {
        int pa = freePort();
        int pb = freePort();
        Side a = new Side("127.0.0.1", pa, config(65001, 0x0A000001L, 65002, 3), "127.0.0.2", pb, false);
        Side b = new Side("127.0.0.2", pb, config(65002, 0x0A000002L, 65001, 3), "127.0.0.1", pa, true);
        a.peer.start();
        b.peer.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> b.peer.state() == FsmState.ESTABLISHED);
        long received = b.peer.messagesReceived();
        Thread.sleep(3500);
        // hold 3 s -> a keepalive every second; the session outlives several hold times
        assertThat(b.peer.messagesReceived() - received).isBetween(2L, 5L);
        assertThat(b.peer.state()).isEqualTo(FsmState.ESTABLISHED);
    }

    @Test
    void aWrongPeerAsIsRefusedAndRetriedLater() throws Exception {
        int pa = freePort();
        int pb = freePort();
        Side a = new Side("127.0.0.1", pa, config(65001, 0x0A000001L, 65099, 90), "127.0.0.2", pb, false);
        Side b = new Side("127.0.0.2", pb, config(65002, 0x0A000002L, 65001, 90), "127.0.0.1", pa, true);
        a.peer.start();
        b.peer.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> a.peer.lastError().map(CloseReason::text)
                .orElse("").contains("peer announced AS 65002"));
        assertThat(a.peer.state()).isNotEqualTo(FsmState.ESTABLISHED);
        assertThat(b.peer.lastError()).hasValueSatisfying(r -> {
            assertThat(r.kind()).isEqualTo(CloseReason.Kind.NOTIFICATION_RECEIVED);
            assertThat(r.text()).contains("NOTIFICATION 2/2");
        });
        assertThat(a.peer.lastError().orElseThrow().kind()).isEqualTo(CloseReason.Kind.OPEN_REJECTED);
    }

    @Test
    void unconfiguredSourcesAreRefusedAtTheListener() throws Exception {
        int pa = freePort();
        Side a = new Side("127.0.0.1", pa, config(65001, 0x0A000001L, 65002, 90), "127.0.0.2", freePort(), true);
        a.peer.start();
        try (java.net.Socket s = new java.net.Socket()) {
            s.bind(new InetSocketAddress("127.0.0.9", 0));
            s.connect(new InetSocketAddress("127.0.0.1", pa));
            s.setSoTimeout(3000);
            assertThat(s.getInputStream().read()).as("closed without a byte").isEqualTo(-1);
        }
    }

    @Test
    void holdTimesOfOneAndTwoSecondsAreRejectedInTheConfig() {
        assertThatThrownBy(() -> config(65001, 1, 65002, 1)).hasMessageContaining("hold time 1");
        assertThatThrownBy(() -> config(65001, 1, 65002, 2)).hasMessageContaining("hold time 2");
    }

    @Test
    void connectRetryStartsWithinFiveSecondsAndBacksOffToTwoMinutes() {
        assertThat(ConnectRetry.retryDelayMillis(0, 0.0)).isEqualTo(3750);
        assertThat(ConnectRetry.retryDelayMillis(0, 0.999)).isBetween(4990L, 5000L);
        assertThat(ConnectRetry.retryDelayMillis(1, 0.0)).isEqualTo(7500);
        assertThat(ConnectRetry.retryDelayMillis(3, 0.5)).isEqualTo(35000);
        assertThat(ConnectRetry.retryDelayMillis(5, 0.999)).isBetween(119_000L, 120_000L);
        assertThat(ConnectRetry.retryDelayMillis(40, 0.999)).isBetween(119_000L, 120_000L);
    }

    @Test
    void aLostConnectionIsRetriedWithinFiveSeconds() throws Exception {
        try (ServerSocket remote = new ServerSocket(0, 5, InetAddress.getByName("127.0.0.2"))) {
            Side a = new Side("127.0.0.1", freePort(), config(65001, 0x0A000001L, 65002, 90), "127.0.0.2",
                    remote.getLocalPort(), false);
            a.peer.start();
            remote.setSoTimeout(3000);
            remote.accept().close(); // the first attempt comes at once; we drop it
            long t0 = System.nanoTime();
            remote.setSoTimeout(7000);
            remote.accept().close();
            double seconds = (System.nanoTime() - t0) / 1e9;
            assertThat(seconds).isBetween(3.5, 5.5);
        }
    }

    @Test
    void theRestartStateBitGoesOutOnTheFirstOpenOnlyAndTheForwardingBitAlways() throws Exception {
        int pa = freePort();
        int pb = freePort();
        Side a = new Side("127.0.0.1", pa, config(65001, 0x0A000001L, 65002, 90).withRestarting(true), "127.0.0.2",
                pb, false);
        Side b = new Side("127.0.0.2", pb, config(65002, 0x0A000002L, 65001, 90), "127.0.0.1", pa, true);
        a.peer.start();
        b.peer.start();
        await().atMost(Duration.ofSeconds(15)).until(() -> b.peerGr.size() == 1);
        var first = b.peerGr.get(0);
        assertThat(first.restarting()).as("R bit on the first OPEN after a restart").isTrue();
        assertThat(first.families()).singleElement().satisfies(f -> {
            assertThat(f.afi()).isEqualTo(Afi.IPV4.code());
            assertThat(f.forwardingPreserved()).as("F bit").isTrue();
        });
        assertThat(a.peer.config().restarting()).isFalse();

        // the session drops: the next OPEN announces no restart, but forwarding is still preserved
        var cease = new dev.herald.bgp.message.NotificationMessage(dev.herald.bgp.message.NotificationMessage.CEASE, 4);
        b.peer.eventLoop().submit(() -> b.peer.establishedConnection().close(CloseReason.local(cease, "test"))).get();
        await().atMost(Duration.ofSeconds(15)).until(() -> b.peerGr.size() == 2);
        var second = b.peerGr.get(1);
        assertThat(second.restarting()).isFalse();
        assertThat(second.families()).singleElement().extracting(f -> f.forwardingPreserved()).isEqualTo(true);
    }

    @Test
    void aFreshOpenHasNoRestartStateBitButTheForwardingBit() {
        var gr = config(65001, 1, 65002, 90).open().capabilities().stream()
                .filter(c -> c instanceof dev.herald.bgp.message.Capability.GracefulRestart)
                .map(c -> (dev.herald.bgp.message.Capability.GracefulRestart) c).findFirst().orElseThrow();
        assertThat(gr.restarting()).isFalse();
        assertThat(gr.families()).extracting(f -> f.forwardingPreserved()).containsExactly(true);
        assertThat(config(65001, 1, 65002, 90).withRestarting(true).open().capabilities())
                .anySatisfy(c -> assertThat(c).isInstanceOfSatisfying(
                        dev.herald.bgp.message.Capability.GracefulRestart.class,
                        g -> assertThat(g.restarting()).isTrue()));
    }
}
