package dev.herald.backend.nativebgp;

import dev.herald.api.Confederation;
import dev.herald.api.GlobalConfig;
import dev.herald.api.PeerConfig;
import dev.herald.api.PeerKey;
import dev.herald.api.PeerStatus;
import dev.herald.api.Route;
import dev.herald.api.spi.BgpException;
import dev.herald.api.spi.BgpServer;
import dev.herald.api.spi.StopMode;
import dev.herald.bfd.transport.BfdEndpointConfig;
import dev.herald.bgp.codec.CodecContext;
import dev.herald.bgp.message.Afi;
import dev.herald.bgp.message.BgpMessage;
import dev.herald.bgp.message.NotificationMessage;
import dev.herald.bgp.message.PathAttribute;
import dev.herald.bgp.message.PathAttribute.Segment;
import dev.herald.bgp.message.Prefix;
import dev.herald.bgp.message.RouteRefreshMessage;
import dev.herald.bgp.message.UpdateMessage;
import dev.herald.bgp.session.BgpConnection;
import dev.herald.bgp.session.BgpListener;
import dev.herald.bgp.session.BgpPeer;
import dev.herald.bgp.session.CloseReason;
import dev.herald.bgp.session.FsmState;
import dev.herald.bgp.session.Negotiated;
import dev.herald.bgp.session.PeerEndpoint;
import dev.herald.bgp.session.SessionConfig;
import dev.herald.bgp.transport.Transport;
import inet.ipaddr.IPAddress;
import inet.ipaddr.ipv4.IPv4Address;
import inet.ipaddr.ipv6.IPv6Address;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.SingleThreadEventExecutor;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Herald's own BGP speaker: one listening socket, a {@link BgpPeer} per neighbour, a Loc-RIB of the routes to
 * advertise and an Adj-RIB-Out per peer. Everything runs on one event-loop thread; the {@link BgpServer} methods hand
 * their work to it and wait, so a call has taken effect (or thrown) when it returns.
 */
public final class NativeBgpServer implements BgpServer {
    private static final Logger LOG = LoggerFactory.getLogger(NativeBgpServer.class);
    /** Received prefixes kept per peer before the session is ceased; Herald installs none of them. */
    public static final int DEFAULT_RECEIVE_LIMIT = 200_000;
    private static final long LOCAL_PREF = 100;
    private static final long CALL_TIMEOUT_SECONDS = 30;

    private final GlobalConfig config;
    private final Transport transport;
    private final boolean restarting;
    private final int receiveLimit;
    private final Map<PeerKey, PeerEntry> peers = new HashMap<>();
    private final PrefixTable<Route> locRib = PrefixTable.map();
    private final EventLoopGroup group;
    private final EventLoop loop;
    /** BFD beside the sessions of peers that ask for it (docs/bfd.md). */
    private final BfdLink bfd;
    private BgpListener listener;
    private volatile boolean started;
    private volatile boolean stopped;

    /**
     * @param restarting set the graceful-restart R bit: this server replaces one that stopped with
     *     {@link StopMode#GRACEFUL_RESTART}, and peers keep its routes until End-of-RIB
     */
    public NativeBgpServer(GlobalConfig config, Transport transport, boolean restarting, int receiveLimit) {
        this(config, transport, restarting, receiveLimit, bfdEndpoint(config));
    }

    /** @param bfdEndpoint where BFD listens and sends, for the peers that ask for BFD */
    public NativeBgpServer(GlobalConfig config, Transport transport, boolean restarting, int receiveLimit,
                           BfdEndpointConfig bfdEndpoint) {
        this.bfd = new BfdLink(bfdEndpoint);
        this.config = config;
        this.transport = transport;
        this.restarting = restarting;
        this.receiveLimit = receiveLimit;
        String id = config.routerId().toString();
        // Netty starts the thread on first use; stop() ends it
        this.group = transport.newEventLoopGroup(1, r -> {
            Thread t = new Thread(r, "herald-bgp-" + id);
            t.setDaemon(true);
            return t;
        });
        this.loop = group.next();
    }

    /** BFD's RFC ports, on the BGP listen address when there is one, so that BFD leaves by the BGP session's path. */
    static BfdEndpointConfig bfdEndpoint(GlobalConfig config) {
        BfdEndpointConfig d = BfdEndpointConfig.defaults();
        return config.listenAddress().map(a -> d.withListenAddresses(a.toInetAddress())).orElse(d);
    }

    @Override
    public GlobalConfig config() {
        return config;
    }

    @Override
    public boolean supportsBfd() {
        return true;
    }

    @Override
    public synchronized void start() {
        if (stopped) {
            throw new BgpException("this BGP server was stopped; create a new one");
        }
        if (started) {
            return;
        }
        String id = config.routerId().toString();
        InetSocketAddress bind = config.listenAddress()
                .map(a -> new InetSocketAddress(a.toInetAddress(), config.listenPort()))
                .orElseGet(() -> new InetSocketAddress(config.listenPort()));
        try {
            listener = BgpListener.bind(group, transport, bind, this::peerFor);
        } catch (Exception e) {
            throw new BgpException("cannot listen for BGP on " + bind + ": " + e.getMessage(), e);
        }
        started = true;
        LOG.info("BGP server AS {} router ID {} listening on {} ({} transport)", config.localAsn(), id,
                listener.localAddress(), transport.name());
        call("start peers", () -> {
            peers.values().forEach(p -> p.bgp.start());
            updateListenerKeys();
            return null;
        });
    }

    /** Started and not stopped. */
    public boolean isRunning() {
        return started && !stopped;
    }

    /** The socket layer in use: {@code epoll} (TCP-MD5 and TTL available) or {@code nio}. */
    public String transportName() {
        return transport.name();
    }

    /** UPDATE messages with routes sent to a peer since it was added; End-of-RIB markers are not counted. */
    public long updatesSent(PeerKey peer) {
        return call("count UPDATEs", () -> {
            PeerEntry e = peers.get(peer);
            return e == null ? 0L : e.updatesSent;
        });
    }

    /** The address the server listens on, once started (tests bind port 0). */
    public InetSocketAddress listenAddress() {
        return listener.localAddress();
    }

    @Override
    public synchronized void stop(StopMode mode) {
        if (stopped) {
            return;
        }
        stopped = true;
        if (!started) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            return;
        }
        NotificationMessage cease = mode == StopMode.CEASE
                ? new NotificationMessage(NotificationMessage.CEASE, NotificationMessage.ADMINISTRATIVE_SHUTDOWN)
                : null;
        String why = mode == StopMode.CEASE ? "BGP server stopped" : "planned restart (graceful restart)";
        try {
            List<io.netty.util.concurrent.Future<?>> closing = onLoop("stop", () -> {
                List<io.netty.util.concurrent.Future<?>> fs = new ArrayList<>();
                peers.values().forEach(p -> fs.add(p.bgp.stop(CloseReason.local(cease, why))));
                return fs;
            });
            for (var f : closing) {
                f.await(2, TimeUnit.SECONDS);
            }
            awaitClosed();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            bfd.close(); // AdminDown: the peers' BFD does not take it for a failure (RFC 5882 §3.2)
            listener.close();
            group.shutdownGracefully(100, 2000, TimeUnit.MILLISECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
            LOG.info("BGP server AS {} router ID {} stopped ({})", config.localAsn(), config.routerId(), why);
        }
    }

    /**
     * Waits (at most 2 s) until every connection is closed, so a Cease is on the wire before the loop ends, and the
     * peers have closed after reading it (BgpConnection#close says why they close, not us).
     */
    private void awaitClosed() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (System.nanoTime() < deadline) {
            boolean open = onLoop("check", () -> peers.values().stream()
                    .anyMatch(p -> p.bgp.state() != FsmState.IDLE || p.bgp.establishedConnection() != null
                            || p.bgp.socketsOpen()));
            if (!open) {
                return;
            }
            Thread.sleep(20);
        }
    }

    @Override
    public void addPeer(PeerConfig peer) {
        call("add peer " + peer.key(), () -> {
            PeerEntry existing = peers.get(peer.key());
            if (existing != null) {
                if (!existing.config.equals(peer)) {
                    replace(existing, peer);
                }
                return null;
            }
            PeerEntry e = newEntry(peer);
            peers.put(peer.key(), e);
            updateListenerKeys();
            if (started) {
                e.bgp.start();
            }
            LOG.info("Added BGP peer {}", peer);
            return null;
        });
    }

    @Override
    public void updatePeer(PeerConfig peer) {
        call("update peer " + peer.key(), () -> {
            PeerEntry existing = peers.get(peer.key());
            if (existing == null) {
                throw new BgpException("peer " + peer.key() + " is not configured");
            }
            if (!existing.config.equals(peer)) {
                replace(existing, peer);
            }
            return null;
        });
    }

    @Override
    public void removePeer(PeerKey key) {
        call("remove peer " + key, () -> {
            PeerEntry e = peers.remove(key);
            if (e != null) {
                bfd.remove(key);
                e.bgp.stop(CloseReason.local(new NotificationMessage(NotificationMessage.CEASE,
                        NotificationMessage.PEER_DECONFIGURED), "peer removed from the configuration"));
                updateListenerKeys();
                LOG.info("Removed BGP peer {}", key);
            }
            return null;
        });
    }

    /** A changed port, TTL, restart time or password needs a new session. */
    private void replace(PeerEntry old, PeerConfig peer) {
        old.bgp.stop(CloseReason.local(new NotificationMessage(NotificationMessage.CEASE,
                NotificationMessage.OTHER_CONFIGURATION_CHANGE), "peer configuration changed"));
        PeerEntry e = newEntry(peer);
        peers.put(peer.key(), e);
        updateListenerKeys();
        if (started) {
            // the old session's stop runs next on this loop; the new one connects once the peer closed the old one
            long deadline = System.nanoTime() + REPLACE_WAIT.toNanos();
            loop.execute(() -> startAfter(old.bgp, e, deadline));
        }
        LOG.info("Updated BGP peer {}", peer);
    }

    /** At most this long a replaced peer's new session waits for the peer to close the old one. */
    private static final java.time.Duration REPLACE_WAIT = java.time.Duration.ofSeconds(3);

    /**
     * Starts the new session of a replaced peer once the old session's sockets are closed, which the peer does after
     * reading our Cease. A new connection of ours that came first was taken by FRR, a graceful-restart helper, for the
     * restarting peer's: the old session then counted as lost instead of ceased, and its routes were kept as stale
     * (FRR: "NSF peer closed the session"; docs/development.md, pitfall 32).
     */
    private void startAfter(BgpPeer old, PeerEntry e, long deadline) {
        if (stopped || peers.get(e.config.key()) != e) {
            return; // the server stopped, or the peer was replaced or removed again meanwhile
        }
        if (old.socketsOpen() && System.nanoTime() < deadline) {
            loop.schedule(() -> startAfter(old, e, deadline), 20, TimeUnit.MILLISECONDS);
            return;
        }
        e.bgp.start();
    }

    private PeerEntry newEntry(PeerConfig peer) {
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
        PeerEntry e = new PeerEntry(peer, afi);
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

    private BgpPeer peerFor(InetAddress from) {
        // the listener runs on the loop: the map is safe to read here
        for (PeerEntry e : peers.values()) {
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
        for (PeerEntry e : peers.values()) {
            e.config.password().ifPresent(p -> keys.put(e.bgp.endpoint().remote().getAddress(),
                    PeerConfig.md5Key(p)));
        }
        if (transport.supportsMd5()) {
            listener.setMd5Keys(keys);
        }
    }

    @Override
    public List<PeerStatus> peers() {
        return call("list peers", () -> {
            List<PeerStatus> out = new ArrayList<>();
            for (PeerEntry e : peers.values()) {
                BgpPeer b = e.bgp;
                Instant since = b.establishedSince();
                int hold = b.negotiatedHoldTime();
                out.add(new PeerStatus(e.config, NativeSessionState.of(b.state()), Optional.ofNullable(since), b.messagesSent(),
                        b.messagesReceived(), b.establishedConnection() != null ? e.rib.advertised.size() : 0,
                        e.rib.received.size(), NativePeerCounters.of(b.counters()),
                        hold < 0 ? OptionalInt.empty() : OptionalInt.of(hold), bfd.state(e.config.key())));
            }
            out.sort((a, b) -> PeerKey.ORDER.compare(a.key(), b.key()));
            return out;
        });
    }

    @Override
    public void advertise(Collection<Route> routes) {
        List<Route> batch = List.copyOf(routes);
        call("advertise " + batch.size() + " routes", () -> {
            for (Route r : batch) {
                Prefix p = toPrefix(r.prefix());
                locRib.put(p, r);
                for (PeerEntry e : peers.values()) {
                    if (e.afi == p.afi() && e.bgp.establishedConnection() != null) {
                        e.rib.announce(p);
                    }
                }
            }
            peers.values().forEach(this::pump);
            return null;
        });
    }

    @Override
    public void withdraw(Collection<Route> routes) {
        List<Route> batch = List.copyOf(routes);
        call("withdraw " + batch.size() + " routes", () -> {
            for (Route r : batch) {
                Prefix p = toPrefix(r.prefix());
                if (locRib.remove(p) != null) {
                    for (PeerEntry e : peers.values()) {
                        if (e.afi == p.afi()) {
                            e.rib.withdraw(p);
                        }
                    }
                }
            }
            peers.values().forEach(this::pump);
            return null;
        });
    }

    @Override
    public Set<Route> routes() {
        return call("list routes", () -> {
            Set<Route> out = new HashSet<>();
            locRib.forEach((p, r) -> out.add(r));
            return Set.copyOf(out);
        });
    }

    /** The tasks queued on this server's one event loop (Netty counts them without running anything on it). */
    @Override
    public OptionalInt pendingTasks() {
        return loop instanceof SingleThreadEventExecutor s ? OptionalInt.of(s.pendingTasks()) : OptionalInt.empty();
    }

    /** The loop everything of this server runs on, for tests that hold it up. */
    EventLoop eventLoop() {
        return loop;
    }

    @Override
    public Map<PeerKey, Set<IPAddress>> routesByPeer() {
        return call("list routes by peer", () -> {
            Map<PeerKey, Set<IPAddress>> out = new HashMap<>();
            for (PeerEntry e : peers.values()) {
                Set<IPAddress> sent = new HashSet<>();
                if (e.bgp.establishedConnection() != null) {
                    e.rib.advertised.forEach(p -> sent.add(toIpAddress(p)));
                }
                out.put(e.config.key(), Set.copyOf(sent));
            }
            return out;
        });
    }

    // ---- the event loop side ----

    /** Sends what is pending while the socket takes it; resumes on {@link BgpPeer.Listener#writable}. */
    private void pump(PeerEntry e) {
        BgpConnection s = e.bgp.establishedConnection();
        if (s == null || e.attributes == null) {
            return;
        }
        int max = e.codec.maxMessageLength();
        boolean wrote = false;
        while (!e.rib.idle()) {
            if (!s.isWritable()) {
                s.flush();
                return; // writable() brings us back
            }
            UpdateMessage m;
            if (!e.rib.toWithdraw.isEmpty()) {
                m = UpdatePacker.withdrawals(e.afi, e.rib.toWithdraw.iterator(), max, e.codec);
                m.withdrawnAll().forEach(e.rib.advertised::delete);
            } else {
                m = UpdatePacker.announcements(e.afi, e.attributes, e.ipv6NextHop, e.rib.toAnnounce.iterator(), max,
                        e.codec);
                m.announced().forEach(e.rib.advertised::add);
            }
            s.write(m);
            e.updatesSent++;
            wrote = true;
        }
        e.rib.compact();
        if (!e.rib.endOfRibSent && s.negotiated().peerGracefulRestart() != null) {
            s.write(UpdateMessage.endOfRib(e.afi));
            e.rib.endOfRibSent = true;
            wrote = true;
        }
        if (wrote) {
            s.flush();
        }
    }

    /** The attributes every route to this peer carries (RFC 4271 §5.1, RFC 5065, RFC 6793). */
    private List<PathAttribute> attributesFor(PeerEntry e, BgpConnection s) {
        Negotiated n = s.negotiated();
        long peerAs = e.config.key().asn();
        boolean internal = peerAs == config.localAsn();
        boolean confedMember = !internal && config.confederation()
                .map(c -> c.memberAsns().contains(peerAs)).orElse(false);
        List<PathAttribute> attrs = new ArrayList<>();
        attrs.add(PathAttribute.Origin.IGP);
        long ownAs = confedMember || config.confederation().isEmpty() ? config.localAsn()
                : config.confederation().get().identifier();
        if (internal) {
            attrs.add(PathAttribute.AsPath.EMPTY);
        } else {
            int segType = confedMember ? Segment.AS_CONFED_SEQUENCE : Segment.AS_SEQUENCE;
            attrs.add(new PathAttribute.AsPath(List.of(new Segment(segType, List.of(ownAs)))));
            if (!n.fourOctetAs() && ownAs > 0xFFFF) {
                // RFC 6793 §4.2.2: AS_TRANS in AS_PATH, the real AS in AS4_PATH
                attrs.add(new PathAttribute.As4Path(List.of(new Segment(segType, List.of(ownAs)))));
            }
        }
        if (e.afi == Afi.IPV4) {
            InetAddress local = s.localAddress().getAddress();
            attrs.add(new PathAttribute.NextHop(ipv4Value(local)));
        }
        if (internal || confedMember) {
            attrs.add(new PathAttribute.LocalPref(LOCAL_PREF));
        }
        attrs.sort((a, b) -> Integer.compare(a.typeCode(), b.typeCode()));
        return attrs;
    }

    private static long ipv4Value(InetAddress a) {
        byte[] b = a.getAddress();
        if (b.length == 16) {
            b = java.util.Arrays.copyOfRange(b, 12, 16); // IPv4-mapped
        }
        return ((b[0] & 0xFFL) << 24) | ((b[1] & 0xFFL) << 16) | ((b[2] & 0xFFL) << 8) | (b[3] & 0xFFL);
    }

    /** Per-peer state; also the peer's listener, so its callbacks find their entry directly. */
    private final class PeerEntry implements BgpPeer.Listener {
        final PeerConfig config;
        final Afi afi;
        final PeerRib rib = new PeerRib();
        BgpPeer bgp;
        CodecContext codec;
        List<PathAttribute> attributes;
        byte[] ipv6NextHop;
        /** UPDATEs carrying routes (End-of-RIB not counted), for the packing benchmark. */
        volatile long updatesSent;

        PeerEntry(PeerConfig config, Afi afi) {
            this.config = config;
            this.afi = afi;
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
            attributes = attributesFor(this, connection);
            locRib.forEach((p, r) -> {
                if (p.afi() == afi) {
                    rib.announce(p);
                }
            });
            pump(this);
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
                pump(this);
            }
        }

        @Override
        public void writable(BgpPeer peer, BgpConnection connection) {
            pump(this);
        }

        @Override
        public void down(BgpPeer peer, CloseReason reason) {
            rib.reset();
            attributes = null;
        }
    }

    static Prefix toPrefix(IPAddress a) {
        Afi afi = a.isIPv6() ? Afi.IPV6 : Afi.IPV4;
        Integer len = a.getNetworkPrefixLength();
        return Prefix.of(afi, a.getBytes(), len == null ? afi.maxPrefixLength() : len);
    }

    static IPAddress toIpAddress(Prefix p) {
        return p.afi() == Afi.IPV4 ? new IPv4Address(p.addressBytes(), p.length())
                : new IPv6Address(p.addressBytes(), p.length());
    }

    // ---- running on the loop ----

    private <T> T call(String what, Callable<T> task) {
        if (stopped) {
            throw new BgpException("cannot " + what + ": the BGP server is stopped");
        }
        try {
            return onLoop(what, task);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BgpException("interrupted while trying to " + what, e);
        }
    }

    private <T> T onLoop(String what, Callable<T> task) throws InterruptedException {
        if (loop.inEventLoop()) {
            try {
                return task.call();
            } catch (BgpException e) {
                throw e;
            } catch (Exception e) {
                throw new BgpException("cannot " + what + ": " + e.getMessage(), e);
            }
        }
        try {
            return loop.submit(task).get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof BgpException b) {
                throw b;
            }
            throw new BgpException("cannot " + what + ": " + c.getMessage(), c);
        } catch (TimeoutException e) {
            throw new BgpException("cannot " + what + ": the BGP event loop did not answer within "
                    + CALL_TIMEOUT_SECONDS + " s", e);
        }
    }
}
