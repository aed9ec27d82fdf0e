package dev.herald.bgp.session;

import dev.herald.bgp.codec.CodecContext;
import dev.herald.bgp.message.BgpMessage;
import dev.herald.bgp.message.OpenMessage;
import dev.herald.bgp.transport.Transport;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.osgi.annotation.versioning.ConsumerType;
import org.osgi.annotation.versioning.ProviderType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every connection to one neighbour, and the session they make. Connects out (unless passive) and accepts the
 * peer's own connections; when both reach OpenConfirm, the collision rule of RFC 4271 §6.8 keeps one. A lost
 * session is retried after a connect-retry delay with jitter that starts at 5 s and doubles to at most 120 s while
 * the peer stays unreachable (an Established session resets it), or after the fixed delay of
 * {@link SessionConfig#connectRetryTime()} with the same jitter when one is configured.
 *
 * <p>All state lives on one event loop; public methods may be called from any thread.
 */
@ProviderType
public final class BgpPeer {
    private static final Logger LOG = LoggerFactory.getLogger(BgpPeer.class);

    /** What the peer reports to its user. Called on the peer's event loop; must not block. */
    @ConsumerType
    public interface Listener {
        void established(BgpPeer peer, BgpConnection connection);

        /** An UPDATE or ROUTE-REFRESH. */
        void received(BgpPeer peer, BgpConnection connection, BgpMessage message);

        /**
         * The Established connection's socket can take more; a producer that stopped on
         * {@link BgpConnection#isWritable()} resumes.
         */
        void writable(BgpPeer peer, BgpConnection connection);

        /** The Established session went down. */
        void down(BgpPeer peer, CloseReason reason);
    }

    /** Loop thread only, but read by {@link #config()} from any: volatile. */
    private volatile SessionConfig config;
    private final PeerEndpoint endpoint;
    private final EventLoop loop;
    private final Transport transport;
    private final Listener listener;
    private final SessionTap tap;
    private final String name;
    private final List<BgpConnection> connections = new ArrayList<>();
    /** Sockets of connections that are over, left for the peer to close after our NOTIFICATION; event loop only. */
    private final Set<Channel> lingering = new HashSet<>();
    private final SessionCounters counters = new SessionCounters();
    private volatile FsmState state = FsmState.IDLE;
    private volatile Instant establishedSince;
    private volatile CloseReason lastError;
    private BgpConnection established;
    private ChannelFuture connecting;
    private final ConnectRetry retry;
    private final Owner owner = new Owner();
    private boolean running;

    public BgpPeer(SessionConfig config, PeerEndpoint endpoint, EventLoop loop, Transport transport,
                   Listener listener) {
        this(config, endpoint, loop, transport, listener, null);
    }

    /** @param tap puts a handler of its own into each connection, or null */
    public BgpPeer(SessionConfig config, PeerEndpoint endpoint, EventLoop loop, Transport transport,
                   Listener listener, SessionTap tap) {
        this.config = config;
        this.tap = tap;
        this.endpoint = endpoint;
        this.loop = loop;
        this.transport = transport;
        this.listener = listener;
        this.retry = new ConnectRetry(loop);
        this.name = endpoint.remote().getAddress().getHostAddress() + " (AS " + config.peerAsn() + ")";
        if (endpoint.password().isPresent() && !transport.supportsMd5()) {
            throw new IllegalStateException("peer " + name + " has a TCP-MD5 password, but the " + transport.name()
                    + " transport cannot set one; refusing to run the session unauthenticated");
        }
    }

    public SessionConfig config() {
        return config;
    }

    public PeerEndpoint endpoint() {
        return endpoint;
    }

    public EventLoop eventLoop() {
        return loop;
    }

    public FsmState state() {
        return state;
    }

    /** When the session last became Established, while it is. */
    public Instant establishedSince() {
        return state == FsmState.ESTABLISHED ? establishedSince : null;
    }

    public long messagesSent() {
        return counters.sentTotal();
    }

    public long messagesReceived() {
        return counters.receivedTotal();
    }

    /** Messages by type, NOTIFICATIONs by code, Established transitions, since this peer was created. */
    public SessionCounters counters() {
        return counters;
    }

    /** Why the last connection or session ended (or no connection came about), until a session is Established. */
    public Optional<CloseReason> lastError() {
        return Optional.ofNullable(lastError);
    }

    /** The Established connection, or null. Event loop only. */
    public BgpConnection establishedConnection() {
        return established;
    }

    /**
     * Whether any socket of this peer is still open: a connection under way, or one that is over but waits for the
     * peer to close it after our NOTIFICATION. Event loop only.
     */
    public boolean socketsOpen() {
        return !connections.isEmpty() || !lingering.isEmpty();
    }

    /** Starts connecting (and accepting). */
    public void start() {
        loop.execute(() -> {
            if (running) {
                return;
            }
            running = true;
            state = FsmState.ACTIVE;
            connect();
        });
    }

    /**
     * Stops: every connection closes, with the reason's NOTIFICATION first when it has one (a Cease), or silently
     * for a planned graceful restart. Returns when the connections are closing.
     */
    public io.netty.util.concurrent.Future<?> stop(CloseReason reason) {
        return loop.submit(() -> {
            running = false;
            retry.cancel();
            if (connecting != null) {
                connecting.cancel(false);
                connecting.channel().close();
            }
            for (BgpConnection c : List.copyOf(connections)) {
                c.close(reason);
            }
            state = FsmState.IDLE;
        });
    }

    /**
     * Ends the Established session, if there is one, with the reason's NOTIFICATION; the peer then reconnects as
     * after any lost session. For a liveness check that found the peer gone (BFD).
     */
    public void resetSession(CloseReason reason) {
        loop.execute(() -> {
            if (established != null) {
                established.close(reason);
            }
        });
    }

    /** The Established session's negotiated hold time, or -1 without one. Event loop only. */
    public int negotiatedHoldTime() {
        return established == null ? -1 : established.negotiated().holdTime();
    }

    /** A connection the listener accepted from this peer's address. */
    public void incoming(Channel channel) {
        handOver(channel, false, Unpooled.EMPTY_BUFFER);
    }

    /**
     * A connection set up elsewhere ({@link OpenHold}), which this peer takes as its own: one it opened when
     * {@code outgoing}, else one it accepted. Its decoder reads {@code alreadyRead} first (the peer releases it), and
     * collisions with this peer's other connections are resolved as for its own (RFC 4271 §6.8).
     */
    public void handOver(Channel channel, boolean outgoing, ByteBuf alreadyRead) {
        loop.execute(() -> {
            boolean peerRestarted = established != null && established.negotiated().peerGracefulRestart() != null;
            if (!running || (established != null && !peerRestarted)) {
                // stopped; or RFC 4271 §6.8: a new connection while Established is the one that goes
                if (running) {
                    LOG.info("Refusing a second connection with {}: session already Established", name);
                }
                alreadyRead.release();
                channel.close();
                return;
            }
            if (peerRestarted) {
                // RFC 4724 §4.2: the peer restarted; drop the old session, keep its routes with the user
                established.close(CloseReason.of(CloseReason.Kind.PEER_RESTARTED, null,
                        "peer reconnected (graceful restart)"));
            }
            attach(channel, outgoing, alreadyRead);
        });
    }

    private void connect() {
        if (!running || endpoint.passive() || connecting != null) {
            return;
        }
        Channel ch;
        try {
            ch = OutgoingSocket.open(loop, transport, endpoint);
        } catch (Exception e) {
            lastError = CloseReason.of(CloseReason.Kind.CONNECT_FAILED, null,
                    "cannot create a socket: " + e.getMessage());
            LOG.warn("Peer {}: {}", name, lastError);
            scheduleRetry();
            return;
        }
        state = established != null ? state : FsmState.CONNECT;
        ChannelFuture f = OutgoingSocket.connect(ch, endpoint);
        connecting = f;
        f.addListener(done -> {
            connecting = null;
            if (!running) {
                ch.close();
                return;
            }
            if (done.isSuccess()) {
                attach(ch, true, Unpooled.EMPTY_BUFFER);
            } else {
                ch.close();
                lastError = CloseReason.of(CloseReason.Kind.CONNECT_FAILED, null,
                        "connect to " + endpoint.remote() + " failed: " + done.cause().getMessage());
                LOG.debug("Peer {}: {}", name, lastError);
                updateState();
                if (established == null) {
                    scheduleRetry();
                }
            }
        });
    }

    private void attach(Channel ch, boolean outgoing, ByteBuf alreadyRead) {
        CodecContext codec = new CodecContext();
        BgpConnection c = new BgpConnection(config, codec, owner, outgoing, name);
        SessionPipeline.install(ch, codec, c, tap);
        connections.add(c);
        if (ch.isActive()) {
            // connected before the handlers were added: let the session send its OPEN now, then read what came
            ch.pipeline().fireChannelActive();
        }
        if (ch.isActive() && alreadyRead.isReadable()) {
            ch.pipeline().fireChannelRead(alreadyRead).fireChannelReadComplete();
        } else {
            alreadyRead.release();
        }
        ch.config().setAutoRead(true);
        updateState();
    }

    /** What this peer's connections tell it: kept off the peer's public methods. Event loop only. */
    private final class Owner implements ConnectionOwner {
        @Override
        public void openReceived(BgpConnection c, OpenMessage open) {
            for (BgpConnection other : List.copyOf(connections)) {
                if (other == c || other.state() == FsmState.OPEN_SENT) {
                    continue;
                }
                if (other.state() == FsmState.ESTABLISHED) {
                    c.close(CloseReason.collision("collision with the Established connection"));
                    return;
                }
                BgpConnection loser = CollisionRule.survives(c.outgoing(), config.routerId(), open.bgpIdentifier())
                        ? other : c;
                loser.close(CloseReason.collision("connection collision resolved by BGP identifier"));
                if (loser == c) {
                    return;
                }
            }
            updateState();
        }

        @Override
        public void established(BgpConnection c) {
            established = c;
            establishedSince = Instant.now();
            lastError = null;
            retry.reset();
            for (BgpConnection other : List.copyOf(connections)) {
                if (other != c) {
                    other.close(CloseReason.collision("another connection became Established"));
                }
            }
            state = FsmState.ESTABLISHED;
            counters.established();
            if (config.restarting()) {
                // RFC 4724: the restart-state bit announces this restart once; a later reconnection is no restart
                config = config.withRestarting(false);
            }
            LOG.info("Session with {} Established ({}, hold time {} s, families {})", name,
                    c.outgoing() ? "outgoing" : "incoming", c.negotiated().holdTime(), c.negotiated().families());
            listener.established(BgpPeer.this, c);
        }

        @Override
        public void received(BgpConnection c, BgpMessage message) {
            listener.received(BgpPeer.this, c, message);
        }

        @Override
        public void writabilityChanged(BgpConnection c) {
            if (c == established) {
                listener.writable(BgpPeer.this, c);
            }
        }

        @Override
        public void closed(BgpConnection c, CloseReason reason) {
            connections.remove(c);
            Channel ch = c.channel();
            if (ch != null && ch.isOpen() && lingering.add(ch)) {
                ch.closeFuture().addListener(f -> lingering.remove(ch));
            }
            lastError = reason;
            if (c == established) {
                established = null;
                establishedSince = null;
                LOG.warn("Session with {} went down: {}", name, reason);
                listener.down(BgpPeer.this, reason);
            }
            updateState();
            if (running && established == null && connections.isEmpty()) {
                scheduleRetry();
            }
        }

        @Override
        public void countSent(BgpMessage message) {
            counters.sent(message);
        }

        @Override
        public void countReceived(BgpMessage message) {
            counters.received(message);
        }
    }

    private void scheduleRetry() {
        if (running && !endpoint.passive()) {
            retry.schedule(config.connectRetryTime(), this::connect);
        }
    }

    private void updateState() {
        if (!running) {
            state = FsmState.IDLE;
            return;
        }
        FsmState best = connecting != null ? FsmState.CONNECT : FsmState.ACTIVE;
        for (BgpConnection c : connections) {
            if (c.state().isAfter(best)) {
                best = c.state();
            }
        }
        state = best;
    }

    @Override
    public String toString() {
        return "BgpPeer[" + name + " " + state.displayName() + "]";
    }
}
