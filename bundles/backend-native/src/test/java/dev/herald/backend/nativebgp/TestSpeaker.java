package dev.herald.backend.nativebgp;

import dev.herald.bgp.message.Afi;
import dev.herald.bgp.message.BgpMessage;
import dev.herald.bgp.message.PathAttribute;
import dev.herald.bgp.message.Prefix;
import dev.herald.bgp.message.UpdateMessage;
import dev.herald.bgp.session.BgpConnection;
import dev.herald.bgp.session.BgpListener;
import dev.herald.bgp.session.BgpPeer;
import dev.herald.bgp.session.CloseReason;
import dev.herald.bgp.session.PeerEndpoint;
import dev.herald.bgp.session.SessionConfig;
import dev.herald.bgp.transport.Transport;
import io.netty.channel.EventLoopGroup;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A minimal BGP speaker built on bgp-protocol that only listens and records what it learns: the other end of the
 * native server in these tests (real daemons are in integration-tests).
 */
final class TestSpeaker implements AutoCloseable, BgpPeer.Listener {
    record Learned(Prefix prefix, byte[] nextHop, List<PathAttribute.Segment> asPath) {
    }

    final Map<Prefix, Learned> table = new ConcurrentHashMap<>();
    final List<String> downs = new CopyOnWriteArrayList<>();
    final AtomicInteger updates = new AtomicInteger();
    final Set<Afi> endOfRib = ConcurrentHashMap.newKeySet();
    /** The graceful-restart capability (null: none) of the server's OPEN, per Established session. */
    final List<java.util.Optional<dev.herald.bgp.message.Capability.GracefulRestart>> serverGr =
            new CopyOnWriteArrayList<>();
    private final EventLoopGroup group;
    private final BgpListener listener;
    private final BgpPeer peer;

    /** Listens on {@code local:port} (0: any) for a speaker at {@code remote} with AS {@code remoteAs}. */
    TestSpeaker(InetAddress local, int port, long asn, InetSocketAddress remote, long remoteAs,
                boolean gracefulRestart) throws InterruptedException {
        group = Transport.NIO.newEventLoopGroup(1, r -> new Thread(r, "test-speaker"));
        Afi afi = remote.getAddress().getAddress().length == 4 ? Afi.IPV4 : Afi.IPV6;
        SessionConfig sc = new SessionConfig(asn, 0x0A00_00FEL, remoteAs, 90, Set.of(afi),
                gracefulRestart ? 120 : -1, false, true);
        peer = new BgpPeer(sc, new PeerEndpoint(remote, java.util.Optional.of(local), 1, java.util.Optional.empty(),
                true), group.next(), Transport.NIO, this);
        listener = BgpListener.bind(group, Transport.NIO, new InetSocketAddress(local, port),
                a -> a.equals(remote.getAddress()) ? peer : null);
        peer.start();
    }

    int port() {
        return listener.localAddress().getPort();
    }

    BgpPeer peer() {
        return peer;
    }

    @Override
    public void established(BgpPeer p, BgpConnection connection) {
        serverGr.add(java.util.Optional.ofNullable(connection.negotiated().peerGracefulRestart()));
    }

    @Override
    public void received(BgpPeer p, BgpConnection connection, BgpMessage message) {
        if (!(message instanceof UpdateMessage u)) {
            return;
        }
        updates.incrementAndGet();
        u.endOfRibFamily().ifPresent(endOfRib::add);
        u.withdrawnAll().forEach(table::remove);
        byte[] nh = u.attribute(PathAttribute.NextHop.class).map(n -> new byte[] {(byte) (n.address() >>> 24),
                (byte) (n.address() >>> 16), (byte) (n.address() >>> 8), (byte) n.address()}).orElse(null);
        if (nh == null) {
            nh = u.attribute(PathAttribute.MpReach.class).map(PathAttribute.MpReach::nextHop).orElse(null);
        }
        List<PathAttribute.Segment> path = u.attribute(PathAttribute.AsPath.class)
                .map(PathAttribute.AsPath::segments).orElse(List.of());
        for (Prefix pfx : u.announced()) {
            table.put(pfx, new Learned(pfx, nh, path));
        }
    }

    @Override
    public void writable(BgpPeer p, BgpConnection connection) {
    }

    @Override
    public void down(BgpPeer p, CloseReason reason) {
        downs.add(reason.text());
        table.clear();
    }

    @Override
    public void close() throws InterruptedException {
        peer.stop(CloseReason.local(null, "test over")).await(2, TimeUnit.SECONDS);
        listener.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    }
}
