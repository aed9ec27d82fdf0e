package dev.herald.simulator.peer;

import static dev.herald.bgp.message.NotificationMessage.CEASE;

import dev.herald.bgp.message.Afi;
import dev.herald.bgp.message.NotificationMessage;
import dev.herald.bgp.session.CloseReason;
import dev.herald.bgp.session.OpenHold;
import dev.herald.bgp.session.SessionConfig;
import dev.herald.bgp.transport.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.Future;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
    private static final long CALL_TIMEOUT_SECONDS = 10;

    private final EmulatedPeerConfig config;
    private final String name;
    final Transport transport;
    final EventLoop loop;
    private final EventLoopGroup ownGroup;
    final LearnedRoutes rib = new LearnedRoutes();
    final Map<RemoteId, RemoteSession> remotes = new ConcurrentHashMap<>();
    /** The last NOTIFICATION received from and sent to each address, on any connection, OPEN or not. */
    final Map<InetAddress, NotificationMessage> lastReceivedFrom = new ConcurrentHashMap<>();
    final Map<InetAddress, NotificationMessage> lastSentTo = new ConcurrentHashMap<>();
    private final RemoteTable table;
    private final Faults faults;
    private final OpenHandoff handoff;
    private final Dialer dialer;
    private volatile InetSocketAddress localAddress;
    private volatile boolean closed;
    // event loop only
    private Channel server;
    boolean listening;
    private long restartBitUntilNanos;
    private boolean restartBit;

    EmulatedPeer(EmulatedPeerConfig config, Transport transport, EventLoop loop, EventLoopGroup ownGroup) {
        this.config = config;
        this.name = config.name();
        this.transport = transport;
        this.loop = loop;
        this.ownGroup = ownGroup;
        this.table = new RemoteTable(name, remotes);
        this.faults = new Faults(this);
        this.handoff = new OpenHandoff(this);
        this.dialer = new Dialer(this, handoff);
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
            dialer.start();
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
        return table.one(remote).map(r -> rib.routesFrom(r.key)).orElse(Map.of());
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
        return table.sessions();
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
        return table.one(remote).filter(r -> r.asn != 0).map(RemoteSession::info);
    }

    /** Waits until at least {@code count} sessions are Established; false when {@code timeout} passed first. */
    public boolean awaitEstablished(int count, Duration timeout) throws InterruptedException {
        return table.awaitEstablished(count, timeout);
    }

    /** The last NOTIFICATION received from {@code remote}, on any connection from it (also before an OPEN). */
    public Optional<NotificationMessage> lastNotificationReceived(InetAddress remote) {
        return Optional.ofNullable(lastReceivedFrom.get(remote));
    }

    /** The last NOTIFICATION one remote sent, on any of its connections after its OPEN. */
    public Optional<NotificationMessage> lastNotificationReceived(RemoteId remote) {
        return table.one(remote).map(r -> r.lastReceived);
    }

    /** The last NOTIFICATION this peer sent to {@code remote}, on any connection (also before its OPEN). */
    public Optional<NotificationMessage> lastNotificationSent(InetAddress remote) {
        return Optional.ofNullable(lastSentTo.get(remote));
    }

    /** The last NOTIFICATION this peer sent one remote, after its OPEN. */
    public Optional<NotificationMessage> lastNotificationSent(RemoteId remote) {
        return table.one(remote).map(r -> r.lastSent);
    }

    /** Injects a fault into the Established sessions with {@code remotes}; see {@link Faults#inject}. */
    public int inject(SessionFault fault, Remotes remotes) {
        checkOpen();
        return faults.inject(fault, remotes);
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
        table.awaitDown(stopping);
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
            dialer.start();
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
                table.awaitDown(stopping); // the loop itself must run on to close them
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
        dialer.stop();
        if (server != null) {
            server.close();
            server = null;
        }
        List.copyOf(handoff.unopened).forEach(Channel::close);
        List<Future<?>> out = new ArrayList<>();
        for (RemoteSession r : remotes.values()) {
            r.ownRestart = graceful;
            for (Channel c : List.copyOf(r.links)) {
                if (c.pipeline().get(OpenHold.class) != null) {
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

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("emulated peer " + name + " is closed");
        }
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
                        handoff.accepted(ch);
                    }
                });
        ChannelFuture f = b.bind(bind).awaitUninterruptibly();
        if (!f.isSuccess()) {
            throw new IllegalStateException("emulated peer " + name + " cannot listen on " + bind + ": "
                    + f.cause().getMessage(), f.cause());
        }
        Channel s = f.channel();
        String md5 = config.md5Password().map(p -> handoff.installListenerKey(s, p)).orElse("");
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

    /** The settings of a session with a remote announcing {@code remoteAsn}. */
    SessionConfig sessionConfig(long remoteAsn) {
        boolean restarting = restartBit && System.nanoTime() - restartBitUntilNanos < 0;
        return new SessionConfig(config.asn(), config.routerId(), remoteAsn, config.holdTime(),
                EnumSet.allOf(Afi.class), config.gracefulRestart() ? config.restartTimeSeconds() : -1, restarting,
                true);
    }

    // ---- running on the loop ----

    <T> T call(String what, Callable<T> task) {
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

    void signal() {
        table.signal();
    }

    @Override
    public String toString() {
        return "EmulatedPeer[" + name + " AS " + config.asn() + " " + (localAddress == null ? "-"
                : AddressText.of(localAddress)) + "]";
    }
}
