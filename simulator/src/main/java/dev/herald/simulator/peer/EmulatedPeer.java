package dev.herald.simulator.peer;

import static dev.herald.bgp.message.NotificationMessage.CEASE;

import dev.herald.bgp.codec.BgpMessageEncoder;
import dev.herald.bgp.codec.CodecContext;
import dev.herald.bgp.codec.MalformedMessage;
import dev.herald.bgp.message.Afi;
import dev.herald.bgp.message.BgpMessage;
import dev.herald.bgp.message.Capability;
import dev.herald.bgp.message.NotificationMessage;
import dev.herald.bgp.message.OpenMessage;
import dev.herald.bgp.message.PathAttribute;
import dev.herald.bgp.message.UpdateMessage;
import dev.herald.bgp.session.BgpConnection;
import dev.herald.bgp.session.BgpPeer;
import dev.herald.bgp.session.CloseReason;
import dev.herald.bgp.session.FsmState;
import dev.herald.bgp.session.PeerEndpoint;
import dev.herald.bgp.session.SessionConfig;
import dev.herald.bgp.transport.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An emulated BGP router on {@code bgp-protocol}: listens on one address, accepts a session from any remote address
 * and any AS (like a router with dynamic neighbours), optionally connects out to given agents, records every route
 * it learns and every change in order, acts as a graceful-restart receiver (RFC 4724), and injects faults on command.
 *
 * <p>It sends no routes. To learn a remote's AS before building the session for it, it sends its OPEN only once the
 * remote's OPEN has arrived (both speakers send theirs on connect, so only the order differs).
 *
 * <p>All session state lives on one event loop; every public method may be called from any thread, and a fault has
 * been applied when its method returns.
 */
public final class EmulatedPeer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmulatedPeer.class);
    /** How long a restart keeps the peer away. */
    public static final Duration DEFAULT_RESTART_PAUSE = Duration.ofMillis(500);
    /** How often an active peer looks for agents it has no connection with. */
    static final long RECONNECT_MILLIS = 1000;
    /** The longest wait between two connection attempts to an agent that does not take them. */
    static final long MAX_RECONNECT_MILLIS = 30_000;
    /** A remote that connected but sends no OPEN is dropped after this. */
    static final int OPEN_WAIT_SECONDS = 30;
    /** Stale routes of a remote that came back but never sent End-of-RIB go after this (FRR's default). */
    static final int STALE_PATH_SECONDS = 360;
    private static final long CALL_TIMEOUT_SECONDS = 10;

    private final EmulatedPeerConfig config;
    private final String name;
    private final Transport transport;
    private final EventLoop loop;
    private final EventLoopGroup ownGroup;
    private final PeerRib rib = new PeerRib();
    private final Map<RemoteId, Remote> remotes = new ConcurrentHashMap<>();
    /** The last NOTIFICATION received from and sent to each address, on any connection, OPEN or not. */
    private final Map<InetAddress, NotificationMessage> lastReceivedFrom = new ConcurrentHashMap<>();
    private final Map<InetAddress, NotificationMessage> lastSentTo = new ConcurrentHashMap<>();
    private final Object sessionMonitor = new Object();
    private volatile InetSocketAddress localAddress;
    private volatile boolean closed;
    // event loop only
    private Channel server;
    private boolean listening;
    private ScheduledFuture<?> connector;
    private final Map<InetSocketAddress, Channel> dialing = new HashMap<>();
    /** Connections whose remote has not sent its OPEN yet (so which speaker it is is not known), and whether we
     *  opened them. */
    private final Map<Channel, Boolean> unopened = new HashMap<>();
    /** On {@code ::1}: which remote listens at an agent address we connected to (learned from its OPEN). */
    private final Map<InetSocketAddress, RemoteId> agentAt = new HashMap<>();
    /** Per agent: {attempts, last attempt, next attempt} in nanoTime. */
    private final Map<InetSocketAddress, long[]> dialBackoff = new HashMap<>();
    private long restartBitUntilNanos;
    private boolean restartBit;

    EmulatedPeer(EmulatedPeerConfig config, Transport transport, EventLoop loop, EventLoopGroup ownGroup) {
        this.config = config;
        this.name = config.name();
        this.transport = transport;
        this.loop = loop;
        this.ownGroup = ownGroup;
    }

    /** Starts a peer on its own event-loop thread (epoll where available); {@link #close()} ends both. */
    public static EmulatedPeer start(EmulatedPeerConfig config) {
        Transport t = PeerTransport.best();
        checkTransport(config, t);
        EventLoopGroup group = t.newEventLoopGroup(1, r -> {
            Thread th = new Thread(r, "emulated-peer-" + config.name());
            th.setDaemon(true);
            return th;
        });
        try {
            EmulatedPeer p = new EmulatedPeer(config, t, group.next(), group);
            p.open();
            return p;
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    static void checkTransport(EmulatedPeerConfig config, Transport t) {
        if (config.md5Password().isPresent() && !t.supportsMd5()) {
            throw new IllegalStateException("emulated peer " + config.name() + " has a TCP-MD5 password, but the "
                    + t.name() + " transport cannot set one (TCP-MD5 needs Netty's native epoll transport on Linux); "
                    + "refusing to run its sessions unauthenticated");
        }
    }

    void open() {
        listen(config.port());
        call("start connecting", () -> {
            startConnector();
            return null;
        });
    }

    public String name() {
        return name;
    }

    public EmulatedPeerConfig config() {
        return config;
    }

    /** Where it listens (the real port when the config said 0). */
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    /** {@code epoll} or {@code nio}. */
    public String transportName() {
        return transport.name();
    }

    // ---- what it learned ----

    /** Every route it holds now: remote → prefix → route. A consistent snapshot. */
    public Map<RemoteId, Map<String, LearnedRoute>> table() {
        return rib.table();
    }

    /** The routes it holds from the remote at {@code remote}, by prefix; see {@link #routesFrom(RemoteId)}. */
    public Map<String, LearnedRoute> routesFrom(InetAddress remote) {
        return routesFrom(RemoteId.of(remote));
    }

    /**
     * The routes it holds from one remote, by prefix.
     *
     * @throws IllegalArgumentException if several remotes match (agents on {@code ::1}: name the router ID)
     */
    public Map<String, LearnedRoute> routesFrom(RemoteId remote) {
        return one(remote).map(r -> rib.routesFrom(r.key)).orElse(Map.of());
    }

    /** The prefixes it holds from anyone, IPv4 first. */
    public Set<String> prefixes() {
        return rib.prefixes();
    }

    /** Every announcement and withdrawal since the start or {@link #clearEvents()}, oldest first. */
    public List<RouteEvent> events() {
        return rib.events();
    }

    public void clearEvents() {
        rib.clearEvents();
    }

    /** Every remote that has sent it an OPEN, with its session now; {@link SessionInfo#id()} names each. */
    public List<SessionInfo> sessions() {
        List<SessionInfo> out = new ArrayList<>();
        for (Remote r : remotes.values()) {
            if (r.asn != 0) {
                out.add(r.info());
            }
        }
        // IPv4 first, then by address, then (on ::1) by router ID
        out.sort((a, b) -> {
            byte[] x = a.remote().getAddress();
            byte[] y = b.remote().getAddress();
            int c = x.length != y.length ? Integer.compare(x.length, y.length) : Arrays.compareUnsigned(x, y);
            return c != 0 ? c : Long.compare(idValue(a.remoteRouterId()), idValue(b.remoteRouterId()));
        });
        return out;
    }

    private static long idValue(String dotted) {
        return dotted.isEmpty() ? -1 : EmulatedPeerConfig.routerId(dotted);
    }

    /** The session with the remote at {@code remote}; see {@link #session(RemoteId)}. */
    public Optional<SessionInfo> session(InetAddress remote) {
        return session(RemoteId.of(remote));
    }

    /**
     * The session with one remote, if it has ever sent an OPEN.
     *
     * @throws IllegalArgumentException if several remotes match (agents on {@code ::1}: name the router ID)
     */
    public Optional<SessionInfo> session(RemoteId remote) {
        return one(remote).filter(r -> r.asn != 0).map(Remote::info);
    }

    /** The one remote the selector names, if any. */
    private Optional<Remote> one(RemoteId selector) {
        List<Remote> found = remotes.values().stream().filter(r -> r.asn != 0 && selector.matches(r.address,
                r.routerId)).toList();
        if (found.size() > 1) {
            throw new IllegalArgumentException("emulated peer " + name + " has " + found.size() + " remotes at "
                    + selector + " (router IDs " + found.stream().map(r -> r.routerId).sorted().toList()
                    + "): name one by its router ID");
        }
        return found.stream().findFirst();
    }

    /** Waits until at least {@code count} sessions are Established; false when {@code timeout} passed first. */
    public boolean awaitEstablished(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (sessionMonitor) {
            while (establishedCount() < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(sessionMonitor, left);
            }
            return true;
        }
    }

    private int establishedCount() {
        int n = 0;
        for (Remote r : remotes.values()) {
            n += r.sessionUp ? 1 : 0;
        }
        return n;
    }

    /** The last NOTIFICATION received from {@code remote}, on any connection from it (also before an OPEN). */
    public Optional<NotificationMessage> lastNotificationReceived(InetAddress remote) {
        return Optional.ofNullable(lastReceivedFrom.get(remote));
    }

    /** The last NOTIFICATION one remote sent, on any of its connections after its OPEN. */
    public Optional<NotificationMessage> lastNotificationReceived(RemoteId remote) {
        return one(remote).map(r -> r.lastReceived);
    }

    /** The last NOTIFICATION this peer sent to {@code remote}, on any connection (also before its OPEN). */
    public Optional<NotificationMessage> lastNotificationSent(InetAddress remote) {
        return Optional.ofNullable(lastSentTo.get(remote));
    }

    /** The last NOTIFICATION this peer sent one remote, after its OPEN. */
    public Optional<NotificationMessage> lastNotificationSent(RemoteId remote) {
        return one(remote).map(r -> r.lastSent);
    }

    // ---- faults; each returns how many Established sessions it touched ----

    /** Closes every Established session's TCP connection without a NOTIFICATION. */
    public int dropSessions() {
        return dropSessions((RemoteId) null);
    }

    /** Closes the sessions with every remote at {@code remote} without a NOTIFICATION. */
    public int dropSessions(InetAddress remote) {
        return dropSessions(RemoteId.of(remote));
    }

    /** Closes the session with {@code remote} (every remote when null) without a NOTIFICATION. */
    public int dropSessions(RemoteId remote) {
        return onSessions(remote, "drop sessions", (r, s) -> s.close(CloseReason.local(null,
                "fault injected by emulated peer " + name + ": TCP closed without a NOTIFICATION")));
    }

    public int sendNotification(int code, int subcode) {
        return sendNotification((RemoteId) null, code, subcode);
    }

    /** Sends a NOTIFICATION to every remote at {@code remote}, which ends their sessions. */
    public int sendNotification(InetAddress remote, int code, int subcode) {
        return sendNotification(RemoteId.of(remote), code, subcode);
    }

    /** Sends a NOTIFICATION to {@code remote} (every remote when null), which ends the session. */
    public int sendNotification(RemoteId remote, int code, int subcode) {
        NotificationMessage n = new NotificationMessage(code, subcode);
        return onSessions(remote, "send a NOTIFICATION", (r, s) -> s.close(CloseReason.local(n,
                "fault injected by emulated peer " + name)));
    }

    public int stopReading() {
        return stopReading((RemoteId) null);
    }

    public int stopReading(InetAddress remote) {
        return stopReading(RemoteId.of(remote));
    }

    /**
     * Freezes the session with {@code remote} (every remote when null): nothing is read from the socket and no
     * KEEPALIVE is sent, so the remote's writes back up and its hold timer runs out. This peer does not time out
     * meanwhile. What arrived is read at {@link #resumeReading}, except that a remote closing the connection is
     * noticed at once on epoll (Netty reads on hang-up), with its NOTIFICATION.
     */
    public int stopReading(RemoteId remote) {
        return onSessions(remote, "stop reading", (r, s) -> {
            r.watcher.freeze();
            LOG.info("Emulated peer {}: stopped reading from {} and sending it KEEPALIVEs", name, r.who());
        });
    }

    public int resumeReading() {
        return resumeReading((RemoteId) null);
    }

    public int resumeReading(InetAddress remote) {
        return resumeReading(RemoteId.of(remote));
    }

    public int resumeReading(RemoteId remote) {
        return onSessions(remote, "resume reading", (r, s) -> {
            r.watcher.thaw();
            LOG.info("Emulated peer {}: reading from {} again", name, r.who());
        });
    }

    public int sendMalformed() {
        return sendMalformed((RemoteId) null);
    }

    public int sendMalformed(InetAddress remote) {
        return sendMalformed(RemoteId.of(remote));
    }

    /**
     * Sends {@code remote} (every remote when null) an UPDATE whose total path attribute length runs past the end of
     * the message. RFC 4271 §6.3 and RFC 7606 §4 make the receiver answer NOTIFICATION 3/1 (malformed attribute list)
     * and close: see {@link #lastNotificationReceived}.
     */
    public int sendMalformed(RemoteId remote) {
        return onSessions(remote, "send a malformed UPDATE", (r, s) -> {
            LOG.info("Emulated peer {}: sending {} an UPDATE with a path attribute length beyond the message",
                    name, r.who());
            s.channel().writeAndFlush(malformedUpdate(s.channel().alloc()));
        });
    }

    /** {@link #restart(boolean, Duration)} with a pause of {@link #DEFAULT_RESTART_PAUSE}. */
    public void restart(boolean gracefully) {
        restart(gracefully, DEFAULT_RESTART_PAUSE);
    }

    /**
     * Restarts the router: every session closes (silently when {@code gracefully}, else with Cease 6/4), the
     * listening socket goes away for {@code pause}, then the peer listens (and connects) again. After a graceful
     * restart its OPENs carry the restart-state bit (and forwarding preserved) for its restart time, and the routes
     * it learned stay as stale until each remote's End-of-RIB, as a restarting router that kept forwarding would.
     */
    public void restart(boolean gracefully, Duration pause) {
        checkOpen();
        if (loop.inEventLoop()) {
            throw new IllegalStateException("restart() waits for the sessions to close: not on the event loop");
        }
        LOG.info("Emulated peer {}: restarting {}", name, gracefully
                ? "gracefully: sessions close without a NOTIFICATION, the restart bit is set when back"
                : "with Cease to every session");
        List<Future<?>> stopping = call("stop for a restart", () -> shutDownSessions(
                gracefully ? null : new NotificationMessage(CEASE, NotificationMessage.ADMINISTRATIVE_RESET),
                "emulated peer " + name + " restarting", gracefully));
        awaitDown(stopping);
        try {
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while restarting emulated peer " + name, e);
        }
        call("set the restart bit", () -> {
            restartBit = gracefully && config.gracefulRestart();
            restartBitUntilNanos = System.nanoTime() + TimeUnit.SECONDS.toNanos(Math.max(1,
                    config.restartTimeSeconds()));
            return null;
        });
        listen(localAddress.getPort());
        call("start connecting", () -> {
            startConnector();
            return null;
        });
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            List<Future<?>> stopping = call("stop", () -> shutDownSessions(new NotificationMessage(CEASE,
                    NotificationMessage.ADMINISTRATIVE_SHUTDOWN), "emulated peer " + name + " shut down", false));
            if (!loop.inEventLoop()) {
                awaitDown(stopping); // the loop itself must run on to close them
            }
        } catch (RuntimeException e) {
            LOG.debug("Emulated peer {}: sessions not closed cleanly", name, e);
        } finally {
            if (ownGroup != null) {
                ownGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
            }
            LOG.info("Emulated peer {} stopped", name);
        }
    }

    /** Event loop: stops listening and connecting, ends every session and connection. */
    private List<Future<?>> shutDownSessions(NotificationMessage notification, String reason, boolean graceful) {
        listening = false;
        if (connector != null) {
            connector.cancel(false);
            connector = null;
        }
        dialing.values().forEach(Channel::close);
        dialing.clear();
        if (server != null) {
            server.close();
            server = null;
        }
        List.copyOf(unopened.keySet()).forEach(Channel::close);
        List<Future<?>> out = new ArrayList<>();
        for (Remote r : remotes.values()) {
            r.ownRestart = graceful;
            for (Channel c : List.copyOf(r.links.keySet())) {
                if (c.pipeline().get(OpenSniffer.class) != null) {
                    c.close(); // not handed to a session yet
                }
            }
            if (r.bgp != null) {
                out.add(r.bgp.stop(CloseReason.local(notification, reason)));
                r.bgp = null;
            }
        }
        return out;
    }

    /** Waits (at most 3 s) until every session is down. */
    private void awaitDown(List<Future<?>> stopping) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        for (Future<?> f : stopping) {
            f.awaitUninterruptibly(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        }
        synchronized (sessionMonitor) {
            while (establishedCount() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    LOG.warn("Emulated peer {}: {} sessions still up 3 s after closing", name, establishedCount());
                    return;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(sessionMonitor, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("emulated peer " + name + " is closed");
        }
    }

    private int onSessions(RemoteId only, String what, BiConsumer<Remote, BgpConnection> action) {
        checkOpen();
        return call(what, () -> {
            int n = 0;
            for (Remote r : remotes.values()) {
                if ((only == null || only.matches(r.address, r.routerId)) && r.sessionUp && r.session != null) {
                    action.accept(r, r.session);
                    n++;
                }
            }
            if (n == 0) {
                LOG.warn("Emulated peer {}: cannot {}: no Established session{}", name, what,
                        only == null ? "" : " with " + only);
            }
            return n;
        });
    }

    // ---- sockets ----

    private void listen(int port) {
        InetSocketAddress bind = new InetSocketAddress(config.address(), port);
        ServerBootstrap b = new ServerBootstrap().group(loop, loop).channel(transport.serverChannel())
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        accepted(ch);
                    }
                });
        ChannelFuture f = b.bind(bind).awaitUninterruptibly();
        if (!f.isSuccess()) {
            throw new IllegalStateException("emulated peer " + name + " cannot listen on " + bind + ": "
                    + f.cause().getMessage(), f.cause());
        }
        Channel s = f.channel();
        String md5 = config.md5Password().map(p -> installListenerKey(s, p)).orElse("");
        localAddress = (InetSocketAddress) s.localAddress();
        call("listen", () -> {
            server = s;
            listening = true;
            return null;
        });
        LOG.info("Emulated peer {} (AS {}, router ID {}) listening on {}{} ({} transport){}", name, config.asn(),
                EmulatedPeerConfig.routerIdText(config.routerId()), AddressText.of(localAddress), md5, transport.name(),
                config.gracefulRestart() ? ", graceful restart " + config.restartTimeSeconds() + " s" : "");
    }

    private String installListenerKey(Channel s, String password) {
        byte[] key = Transport.md5Key(password);
        if (transport.setMd5KeyForAnyAddress(s, config.address(), key)) {
            return " with TCP-MD5 for any remote";
        }
        Map<InetAddress, byte[]> keys = new HashMap<>();
        config.connectTo().forEach(a -> keys.put(a.getAddress(), key));
        transport.setMd5Keys(s, keys);
        LOG.warn("Emulated peer {}: the kernel refused a TCP-MD5 key for every address (TCP_MD5SIG_EXT, Linux 4.13+); "
                + "only the agents in connectTo {} can connect with the password", name, keys.keySet());
        return " with TCP-MD5 for " + keys.size() + " agents";
    }

    /** Event loop: a connection a remote opened. */
    private void accepted(Channel ch) {
        if (!listening) {
            ch.close();
            return;
        }
        ch.pipeline().addLast(OpenSniffer.NAME, new OpenSniffer(this::firstMessage, false));
        link(ch, false);
    }

    private void link(Channel ch, boolean outgoing) {
        unopened.put(ch, outgoing);
        ch.closeFuture().addListener(f -> unopened.remove(ch));
        loop.schedule(() -> {
            OpenSniffer s = ch.pipeline().get(OpenSniffer.class);
            if (s != null && !s.decided() && ch.isActive()) {
                LOG.warn("Emulated peer {}: {} connected but sent no OPEN within {} s; closing (this peer sends "
                        + "its own OPEN after the remote's)", name, AddressText.of(ch.remoteAddress()),
                        OPEN_WAIT_SECONDS);
                ch.close();
            }
        }, OPEN_WAIT_SECONDS, TimeUnit.SECONDS);
    }

    private Remote remote(RemoteId key) {
        return remotes.computeIfAbsent(key, Remote::new);
    }

    private void startConnector() {
        if (config.active() && listening && connector == null) {
            connector = loop.scheduleWithFixedDelay(this::dialAll, 0, RECONNECT_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    /** Event loop: connects to each agent it has no connection with, backing off while one refuses. */
    private void dialAll() {
        long now = System.nanoTime();
        for (InetSocketAddress target : config.connectTo()) {
            // attempts since the session was last up, when the last went, when the next may
            long[] b = dialBackoff.computeIfAbsent(target, t -> new long[] {0, now, now});
            if (dialing.containsKey(target) || connectedTo(target)) {
                continue;
            }
            OptionalLong up = lastEstablished(target);
            if (up.isPresent() && up.getAsLong() - b[1] > 0) {
                b[0] = 0; // Established since our last attempt: the agent takes connections, start over
                b[2] = now;
            }
            if (now - b[2] >= 0) {
                long wait = Math.min(MAX_RECONNECT_MILLIS, RECONNECT_MILLIS << Math.min(b[0], 5));
                b[0]++;
                b[1] = now;
                b[2] = now + TimeUnit.MILLISECONDS.toNanos(wait);
                dial(target);
            }
        }
    }

    /**
     * Event loop: some connection is open or a session is up with the agent at {@code target}. On an address of its
     * own, any connection from it counts. On {@code ::1}, which agents share, the agent listening on a port is known
     * once a connection we opened to it got its OPEN; until then, agents that connected by themselves may be the ones
     * listening there, and dialing one of them would make it take the second connection for our restart, so a
     * target not known yet is left alone while as many unknown agents are connected as there are such targets.
     */
    private boolean connectedTo(InetSocketAddress target) {
        boolean shared = RemoteId.shared(target.getAddress());
        for (Channel c : unopened.keySet()) {
            InetSocketAddress a = (InetSocketAddress) c.remoteAddress();
            if (a != null && (shared ? a.equals(target) : a.getAddress().equals(target.getAddress()))) {
                return true;
            }
        }
        if (!shared) {
            return remotes.values().stream().anyMatch(r -> r.address.equals(target.getAddress()) && r.busy());
        }
        RemoteId known = agentAt.get(target);
        if (known != null) {
            Remote r = remotes.get(known);
            return r != null && r.busy();
        }
        long unknownConnected = remotes.values().stream().filter(r -> RemoteId.shared(r.address) && r.busy()
                && !agentAt.containsValue(r.key)).count();
        long unknownTargets = config.connectTo().stream().filter(t -> RemoteId.shared(t.getAddress())
                && !agentAt.containsKey(t)).count();
        return unknownConnected >= unknownTargets;
    }

    /** Event loop: when a session with the agent at {@code target} last came up (as in {@link #connectedTo}). */
    private OptionalLong lastEstablished(InetSocketAddress target) {
        if (RemoteId.shared(target.getAddress())) {
            Remote r = agentAt.containsKey(target) ? remotes.get(agentAt.get(target)) : null;
            return r != null && r.sessionEverUp ? OptionalLong.of(r.establishedAtNanos) : OptionalLong.empty();
        }
        return remotes.values().stream().filter(r -> r.sessionEverUp && r.address.equals(target.getAddress()))
                .mapToLong(r -> r.establishedAtNanos).reduce((x, y) -> x - y > 0 ? x : y);
    }

    private void dial(InetSocketAddress target) {
        Bootstrap b = new Bootstrap().group(loop).channel(transport.socketChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 3000)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(OpenSniffer.NAME, new OpenSniffer(EmulatedPeer.this::firstMessage, true));
                    }
                });
        ChannelFuture reg = b.register();
        Channel ch = reg.channel();
        if (reg.cause() != null) {
            LOG.warn("Emulated peer {}: cannot create a socket to {}: {}", name, AddressText.of(target),
                    reg.cause().getMessage());
            return;
        }
        if (config.md5Password().isPresent()) {
            try {
                transport.setMd5Keys(ch, Map.of(target.getAddress(),
                        Transport.md5Key(config.md5Password().get())));
            } catch (ChannelException e) {
                LOG.warn("Emulated peer {}: cannot set the TCP-MD5 key toward {}: {}", name, AddressText.of(target),
                        e.getMessage());
                ch.close();
                return;
            }
        }
        dialing.put(target, ch);
        ch.connect(target, new InetSocketAddress(config.address(), 0)).addListener(f -> {
            dialing.remove(target, ch);
            if (f.isSuccess() && listening) {
                link(ch, true);
            } else {
                ch.close();
                if (f.cause() != null) {
                    LOG.debug("Emulated peer {}: connecting to {} failed: {}", name, AddressText.of(target),
                            f.cause().getMessage());
                }
            }
        });
    }

    // ---- handing a connection to its session ----

    /** Event loop: the remote's first message on a connection. */
    private void firstMessage(ChannelHandlerContext ctx, OpenSniffer sniffer, Object message) {
        Channel ch = ctx.channel();
        InetAddress from = ((InetSocketAddress) ch.remoteAddress()).getAddress();
        if (message instanceof OpenMessage open) {
            if (ch.isActive()) {
                handOff(ctx, sniffer, remote(RemoteId.identity(from, open.bgpIdentifierText())), open);
            }
            return;
        }
        if (message instanceof NotificationMessage n) {
            lastReceivedFrom.put(from, n);
            LOG.warn("Emulated peer {}: {} sent {} before its OPEN; connection closed", name,
                    AddressText.of(ch.remoteAddress()), n);
            ch.close();
            return;
        }
        NotificationMessage reply;
        String why;
        if (message instanceof MalformedMessage m) {
            reply = m.notification();
            why = m.reason();
        } else {
            reply = new NotificationMessage(NotificationMessage.FSM_ERROR, 1);
            why = "first message is of type " + ((BgpMessage) message).type() + ", not OPEN";
        }
        LOG.warn("Emulated peer {}: closing the connection from {}: {}; sending {}", name,
                AddressText.of(ch.remoteAddress()), why, reply);
        lastSentTo.put(from, reply);
        writeRawAndClose(ch, reply);
    }

    private void handOff(ChannelHandlerContext ctx, OpenSniffer sniffer, Remote r, OpenMessage open) {
        Channel ch = ctx.channel();
        boolean outgoing = sniffer.outgoing();
        // the remote is known now: the connection moves to its links, where collisions are resolved
        unopened.remove(ch);
        r.links.put(ch, outgoing);
        ch.closeFuture().addListener(f -> r.links.remove(ch));
        if (outgoing) {
            agentAt.put((InetSocketAddress) ch.remoteAddress(), r.key);
        }
        if (!r.sessionUp) {
            for (Map.Entry<Channel, Boolean> e : List.copyOf(r.links.entrySet())) {
                Channel other = e.getKey();
                if (other == ch || !other.isActive() || e.getValue() == outgoing) {
                    continue;
                }
                // RFC 4271 §6.8, between our connection and theirs: the higher BGP identifier keeps the one it opened
                boolean oursWins = Long.compareUnsigned(config.routerId(), open.bgpIdentifier()) > 0;
                Channel loser = outgoing == oursWins ? other : ch;
                closeWithCease(loser, r);
                if (loser == ch) {
                    return;
                }
            }
        }
        BgpPeer bgp = r.peerFor(open.asn(), (InetSocketAddress) ch.remoteAddress());
        ch.config().setAutoRead(false);
        bgp.incoming(ch);
        // runs after the peer has added its handlers (same loop, queued behind incoming's task)
        loop.execute(() -> {
            ByteBuf held = sniffer.release(ctx);
            if (ch.pipeline().get(BgpConnection.class) == null || !ch.isActive()) {
                held.release(); // the peer refused it (a second connection while Established)
                return;
            }
            ch.pipeline().addAfter("encoder", SessionWatcher.NAME, new SessionWatcher(r::notificationReceived,
                    r::notificationSent));
            ch.pipeline().fireChannelRead(held);
            ch.pipeline().fireChannelReadComplete();
        });
    }

    private void closeWithCease(Channel ch, Remote r) {
        NotificationMessage cease = new NotificationMessage(CEASE, NotificationMessage.CONNECTION_COLLISION_RESOLUTION);
        BgpConnection c = ch.pipeline().get(BgpConnection.class);
        if (c != null) {
            c.close(CloseReason.collision("connection collision resolved by BGP identifier"));
        } else {
            LOG.info("Emulated peer {}: closing the connection with {}: collision resolved by BGP identifier", name,
                    AddressText.of(ch.remoteAddress()));
            r.notificationSent(cease);
            writeRawAndClose(ch, cease);
        }
    }

    private static void writeRawAndClose(Channel ch, NotificationMessage n) {
        ByteBuf buf = ch.alloc().buffer();
        BgpMessageEncoder.write(n, buf, new CodecContext());
        ch.writeAndFlush(buf).addListener(ChannelFutureListener.CLOSE);
    }

    private SessionConfig sessionConfig(long remoteAsn) {
        boolean restarting = restartBit && System.nanoTime() - restartBitUntilNanos < 0;
        return new SessionConfig(config.asn(), config.routerId(), remoteAsn, config.holdTime(),
                EnumSet.allOf(Afi.class), config.gracefulRestart() ? config.restartTimeSeconds() : -1, restarting,
                true);
    }

    // ---- running on the loop ----

    private <T> T call(String what, Callable<T> task) {
        try {
            if (loop.inEventLoop()) {
                return task.call();
            }
            return loop.submit(task).get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("emulated peer " + name + ": cannot " + what + ": "
                    + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("emulated peer " + name + ": cannot " + what + ": its event loop did "
                    + "not answer within " + CALL_TIMEOUT_SECONDS + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("emulated peer " + name + ": interrupted while trying to " + what, e);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("emulated peer " + name + ": cannot " + what + ": " + e.getMessage(), e);
        }
    }

    private void signal() {
        synchronized (sessionMonitor) {
            sessionMonitor.notifyAll();
        }
    }

    // ---- reading UPDATEs ----

    /** An UPDATE whose total path attribute length (255) runs past the 4 attribute bytes that follow. */
    static ByteBuf malformedUpdate(ByteBufAllocator alloc) {
        ByteBuf b = alloc.buffer(27);
        for (int i = 0; i < 16; i++) {
            b.writeByte(0xFF);
        }
        b.writeShort(27);
        b.writeByte(BgpMessage.UPDATE);
        b.writeShort(0); // no withdrawn routes
        b.writeShort(255); // total path attribute length: only 4 bytes follow
        b.writeBytes(new byte[] {0x40, PathAttribute.ORIGIN, 1, 0});
        return b;
    }

    @Override
    public String toString() {
        return "EmulatedPeer[" + name + " AS " + config.asn() + " " + (localAddress == null ? "-"
                : AddressText.of(localAddress)) + "]";
    }

    /** One remote speaker (see {@link RemoteId}): its session, and the graceful-restart state of its routes. */
    private final class Remote implements BgpPeer.Listener {
        final RemoteId key;
        final InetAddress address;
        /** Connections not yet Established or refused, and whether we opened them. Event loop only. */
        final Map<Channel, Boolean> links = new HashMap<>();
        final Set<Afi> endOfRib = ConcurrentHashMap.newKeySet();
        volatile BgpPeer bgp;
        volatile boolean sessionUp;
        volatile Instant establishedAt;
        long establishedAtNanos;
        boolean sessionEverUp;
        volatile long asn;
        volatile String routerId;
        /** The remote end of the last Established session's connection. */
        volatile InetSocketAddress sessionRemote;
        volatile Set<Afi> families = Set.of();
        volatile boolean grNegotiated;
        volatile NotificationMessage lastReceived;
        volatile NotificationMessage lastSent;
        BgpConnection session;
        SessionWatcher watcher;
        Capability.GracefulRestart peerGr;
        /** Our own graceful restart ended the last session: the remote's forwarding bit does not matter then. */
        boolean ownRestart;
        ScheduledFuture<?> staleTimer;

        Remote(RemoteId key) {
            this.key = key;
            this.address = key.address();
            this.routerId = key.routerId().orElse("");
        }

        /** A session is up, or a connection of it is being set up. */
        boolean busy() {
            return sessionUp || !links.isEmpty();
        }

        String who() {
            return AddressText.of(address) + " (AS " + asn + (RemoteId.shared(address) ? ", router ID " + routerId
                    : "") + ")";
        }

        SessionInfo info() {
            boolean up = sessionUp;
            BgpPeer b = bgp;
            FsmState state = up ? FsmState.ESTABLISHED : b != null ? b.state() : FsmState.IDLE;
            if (!up && state == FsmState.ESTABLISHED) {
                state = FsmState.IDLE; // the peer object lags our own bookkeeping by a moment
            }
            return new SessionInfo(address, asn, routerId, state, Optional.ofNullable(up ? establishedAt : null),
                    families, Set.copyOf(endOfRib), grNegotiated, rib.staleCount(key));
        }

        /** The session for a remote announcing {@code remoteAsn}: the current one, or a new one if that changed. */
        BgpPeer peerFor(long remoteAsn, InetSocketAddress from) {
            SessionConfig sc = sessionConfig(remoteAsn);
            if (bgp != null) {
                if (bgp.config().equals(sc) || (sessionUp && bgp.config().peerAsn() == remoteAsn)) {
                    return bgp;
                }
                LOG.info("Emulated peer {}: new session settings for {} (AS {}, restart bit {})", name,
                        who(), remoteAsn, sc.restarting());
                bgp.stop(CloseReason.local(sessionUp ? new NotificationMessage(CEASE,
                        NotificationMessage.OTHER_CONFIGURATION_CHANGE) : null, "remote " + who() + " now announces AS "
                        + remoteAsn));
            }
            asn = remoteAsn;
            PeerEndpoint ep = new PeerEndpoint(from, Optional.of(config.address()), 1, Optional.empty(), true);
            bgp = new BgpPeer(sc, ep, loop, transport, this);
            bgp.start();
            return bgp;
        }

        void notificationReceived(NotificationMessage n) {
            lastReceived = n;
            lastReceivedFrom.put(address, n);
            LOG.info("Emulated peer {}: {} sent {}", name, who(), n);
        }

        void notificationSent(NotificationMessage n) {
            lastSent = n;
            lastSentTo.put(address, n);
        }

        @Override
        public void established(BgpPeer peer, BgpConnection s) {
            if (sessionUp) {
                sessionDown("replaced by a new connection");
            }
            var n = s.negotiated();
            session = s;
            watcher = s.channel().pipeline().get(SessionWatcher.class);
            asn = n.peerOpen().asn();
            routerId = n.peerOpen().bgpIdentifierText();
            sessionRemote = (InetSocketAddress) s.channel().remoteAddress();
            families = n.families();
            endOfRib.clear();
            peerGr = n.peerGracefulRestart();
            grNegotiated = config.gracefulRestart() && peerGr != null;
            if (grNegotiated) {
                // RFC 4724 §2: End-of-RIB once the initial update is done; an emulated router originates nothing,
                // so at once. A restarting remote (gobgpd) holds its own updates back until it has this.
                for (Afi afi : families) {
                    s.write(UpdateMessage.endOfRib(afi));
                }
                s.flush();
            }
            establishedAt = Instant.now();
            establishedAtNanos = System.nanoTime();
            sessionEverUp = true;
            cancelStaleTimer();
            int stale = rib.staleCount(key);
            if (stale > 0 && !ownRestart) {
                // RFC 4724 §4.2: only families the new OPEN says kept forwarding keep their stale routes
                for (Afi afi : Afi.values()) {
                    if (!forwardingPreserved(peerGr, afi)) {
                        int gone = rib.removeStale(key, afi, establishedAt, "remote came back without "
                                + "forwarding state for " + afi + " (RFC 4724 §4.2)");
                        if (gone > 0) {
                            LOG.info("Emulated peer {}: {} came back without the forwarding-state bit for {}; "
                                    + "removed its {} stale routes of that family", name, who(), afi, gone);
                        }
                    }
                }
            }
            ownRestart = false;
            if (rib.staleCount(key) > 0) {
                staleTimer = loop.schedule(() -> {
                    int gone = rib.removeStale(key, null, Instant.now(), "no End-of-RIB within "
                            + STALE_PATH_SECONDS + " s of the session's return");
                    LOG.warn("Emulated peer {}: {} sent no End-of-RIB within {} s; removed its {} stale routes",
                            name, who(), STALE_PATH_SECONDS, gone);
                }, STALE_PATH_SECONDS, TimeUnit.SECONDS);
            }
            sessionUp = true;
            LOG.info("Emulated peer {}: session with {}, router ID {} Established ({}, families {}, graceful "
                    + "restart {})", name, who(), routerId,
                    Boolean.TRUE.equals(links.get(s.channel())) ? "we connected" : "it connected", families,
                    grNegotiated ? "negotiated" : "off");
            signal();
        }

        @Override
        public void received(BgpPeer peer, BgpConnection s, BgpMessage message) {
            if (message instanceof UpdateMessage u) {
                onUpdate(u);
            }
        }

        private void onUpdate(UpdateMessage u) {
            Instant now = Instant.now();
            Optional<Afi> eor = u.endOfRibFamily();
            if (eor.isPresent()) {
                endOfRib.add(eor.get());
                int gone = rib.removeStale(key, eor.get(), now, "still stale at End-of-RIB");
                if (gone > 0) {
                    LOG.info("Emulated peer {}: End-of-RIB for {} from {}: removed {} stale routes it did not "
                            + "announce again", name, eor.get(), who(), gone);
                }
                if (rib.staleCount(key) == 0) {
                    cancelStaleTimer();
                }
                return;
            }
            if (u.treatAsWithdraw().isPresent()) {
                LOG.warn("Emulated peer {}: malformed UPDATE from {}; its prefixes are treated as withdrawn "
                        + "(RFC 7606): {}", name, who(), u.treatAsWithdraw().get());
            }
            rib.withdraw(key, routerId, u.withdrawnAll(), now, u.treatAsWithdraw()
                    .map(w -> "treat-as-withdraw: " + w)
                    .orElse(RouteEvent.UPDATE));
            if (u.treatAsWithdraw().isEmpty()) {
                List<Long> path = u.asPathNumbers();
                InetAddress hop = u.attribute(PathAttribute.NextHop.class).map(PathAttribute.NextHop::inetAddress)
                        .orElse(null);
                rib.announce(key, routerId, asn, u.nlri(), hop, path, now);
                u.attribute(PathAttribute.MpReach.class).ifPresent(m -> rib.announce(key, routerId, asn,
                        m.nlri(), m.nextHopAddress().orElse(null), path, now));
            }
        }

        @Override
        public void writable(BgpPeer peer, BgpConnection s) {
        }

        @Override
        public void down(BgpPeer peer, CloseReason reason) {
            if (sessionUp) {
                sessionDown(reason.text());
            }
        }

        private void sessionDown(String reason) {
            sessionUp = false;
            boolean notified = watcher != null && watcher.notificationExchanged();
            Instant now = Instant.now();
            Set<Afi> keep = EnumSet.noneOf(Afi.class);
            if (grNegotiated && !notified) {
                for (Afi afi : Afi.values()) {
                    if (peerGr.families().stream().anyMatch(f -> f.afi() == afi.code()
                            && f.safi() == Afi.SAFI_UNICAST)) {
                        keep.add(afi);
                    }
                }
            }
            if (!keep.isEmpty()) {
                int stale = rib.markStale(key, keep, now, "family not in the remote's graceful-restart "
                        + "capability");
                int restartTime = peerGr.restartTimeSeconds();
                cancelStaleTimer();
                staleTimer = loop.schedule(() -> {
                    int gone = rib.removeStale(key, null, Instant.now(), "restart timer (" + restartTime
                            + " s) expired");
                    LOG.info("Emulated peer {}: {} did not come back within its restart time of {} s; removed its "
                            + "{} stale routes", name, who(), restartTime, gone);
                }, restartTime, TimeUnit.SECONDS);
                LOG.info("Emulated peer {}: session with {} down without a NOTIFICATION ({}); keeping its {} routes "
                        + "as stale for up to {} s (graceful restart)", name, who(), reason, stale, restartTime);
            } else {
                int gone = rib.removeAll(key, now, notified ? "session ended with a NOTIFICATION"
                        : "session down without graceful restart");
                LOG.info("Emulated peer {}: session with {} down ({}); removed its {} routes", name, who(), reason,
                        gone);
            }
            session = null;
            watcher = null;
            signal();
        }

        private void cancelStaleTimer() {
            if (staleTimer != null) {
                staleTimer.cancel(false);
                staleTimer = null;
            }
        }

        private static boolean forwardingPreserved(Capability.GracefulRestart gr, Afi afi) {
            return gr != null && gr.families().stream().anyMatch(f -> f.afi() == afi.code()
                    && f.safi() == Afi.SAFI_UNICAST && f.forwardingPreserved());
        }
    }
}
