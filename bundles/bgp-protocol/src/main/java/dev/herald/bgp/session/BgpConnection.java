package dev.herald.bgp.session;

import static dev.herald.bgp.message.NotificationMessage.BAD_BGP_IDENTIFIER;
import static dev.herald.bgp.message.NotificationMessage.BAD_PEER_AS;
import static dev.herald.bgp.message.NotificationMessage.FSM_ERROR;
import static dev.herald.bgp.message.NotificationMessage.OPEN_MESSAGE_ERROR;
import static dev.herald.bgp.message.NotificationMessage.UNACCEPTABLE_HOLD_TIME;

import dev.herald.bgp.codec.CodecContext;
import dev.herald.bgp.codec.MalformedMessage;
import dev.herald.bgp.message.BgpMessage;
import dev.herald.bgp.message.KeepaliveMessage;
import dev.herald.bgp.message.NotificationMessage;
import dev.herald.bgp.message.OpenMessage;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.osgi.annotation.versioning.ProviderType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One TCP connection of a BGP session, from sending OPEN to Established and until it closes (RFC 4271 §8:
 * OpenSent, OpenConfirm, Established). Owns the hold timer and the keepalive timer. Keepalives are written
 * straight to the socket; UPDATE producers respect {@link #isWritable()}, so a keepalive waits behind at most one
 * write-buffer's worth of UPDATEs, never behind a whole table.
 */
@ProviderType
public final class BgpConnection extends SimpleChannelInboundHandler<Object> {
    private static final Logger LOG = LoggerFactory.getLogger(BgpConnection.class);
    /** RFC 4271 §8.2.2: the hold timer while waiting for the peer's OPEN. */
    static final int OPEN_HOLD_SECONDS = 240;

    private final SessionConfig config;
    private final CodecContext codec;
    private final ConnectionOwner owner;
    private final boolean outgoing;
    private final String peerName;
    private Channel channel;
    private FsmState state = FsmState.OPEN_SENT;
    private Negotiated negotiated;
    private ScheduledFuture<?> holdTimer;
    private ScheduledFuture<?> keepaliveTimer;
    private CloseReason closeReason;
    private boolean closed;
    /** The owner was told the connection is over. */
    private boolean reported;
    private boolean openSent;

    BgpConnection(SessionConfig config, CodecContext codec, ConnectionOwner owner, boolean outgoing, String peerName) {
        this.config = config;
        this.codec = codec;
        this.owner = owner;
        this.outgoing = outgoing;
        this.peerName = peerName;
    }

    public FsmState state() {
        return state;
    }

    /** Whether we opened this connection (true) or the peer did. */
    public boolean outgoing() {
        return outgoing;
    }

    /** Only once Established. */
    public Negotiated negotiated() {
        return negotiated;
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    public InetSocketAddress remoteAddress() {
        return (InetSocketAddress) channel.remoteAddress();
    }

    public boolean isWritable() {
        return channel.isWritable();
    }

    /** Queues a message without flushing; nothing once closing (no message may follow a NOTIFICATION). Event loop. */
    public ChannelFuture write(BgpMessage message) {
        if (closed) {
            return channel.newFailedFuture(new java.nio.channels.ClosedChannelException());
        }
        owner.countSent(message);
        return channel.write(message);
    }

    public void flush() {
        channel.flush();
    }

    public Channel channel() {
        return channel;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        // the peer fires this itself when the handlers came after the connect, and Netty may fire it too: once only
        if (openSent) {
            return;
        }
        openSent = true;
        send(config.open());
        restartHoldTimer(OPEN_HOLD_SECONDS);
        ctx.fireChannelActive();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
        if (closed) {
            return;
        }
        if (msg instanceof MalformedMessage m) {
            close(CloseReason.of(CloseReason.Kind.MALFORMED_MESSAGE, m.notification(), m.reason()));
            return;
        }
        if (!(msg instanceof BgpMessage message)) {
            return;
        }
        owner.countReceived(message);
        if (message instanceof NotificationMessage n) {
            close(CloseReason.of(CloseReason.Kind.NOTIFICATION_RECEIVED, n, ""));
            return;
        }
        if (negotiated != null && negotiated.holdTime() > 0) {
            restartHoldTimer(negotiated.holdTime());
        }
        switch (state) {
            case OPEN_SENT -> {
                if (message instanceof OpenMessage open) {
                    onOpen(open);
                } else {
                    close(CloseReason.of(CloseReason.Kind.FSM_ERROR, new NotificationMessage(FSM_ERROR, 1),
                            "expected OPEN, got message type " + message.type()));
                }
            }
            case OPEN_CONFIRM -> {
                if (message instanceof KeepaliveMessage) {
                    state = FsmState.ESTABLISHED;
                    owner.established(this);
                } else {
                    close(CloseReason.of(CloseReason.Kind.FSM_ERROR, new NotificationMessage(FSM_ERROR, 2),
                            "expected KEEPALIVE in OpenConfirm, got message type " + message.type()));
                }
            }
            case ESTABLISHED -> {
                if (message instanceof OpenMessage) {
                    close(CloseReason.of(CloseReason.Kind.FSM_ERROR, new NotificationMessage(FSM_ERROR, 3),
                            "OPEN on an Established session"));
                } else if (!(message instanceof KeepaliveMessage)) {
                    owner.received(this, message);
                }
            }
            default -> {
            }
        }
    }

    private void onOpen(OpenMessage open) {
        if (open.holdTime() == 1 || open.holdTime() == 2) {
            reject(new NotificationMessage(OPEN_MESSAGE_ERROR, UNACCEPTABLE_HOLD_TIME),
                    "peer proposed hold time " + open.holdTime());
            return;
        }
        if (open.asn() != config.peerAsn()) {
            byte[] data = open.myAs() <= 0xFFFF ? new byte[] {(byte) (open.myAs() >>> 8), (byte) open.myAs()}
                    : new byte[0];
            reject(new NotificationMessage(OPEN_MESSAGE_ERROR, BAD_PEER_AS, data),
                    "peer announced AS " + open.asn() + ", configured " + config.peerAsn());
            return;
        }
        if (open.bgpIdentifier() == 0 || (config.isInternal() && open.bgpIdentifier() == config.routerId())) {
            reject(new NotificationMessage(OPEN_MESSAGE_ERROR, BAD_BGP_IDENTIFIER),
                    "peer BGP identifier " + open.bgpIdentifierText());
            return;
        }
        negotiated = Negotiated.of(config, open);
        codec.fourOctetAs(negotiated.fourOctetAs());
        codec.extendedMessages(negotiated.extendedMessages());
        state = FsmState.OPEN_CONFIRM;
        send(KeepaliveMessage.INSTANCE);
        if (negotiated.holdTime() > 0) {
            restartHoldTimer(negotiated.holdTime());
            long interval = Math.max(1, negotiated.keepaliveSeconds()) * 1000L;
            keepaliveTimer = channel.eventLoop().scheduleAtFixedRate(() -> {
                if (!closed) {
                    send(KeepaliveMessage.INSTANCE);
                }
            }, interval, interval, TimeUnit.MILLISECONDS);
        } else {
            cancel(holdTimer);
        }
        owner.openReceived(this, open);
    }

    private void reject(NotificationMessage error, String detail) {
        close(CloseReason.of(CloseReason.Kind.OPEN_REJECTED, error, detail));
    }

    private void send(BgpMessage m) {
        owner.countSent(m);
        channel.writeAndFlush(m).addListener(ChannelFutureListener.FIRE_EXCEPTION_ON_FAILURE);
    }

    private void restartHoldTimer(int seconds) {
        cancel(holdTimer);
        holdTimer = channel.eventLoop().schedule(() -> close(CloseReason.of(CloseReason.Kind.HOLD_TIMER_EXPIRED,
                new NotificationMessage(NotificationMessage.HOLD_TIMER_EXPIRED, 0),
                "hold timer expired (" + seconds + " s without a message)")), seconds, TimeUnit.SECONDS);
    }

    /**
     * Ends the connection: sends the reason's {@link CloseReason#toSend() NOTIFICATION} first when it has one, then
     * closes. Safe to call more than once; the first reason wins. Call on the event loop.
     *
     * <p>After a NOTIFICATION the session is over at once (the owner hears of it now), but the socket is left for the
     * peer to close once it has read the NOTIFICATION (RFC 4271 §6), at most {@value #NOTIFICATION_LINGER_SECONDS} s:
     * a closed socket then means the peer has the NOTIFICATION. A new connection of ours that reached FRR before it
     * had read the Cease made FRR, a graceful-restart helper, take the old session for lost and keep its routes as
     * stale (docs/development.md, pitfall 32).
     */
    public void close(CloseReason reason) {
        if (closed) {
            return;
        }
        closed = true;
        closeReason = reason;
        NotificationMessage notification = reason.toSend().orElse(null);
        cancel(holdTimer);
        cancel(keepaliveTimer);
        if (notification != null && channel.isActive()) {
            LOG.info("Closing session with {}: {}; sending {}", peerName, reason, notification);
            owner.countSent(notification);
            channel.writeAndFlush(notification).addListener(f -> {
                if (!f.isSuccess()) {
                    channel.close();
                }
            });
            // a peer that does not read (or is frozen) is not waited for
            channel.eventLoop().schedule(() -> channel.close(), NOTIFICATION_LINGER_SECONDS, TimeUnit.SECONDS);
            report();
        } else {
            LOG.info("Closing session with {}: {}", peerName, reason);
            channel.close();
        }
    }

    /** How long the socket may stay open after our NOTIFICATION, waiting for the peer to close it. */
    static final int NOTIFICATION_LINGER_SECONDS = 2;

    /** Tells the owner, once, that the connection is over. */
    private void report() {
        if (reported) {
            return;
        }
        reported = true;
        state = FsmState.IDLE;
        owner.closed(this, closeReason != null ? closeReason
                : CloseReason.of(CloseReason.Kind.CONNECTION_CLOSED, null, "connection closed by the peer"));
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (!closed && ctx.channel().isWritable()) {
            owner.writabilityChanged(this);
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancel(holdTimer);
        cancel(keepaliveTimer);
        closed = true;
        report();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (closeReason == null) {
            closeReason = CloseReason.of(CloseReason.Kind.CONNECTION_ERROR, null,
                    "connection error: " + cause.getMessage());
        }
        LOG.debug("Connection with {} failed", peerName, cause);
        ctx.close();
    }

    private static void cancel(ScheduledFuture<?> f) {
        if (f != null) {
            f.cancel(false);
        }
    }
}
