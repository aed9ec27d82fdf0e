package dev.herald.bgp.session;

import dev.herald.bgp.codec.BgpMessageDecoder;
import dev.herald.bgp.codec.BgpMessageEncoder;
import dev.herald.bgp.codec.CodecContext;
import dev.herald.bgp.codec.MalformedMessage;
import dev.herald.bgp.message.BgpMessage;
import dev.herald.bgp.message.NotificationMessage;
import dev.herald.bgp.message.OpenMessage;
import dev.herald.bgp.transport.Transport;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * First handler of a connection the listener resolves at OPEN: holds the bytes until the remote's first message is
 * whole, asks the {@link OpenResolver} which peer takes it, and then gives everything it held to that peer's
 * decoder. A first message that is no OPEN is answered (RFC 4271 §6.1, §8.2.2) and the connection closed; a remote
 * that sends nothing for {@link #OPEN_WAIT_SECONDS} is dropped. Event loop only.
 */
final class OpenHold extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(BgpListener.class);
    /** A remote that connected but sends no OPEN is dropped after this: we send ours only after theirs. */
    static final int OPEN_WAIT_SECONDS = 30;
    private final OpenResolver resolver;
    private final Transport transport;
    private final BgpMessageDecoder decoder = new BgpMessageDecoder(new CodecContext());
    private ByteBuf buffer;
    private boolean decided;
    private ScheduledFuture<?> openWait;

    OpenHold(OpenResolver resolver, Transport transport) {
        this.resolver = resolver;
        this.transport = transport;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        openWait = ctx.executor().schedule(() -> {
            if (!decided && ctx.channel().isActive()) {
                LOG.warn("{} connected but sent no OPEN within {} s; closing (a listener that resolves peers at "
                        + "OPEN sends its own OPEN after the remote's)", text(ctx.channel()), OPEN_WAIT_SECONDS);
                ctx.close();
            }
        }, OPEN_WAIT_SECONDS, TimeUnit.SECONDS);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        if (buffer == null) {
            buffer = ctx.alloc().buffer(Math.max(256, in.readableBytes()));
        }
        buffer.writeBytes(in);
        in.release();
        if (decided || buffer.readableBytes() < BgpMessage.HEADER_LENGTH) {
            return;
        }
        // decode from a view: the bytes stay for the session's own decoder
        Object first = decoder.decodeOne(buffer.duplicate());
        if (first != null) {
            decided = true;
            openWait.cancel(false);
            firstMessage(ctx, first);
        }
    }

    private void firstMessage(ChannelHandlerContext ctx, Object message) {
        Channel ch = ctx.channel();
        if (message instanceof OpenMessage open) {
            resolved(ctx, decide((InetSocketAddress) ch.remoteAddress(), open));
            return;
        }
        if (message instanceof NotificationMessage n) {
            LOG.warn("{} sent {} before its OPEN; connection closed", text(ch), n);
            ch.close();
            return;
        }
        if (message instanceof MalformedMessage m) {
            refuse(ch, m.notification(), m.reason());
        } else {
            refuse(ch, new NotificationMessage(NotificationMessage.FSM_ERROR, 1),
                    "first message is of type " + ((BgpMessage) message).type() + ", not OPEN");
        }
    }

    private OpenDecision decide(InetSocketAddress remote, OpenMessage open) {
        try {
            return resolver.resolve(remote, open);
        } catch (RuntimeException e) {
            LOG.warn("Resolving the OPEN of {} failed", remote, e);
            return OpenDecision.reject();
        }
    }

    private void resolved(ChannelHandlerContext ctx, OpenDecision decision) {
        Channel ch = ctx.channel();
        if (decision == null || decision.peer() == null) {
            OpenDecision d = decision != null ? decision : OpenDecision.reject();
            refuse(ch, d.refusal(), "refused at OPEN");
            return;
        }
        BgpPeer peer = decision.peer();
        transport.prepareSession(ch, peer.endpoint().ttl());
        ch.config().setAutoRead(false);
        peer.incoming(ch);
        // runs after the peer has added its handlers (same loop, queued behind incoming's task)
        peer.eventLoop().execute(() -> {
            ByteBuf held = release(ctx);
            if (ch.pipeline().get(BgpConnection.class) == null || !ch.isActive()) {
                held.release(); // the peer refused it (a second connection while Established, or stopped)
                return;
            }
            ch.pipeline().fireChannelRead(held);
            ch.pipeline().fireChannelReadComplete();
        });
    }

    /** Removes this handler and returns what it held (never null); the caller owns the buffer. */
    private ByteBuf release(ChannelHandlerContext ctx) {
        if (ctx.isRemoved()) {
            return ctx.alloc().buffer(0); // the channel closed meanwhile and took the buffer with it
        }
        ByteBuf held = buffer != null ? buffer : ctx.alloc().buffer(0);
        buffer = null;
        ctx.pipeline().remove(this);
        return held;
    }

    private static void refuse(Channel ch, NotificationMessage reply, String why) {
        LOG.warn("Closing the connection from {}: {}; sending {}", text(ch), why, reply);
        ByteBuf buf = ch.alloc().buffer();
        BgpMessageEncoder.write(reply, buf, new CodecContext());
        ch.writeAndFlush(buf).addListener(ChannelFutureListener.CLOSE);
    }

    private static String text(Channel ch) {
        InetSocketAddress a = (InetSocketAddress) ch.remoteAddress();
        return a == null ? "a remote" : a.getAddress().getHostAddress() + ":" + a.getPort();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (openWait != null) {
            openWait.cancel(false);
        }
        if (buffer != null) {
            buffer.release();
            buffer = null;
        }
    }
}
