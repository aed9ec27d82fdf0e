package dev.herald.backend.nativebgp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.api.Addresses;
import dev.herald.api.GlobalConfig;
import dev.herald.api.PeerConfig;
import dev.herald.api.Route;
import dev.herald.api.RouteType;
import dev.herald.api.SessionState;
import dev.herald.bgp.codec.CodecContext;
import dev.herald.bgp.message.Afi;
import dev.herald.bgp.message.BgpMessage;
import dev.herald.bgp.message.Capability;
import dev.herald.bgp.message.KeepaliveMessage;
import dev.herald.bgp.message.OpenMessage;
import dev.herald.bgp.message.PathAttribute;
import dev.herald.bgp.message.Prefix;
import dev.herald.bgp.message.RouteRefreshMessage;
import dev.herald.bgp.message.UpdateMessage;
import dev.herald.bgp.transport.EpollTransport;
import dev.herald.bgp.transport.Transport;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Session behaviour of the native server seen from a raw-socket peer. */
class SessionBehaviourTest {
    private NativeBgpServer server;
    private InetSocketAddress herald;

    private void start(long asn, int receiveLimit, String peer, long peerAs) {
        start(asn, receiveLimit, peer, peerAs, Transport.NIO);
    }

    private void start(long asn, int receiveLimit, String peer, long peerAs, Transport transport) {
        GlobalConfig cfg = GlobalConfig.of(asn, "10.0.0.1").withListenPort(NativeBgpServerTest.freePort())
                .withListenAddress(Addresses.address("127.0.0.1", "listen"));
        server = new NativeBgpServer(cfg, transport, false, receiveLimit);
        server.start();
        server.addPeer(PeerConfig.of(peer, peerAs).withPort(NativeBgpServerTest.freePort()));
        herald = new InetSocketAddress("127.0.0.1", cfg.listenPort());
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    private RawPeer connect(String local, OpenMessage open) throws Exception {
        RawPeer p = new RawPeer(local, herald);
        p.send(open);
        assertThat(p.readUntil(BgpMessage.OPEN, 5000)).isNotNull();
        p.send(KeepaliveMessage.INSTANCE);
        assertThat(p.readUntil(BgpMessage.KEEPALIVE, 5000)).isNotNull();
        await().atMost(Duration.ofSeconds(5)).until(() -> server.peers().get(0).state() == SessionState.ESTABLISHED);
        return p;
    }

    /** Decodes an UPDATE body as a peer without 4-octet AS support would. */
    private static UpdateMessage decode(RawPeer.Received r, boolean fourOctet) {
        CodecContext ctx = new CodecContext();
        ctx.fourOctetAs(fourOctet);
        EmbeddedChannel ch = new EmbeddedChannel(new dev.herald.bgp.codec.BgpMessageDecoder(ctx));
        byte[] msg = new byte[19 + r.body().length];
        java.util.Arrays.fill(msg, 0, 16, (byte) 0xFF);
        msg[16] = (byte) (msg.length >>> 8);
        msg[17] = (byte) msg.length;
        msg[18] = (byte) r.type();
        System.arraycopy(r.body(), 0, msg, 19, r.body().length);
        ch.writeInbound(Unpooled.wrappedBuffer(msg));
        return (UpdateMessage) ch.readInbound();
    }

    @Test
    void aTwoOctetPeerSeesAsTransInAsPathAndTheRealAsInAs4Path() throws Exception {
        start(4_200_000_001L, 1000, "127.0.0.8", 65008);
        server.advertise(List.of(Route.of("10.96.0.1", RouteType.SERVICE_CLUSTER_IP, "ns/a")));
        // an old speaker: no 4-octet AS capability in its OPEN
        OpenMessage open = new OpenMessage(4, 65008, 90, 0x0A000008L,
                List.of(Capability.Multiprotocol.unicast(Afi.IPV4)));
        try (RawPeer p = connect("127.0.0.8", open)) {
            RawPeer.Received r = p.readUntil(BgpMessage.UPDATE, 5000);
            UpdateMessage u = decode(r, false);
            assertThat(u.attribute(PathAttribute.AsPath.class).orElseThrow().segments())
                    .containsExactly(PathAttribute.Segment.sequence(23456L));
            assertThat(u.attribute(PathAttribute.As4Path.class).orElseThrow().segments())
                    .containsExactly(PathAttribute.Segment.sequence(4_200_000_001L));
            assertThat(u.nlri()).containsExactly(Prefix.ipv4(0x0A600001, 32));
        }
    }

    @Test
    void routeRefreshSendsTheTableAgain() throws Exception {
        start(65001, 1000, "127.0.0.8", 65008);
        server.advertise(List.of(Route.of("10.96.0.1", RouteType.SERVICE_CLUSTER_IP, "ns/a"),
                Route.of("10.96.0.2", RouteType.SERVICE_CLUSTER_IP, "ns/b")));
        try (RawPeer p = connect("127.0.0.8", OpenMessage.of(65008, 90, 0x0A000008L,
                List.of(Capability.Multiprotocol.unicast(Afi.IPV4), new Capability.RouteRefresh())))) {
            assertThat(decode(p.readUntil(BgpMessage.UPDATE, 5000), true).nlri()).hasSize(2);
            p.send(new RouteRefreshMessage(1, 1));
            assertThat(decode(p.readUntil(BgpMessage.UPDATE, 5000), true).nlri()).hasSize(2);
        }
    }

    @Test
    void aPeerSendingMoreThanTheLimitIsCeasedWithMaximumPrefixes() throws Exception {
        start(65001, 100, "127.0.0.8", 65008);
        try (RawPeer p = connect("127.0.0.8", OpenMessage.of(65008, 90, 0x0A000008L,
                List.of(Capability.Multiprotocol.unicast(Afi.IPV4))))) {
            List<Prefix> many = new ArrayList<>();
            for (int i = 0; i < 101; i++) {
                many.add(Prefix.ipv4(0x0B000000 + i, 32));
            }
            p.send(new UpdateMessage(List.of(), List.of(PathAttribute.Origin.IGP,
                    new PathAttribute.AsPath(List.of(PathAttribute.Segment.sequence(65008L))),
                    new PathAttribute.NextHop(0x7F000008L)), many));
            RawPeer.Received n = p.readUntil(BgpMessage.NOTIFICATION, 5000);
            assertThat(n).isNotNull();
            assertThat(n.code() + "/" + n.subcode()).isEqualTo("6/1");
        }
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"nio", "epoll"})
    void keepalivesAreNotDelayedBehindABigTableToASlowReader(String transport) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(transport.equals("nio") || EpollTransport.available());
        start(65001, 1000, "127.0.0.8", 65008, transport.equals("nio") ? Transport.NIO : new EpollTransport());
        List<Route> routes = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            int a = 0x0A800000 + i;
            routes.add(Route.of(((a >>> 24) & 0xFF) + "." + ((a >>> 16) & 0xFF) + "." + ((a >>> 8) & 0xFF) + "."
                    + (a & 0xFF), RouteType.SERVICE_CLUSTER_IP, null));
        }
        server.advertise(routes);
        // hold time 3 s: Herald must send a keepalive every second, however much it has queued for us
        try (RawPeer p = connect("127.0.0.8", OpenMessage.of(65008, 3, 0x0A000008L,
                List.of(Capability.Multiprotocol.unicast(Afi.IPV4))))) {
            long last = System.nanoTime();
            long worstGap = 0;
            int keepalives = 0;
            long end = System.nanoTime() + Duration.ofSeconds(6).toNanos();
            while (System.nanoTime() < end) {
                RawPeer.Received r = p.read(3000);
                assertThat(r).as("session alive").isNotNull();
                if (r.type() == BgpMessage.KEEPALIVE) {
                    long now = System.nanoTime();
                    worstGap = Math.max(worstGap, now - last);
                    last = now;
                    keepalives++;
                    p.send(KeepaliveMessage.INSTANCE);
                }
                Thread.sleep(20); // a slow reader: 50 messages a second, 124 UPDATEs take 2.5 s
            }
            // the table alone takes 2.5 s to read; a keepalive queued behind all of it would come too late. What may
            // sit before one is our bounded write buffer, the kernel's bounded send queue and the peer's own
            // receive buffer: the gap stays below the hold time, so the peer never drops the session.
            assertThat(keepalives).isGreaterThanOrEqualTo(3);
            assertThat(worstGap / 1e9).as("seconds between keepalives").isLessThan(3.0);
            assertThat(server.peers().get(0).state()).isEqualTo(SessionState.ESTABLISHED);
        }
    }

    @Test
    void theEpollTransportSetsTheTtl() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(EpollTransport.available(), "epoll not available");
        EpollTransport t = new EpollTransport();
        var group = t.newEventLoopGroup(1, r -> new Thread(r, "ttl"));
        try {
            var ch = new io.netty.bootstrap.Bootstrap().group(group).channel(t.socketChannel())
                    .handler(new io.netty.channel.ChannelInboundHandlerAdapter()).register().sync().channel();
            t.setTtl(ch, 7);
            var ipTtl = new io.netty.channel.unix.IntegerUnixChannelOption("IP_TTL", 0, 2);
            assertThat(ch.config().getOption(ipTtl)).isEqualTo(7);
            ch.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).sync();
        }
    }
}
