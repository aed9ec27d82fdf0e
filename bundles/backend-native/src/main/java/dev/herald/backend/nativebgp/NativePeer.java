package dev.herald.backend.nativebgp;

import dev.herald.api.GlobalConfig;
import dev.herald.api.PeerConfig;
import dev.herald.api.Route;
import dev.herald.bgp.codec.CodecContext;
import dev.herald.bgp.message.Afi;
import dev.herald.bgp.message.BgpMessage;
import dev.herald.bgp.message.NotificationMessage;
import dev.herald.bgp.message.PathAttribute;
import dev.herald.bgp.message.RouteRefreshMessage;
import dev.herald.bgp.message.UpdateMessage;
import dev.herald.bgp.session.BgpConnection;
import dev.herald.bgp.session.BgpPeer;
import dev.herald.bgp.session.CloseReason;
import dev.herald.bgp.session.Negotiated;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One configured peer of a native server: its {@link BgpPeer}, its Adj-RIB-Out, and the UPDATEs that bring the peer
 * in step with the Loc-RIB. Also the peer's listener, so its callbacks find their state directly. Event loop only.
 */
final class NativePeer implements BgpPeer.Listener {
    /** The server's logger, which these lines had before the split: log settings keep applying to them. */
    private static final Logger LOG = LoggerFactory.getLogger(NativeBgpServer.class);

    final PeerConfig config;
    final Afi afi;
    final AdjRibOut rib = new AdjRibOut();
    private final GlobalConfig global;
    private final PrefixTable<Route> locRib;
    private final int receiveLimit;
    BgpPeer bgp;
    private CodecContext codec;
    private List<PathAttribute> attributes;
    private byte[] ipv6NextHop;
    /** UPDATEs carrying routes (End-of-RIB not counted), for the packing benchmark. */
    volatile long updatesSent;

    NativePeer(PeerConfig config, Afi afi, GlobalConfig global, PrefixTable<Route> locRib, int receiveLimit) {
        this.config = config;
        this.afi = afi;
        this.global = global;
        this.locRib = locRib;
        this.receiveLimit = receiveLimit;
    }

    /** Sends what is pending while the socket takes it; resumes on {@link #writable}. */
    void pump() {
        BgpConnection s = bgp.establishedConnection();
        if (s == null || attributes == null) {
            return;
        }
        int max = codec.maxMessageLength();
        boolean wrote = false;
        while (!rib.idle()) {
            if (!s.isWritable()) {
                s.flush();
                return; // writable() brings us back
            }
            UpdateMessage m;
            if (!rib.toWithdraw.isEmpty()) {
                m = UpdatePacker.withdrawals(afi, rib.toWithdraw.iterator(), max, codec);
                m.withdrawnAll().forEach(rib.advertised::delete);
            } else {
                m = UpdatePacker.announcements(afi, attributes, ipv6NextHop, rib.toAnnounce.iterator(), max, codec);
                m.announced().forEach(rib.advertised::add);
            }
            s.write(m);
            updatesSent++;
            wrote = true;
        }
        rib.compact();
        if (!rib.endOfRibSent && s.negotiated().peerGracefulRestart() != null) {
            s.write(UpdateMessage.endOfRib(afi));
            rib.endOfRibSent = true;
            wrote = true;
        }
        if (wrote) {
            s.flush();
        }
    }

    @Override
    public void established(BgpPeer peer, BgpConnection connection) {
        if (bgp != peer) {
            return;
        }
        rib.reset();
        Negotiated n = connection.negotiated();
        codec = new CodecContext();
        codec.fourOctetAs(n.fourOctetAs());
        codec.extendedMessages(n.extendedMessages());
        if (!n.families().contains(afi)) {
            LOG.warn("Peer {} did not negotiate {} unicast; no routes will be sent to it", config.key(), afi);
            attributes = null;
            return;
        }
        InetAddress local = connection.localAddress().getAddress();
        if (afi == Afi.IPV6 && !(local instanceof Inet6Address)) {
            LOG.warn("Peer {}: IPv6 routes need an IPv6 session address for the next hop", config.key());
            attributes = null;
            return;
        }
        ipv6NextHop = afi == Afi.IPV6 ? local.getAddress() : null;
        attributes = OutgoingAttributes.of(global, config.key().asn(), afi, connection);
        locRib.forEach((p, r) -> {
            if (p.afi() == afi) {
                rib.announce(p);
            }
        });
        pump();
    }

    @Override
    public void received(BgpPeer peer, BgpConnection connection, BgpMessage message) {
        if (message instanceof UpdateMessage u) {
            u.treatAsWithdraw().ifPresent(why -> LOG.warn("Peer {} sent a malformed UPDATE, its prefixes are "
                    + "treated as withdrawn (RFC 7606): {}", config.key(), why));
            u.withdrawnAll().forEach(rib.received::delete);
            if (u.treatAsWithdraw().isEmpty()) {
                u.announced().forEach(rib.received::add);
            }
            if (rib.received.size() > receiveLimit) {
                byte[] data = {0, (byte) afi.code(), 1, (byte) (receiveLimit >>> 24),
                        (byte) (receiveLimit >>> 16), (byte) (receiveLimit >>> 8), (byte) receiveLimit};
                connection.close(CloseReason.local(new NotificationMessage(NotificationMessage.CEASE,
                        NotificationMessage.MAXIMUM_PREFIXES_REACHED, data),
                        "peer sent more than " + receiveLimit + " prefixes"));
            }
        } else if (message instanceof RouteRefreshMessage rr && rr.afi() == afi.code()) {
            rib.advertised.forEach(rib.toAnnounce::add);
            rib.advertised.clear();
            pump();
        }
    }

    @Override
    public void writable(BgpPeer peer, BgpConnection connection) {
        pump();
    }

    @Override
    public void down(BgpPeer peer, CloseReason reason) {
        rib.reset();
        attributes = null;
    }
}
