package dev.herald.backend.nativebgp;

import dev.herald.api.Confederation;
import dev.herald.api.GlobalConfig;
import dev.herald.api.PeerConfig;
import dev.herald.api.PeerKey;
import dev.herald.api.PeerStatus;
import dev.herald.api.Route;
import dev.herald.api.spi.BgpException;
import dev.herald.bgp.message.Afi;
import dev.herald.bgp.message.NotificationMessage;
import dev.herald.bgp.session.BgpListener;
import dev.herald.bgp.session.BgpPeer;
import dev.herald.bgp.session.CloseReason;
import dev.herald.bgp.session.PeerEndpoint;
import dev.herald.bgp.session.SessionConfig;
import dev.herald.bgp.transport.Transport;
import inet.ipaddr.IPAddress;
import io.netty.channel.EventLoop;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The configured peers of a native server, by key: adding, replacing and removing them, the TCP-MD5 keys of the
 * listening socket, BFD beside the sessions that ask for it, and their status. Event loop only.
 */
final class PeerTable {
    /** The server's logger, which these lines had before the split: log settings keep applying to them. */
    private static final Logger LOG = LoggerFactory.getLogger(NativeBgpServer.class);
    /** At most this long a replaced peer's new session waits for the peer to close the old one. */
    private static final Duration REPLACE_WAIT = Duration.ofSeconds(3);

    private final Map<PeerKey, NativePeer> peers = new HashMap<>();
    private final GlobalConfig config;
    private final Transport transport;
    private final EventLoop loop;
    private final boolean restarting;
    private final int receiveLimit;
    private final PrefixTable<Route> locRib;
    private final BfdLink bfd;
    private final BooleanSupplier stopped;
    private BgpListener listener;

    PeerTable(GlobalConfig config, Transport transport, EventLoop loop, boolean restarting, int receiveLimit,
              PrefixTable<Route> locRib, BfdLink bfd, BooleanSupplier stopped) {
        this.config = config;
        this.transport = transport;
        this.loop = loop;
        this.restarting = restarting;
        this.receiveLimit = receiveLimit;
        this.locRib = locRib;
        this.bfd = bfd;
        this.stopped = stopped;
    }

    Collection<NativePeer> all() {
        return peers.values();
    }

    NativePeer get(PeerKey key) {
        return peers.get(key);
    }

    /** The listening socket is up: its TCP-MD5 keys follow the peers from now on. */
    void listening(BgpListener l) {
        listener = l;
        updateListenerKeys();
    }

    void add(PeerConfig peer, boolean started) {
        NativePeer existing = peers.get(peer.key());
        if (existing != null) {
            if (!existing.config.equals(peer)) {
                replace(existing, peer, started);
            }
            return;
        }
        NativePeer e = newPeer(peer);
        peers.put(peer.key(), e);
        updateListenerKeys();
        if (started) {
            e.bgp.start();
        }
        LOG.info("Added BGP peer {}", peer);
    }

    void update(PeerConfig peer, boolean started) {
        NativePeer existing = peers.get(peer.key());
        if (existing == null) {
            throw new BgpException("peer " + peer.key() + " is not configured");
        }
        if (!existing.config.equals(peer)) {
            replace(existing, peer, started);
        }
    }

    void remove(PeerKey key) {
        NativePeer e = peers.remove(key);
        if (e != null) {
            bfd.remove(key);
            e.bgp.stop(CloseReason.local(new NotificationMessage(NotificationMessage.CEASE,
                    NotificationMessage.PEER_DECONFIGURED), "peer removed from the configuration"));
            updateListenerKeys();
            LOG.info("Removed BGP peer {}", key);
        }
    }

    /** A changed port, TTL, restart time or password needs a new session. */
    private void replace(NativePeer old, PeerConfig peer, boolean started) {
        old.bgp.stop(CloseReason.local(new NotificationMessage(NotificationMessage.CEASE,
                NotificationMessage.OTHER_CONFIGURATION_CHANGE), "peer configuration changed"));
        NativePeer e = newPeer(peer);
        peers.put(peer.key(), e);
        updateListenerKeys();
        if (started) {
            // the old session's stop runs next on this loop; the new one connects once the peer closed the old one
            long deadline = System.nanoTime() + REPLACE_WAIT.toNanos();
            loop.execute(() -> startAfter(old.bgp, e, deadline));
        }
        LOG.info("Updated BGP peer {}", peer);
    }

    /**
     * Starts the new session of a replaced peer once the old session's sockets are closed, which the peer does after
     * reading our Cease. A new connection of ours that came first was taken by FRR, a graceful-restart helper, for the
     * restarting peer's: the old session then counted as lost instead of ceased, and its routes were kept as stale
     * (FRR: "NSF peer closed the session"; docs/development.md, pitfall 32).
     */
    private void startAfter(BgpPeer old, NativePeer e, long deadline) {
        if (stopped.getAsBoolean() || peers.get(e.config.key()) != e) {
            return; // the server stopped, or the peer was replaced or removed again meanwhile
        }
        if (old.socketsOpen() && System.nanoTime() < deadline) {
            loop.schedule(() -> startAfter(old, e, deadline), 20, TimeUnit.MILLISECONDS);
            return;
        }
        e.bgp.start();
    }

    private NativePeer newPeer(PeerConfig peer) {
        Afi afi = peer.key().isIPv6() ? Afi.IPV6 : Afi.IPV4;
        long openAs = openAsFor(peer.key().asn());
        // timers and graceful restart per peer (docs/bgp-policy.md, "Timers and BFD")
        SessionConfig sc = new SessionConfig(openAs, config.routerId().longValue(), peer.key().asn(),
                peer.timers().holdTimeSeconds(), Set.of(afi),
                config.gracefulRestart() && peer.gracefulRestart() ? peer.gracefulRestartTimeSeconds() : -1,
                restarting, true, true, peer.timers().keepaliveIntervalSeconds(),
                peer.timers().connectRetrySeconds());
        InetAddress remote = peer.key().address().toInetAddress();
        Optional<InetAddress> local = config.listenAddress().filter(a -> a.isIPv6() == peer.key().isIPv6())
                .map(IPAddress::toInetAddress);
        PeerEndpoint ep = new PeerEndpoint(new InetSocketAddress(remote, peer.port()), local, peer.multihopTtl(),
                peer.password(), false);
        NativePeer e = new NativePeer(peer, afi, config, locRib, receiveLimit);
        e.bgp = new BgpPeer(sc, ep, loop, transport, e);
        startBfd(peer, local, e.bgp);
        return e;
    }

    /**
     * BFD for the peer when it asks for it: BFD going Down resets the BGP session with a Cease, subcode 10 (RFC
     * 9384). A BFD endpoint that cannot open (the port taken) leaves the BGP session without BFD, and says so.
     */
    private void startBfd(PeerConfig peer, Optional<InetAddress> local, BgpPeer bgp) {
        bfd.remove(peer.key());
        try {
            bfd.add(peer, local, change -> bgp.resetSession(CloseReason.local(
                    new NotificationMessage(NotificationMessage.CEASE, NotificationMessage.BFD_DOWN),
                    "BFD session went down (" + change.diagnostic() + ")")));
        } catch (java.io.IOException | RuntimeException e) {
            LOG.error("Peer {}: no BFD ({}); the BGP session runs on its hold timer alone", peer.key(),
                    e.getMessage());
        }
    }

    /** The AS our OPEN carries toward a peer: the confederation identifier toward peers outside it. */
    private long openAsFor(long peerAs) {
        Optional<Confederation> c = config.confederation();
        if (c.isEmpty() || peerAs == config.localAsn() || c.get().memberAsns().contains(peerAs)) {
            return config.localAsn();
        }
        return c.get().identifier();
    }

    /** The peer configured for a source address, or null: the listener's choice. */
    BgpPeer peerFor(InetAddress from) {
        // the listener runs on the loop: the map is safe to read here
        for (NativePeer e : peers.values()) {
            if (e.bgp.endpoint().remote().getAddress().equals(from)) {
                return e.bgp;
            }
        }
        return null;
    }

    private void updateListenerKeys() {
        if (listener == null) {
            return;
        }
        Map<InetAddress, byte[]> keys = new HashMap<>();
        for (NativePeer e : peers.values()) {
            e.config.password().ifPresent(p -> keys.put(e.bgp.endpoint().remote().getAddress(),
                    PeerConfig.md5Key(p)));
        }
        if (transport.supportsMd5()) {
            listener.setMd5Keys(keys);
        }
    }

    List<PeerStatus> statuses() {
        List<PeerStatus> out = new ArrayList<>();
        for (NativePeer e : peers.values()) {
            BgpPeer b = e.bgp;
            Instant since = b.establishedSince();
            int hold = b.negotiatedHoldTime();
            out.add(new PeerStatus(e.config, NativeSessionState.of(b.state()), Optional.ofNullable(since),
                    b.messagesSent(), b.messagesReceived(),
                    b.establishedConnection() != null ? e.rib.advertised.size() : 0,
                    e.rib.received.size(), NativePeerCounters.of(b.counters()),
                    hold < 0 ? OptionalInt.empty() : OptionalInt.of(hold), bfd.state(e.config.key())));
        }
        out.sort((a, b) -> PeerKey.ORDER.compare(a.key(), b.key()));
        return out;
    }
}
