package dev.herald.backend.nativebgp;

import dev.herald.api.GlobalConfig;
import dev.herald.api.PeerConfig;
import dev.herald.api.PeerKey;
import dev.herald.api.PeerStatus;
import dev.herald.api.Route;
import dev.herald.api.spi.BgpException;
import dev.herald.api.spi.BgpServer;
import dev.herald.api.spi.StopMode;
import dev.herald.bfd.transport.BfdEndpointConfig;
import dev.herald.bgp.message.Afi;
import dev.herald.bgp.message.NotificationMessage;
import dev.herald.bgp.message.Prefix;
import dev.herald.bgp.session.BgpListener;
import dev.herald.bgp.session.BgpPeer;
import dev.herald.bgp.session.CloseReason;
import dev.herald.bgp.session.FsmState;
import dev.herald.bgp.transport.Transport;
import inet.ipaddr.IPAddress;
import inet.ipaddr.ipv4.IPv4Address;
import inet.ipaddr.ipv6.IPv6Address;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.SingleThreadEventExecutor;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
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

    private final GlobalConfig config;
    private final Transport transport;
    private final PeerTable peers;
    private final LoopCalls calls;
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
        String id = config.routerId().toString();
        // Netty starts the thread on first use; stop() ends it
        this.group = transport.newEventLoopGroup(1, r -> {
            Thread t = new Thread(r, "herald-bgp-" + id);
            t.setDaemon(true);
            return t;
        });
        this.loop = group.next();
        this.calls = new LoopCalls(loop);
        this.peers = new PeerTable(config, transport, loop, restarting, receiveLimit, locRib, bfd, () -> stopped);
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
            listener = BgpListener.bind(group, transport, bind, peers::peerFor);
        } catch (Exception e) {
            throw new BgpException("cannot listen for BGP on " + bind + ": " + e.getMessage(), e);
        }
        started = true;
        LOG.info("BGP server AS {} router ID {} listening on {} ({} transport)", config.localAsn(), id,
                listener.localAddress(), transport.name());
        call("start peers", () -> {
            peers.all().forEach(p -> p.bgp.start());
            peers.listening(listener);
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
            NativePeer e = peers.get(peer);
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
            List<io.netty.util.concurrent.Future<?>> closing = calls.onLoop("stop", () -> {
                List<io.netty.util.concurrent.Future<?>> fs = new ArrayList<>();
                peers.all().forEach(p -> fs.add(p.bgp.stop(CloseReason.local(cease, why))));
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
            boolean open = calls.onLoop("check", () -> peers.all().stream()
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
            peers.add(peer, started);
            return null;
        });
    }

    @Override
    public void updatePeer(PeerConfig peer) {
        call("update peer " + peer.key(), () -> {
            peers.update(peer, started);
            return null;
        });
    }

    @Override
    public void removePeer(PeerKey key) {
        call("remove peer " + key, () -> {
            peers.remove(key);
            return null;
        });
    }

    @Override
    public List<PeerStatus> peers() {
        return call("list peers", peers::statuses);
    }

    @Override
    public void advertise(Collection<Route> routes) {
        List<Route> batch = List.copyOf(routes);
        call("advertise " + batch.size() + " routes", () -> {
            for (Route r : batch) {
                Prefix p = toPrefix(r.prefix());
                locRib.put(p, r);
                for (NativePeer e : peers.all()) {
                    if (e.afi == p.afi() && e.bgp.establishedConnection() != null) {
                        e.rib.announce(p);
                    }
                }
            }
            peers.all().forEach(NativePeer::pump);
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
                    for (NativePeer e : peers.all()) {
                        if (e.afi == p.afi()) {
                            e.rib.withdraw(p);
                        }
                    }
                }
            }
            peers.all().forEach(NativePeer::pump);
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
            for (NativePeer e : peers.all()) {
                Set<IPAddress> sent = new HashSet<>();
                if (e.bgp.establishedConnection() != null) {
                    e.rib.advertised.forEach(p -> sent.add(toIpAddress(p)));
                }
                out.put(e.config.key(), Set.copyOf(sent));
            }
            return out;
        });
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

    private <T> T call(String what, Callable<T> task) {
        if (stopped) {
            throw new BgpException("cannot " + what + ": the BGP server is stopped");
        }
        return calls.call(what, task);
    }
}
