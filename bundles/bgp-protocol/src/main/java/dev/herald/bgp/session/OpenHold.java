package dev.herald.bgp.session;

import dev.herald.bgp.codec.BgpMessageDecoder;
import dev.herald.bgp.codec.BgpMessageEncoder;
import dev.herald.bgp.codec.CodecContext;
import dev.herald.bgp.message.BgpMessage;
import dev.herald.bgp.message.NotificationMessage;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.osgi.annotation.versioning.ConsumerType;
import org.osgi.annotation.versioning.ProviderType;

/**
 * First handler of a connection whose peer is decided at the remote's OPEN: holds the bytes until the remote's first
 * message is whole, so its OPEN (AS, BGP identifier) can pick or build the peer, and gives everything it held to that
 * peer's decoder on {@link #handTo}. {@link BgpListener} puts it on connections it resolves by {@link OpenResolver};
 * a speaker that also connects out to unknown speakers puts it on its own connections. Event loop only.
 */
@ProviderType
public final class OpenHold extends ChannelInboundHandlerAdapter {
    /** Told the remote's first message. */
    @ConsumerType
    @FunctionalInterface
    public interface FirstMessage {
        /**
         * Called on the event loop with the remote's first message: an OPEN, a NOTIFICATION, or a
         * {@link dev.herald.bgp.codec.MalformedMessage}. The receiver hands the connection on ({@link #handTo}) or
         * closes it.
         */
        void firstMessage(ChannelHandlerContext ctx, OpenHold hold, Object message);
    }

    private final FirstMessage target;
    private final BgpMessageDecoder decoder = new BgpMessageDecoder(new CodecContext());
    private ByteBuf buffer;
    private boolean decided;

    public OpenHold(FirstMessage target) {
        this.target = target;
    }

    /** Whether the remote's first message has arrived. */
    public boolean decided() {
        return decided;
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
            target.firstMessage(ctx, this, first);
        }
    }

    /** {@link #handTo(ChannelHandlerContext, BgpPeer, boolean)} for a connection the remote opened. */
    public void handTo(ChannelHandlerContext ctx, BgpPeer peer) {
        handTo(ctx, peer, false);
    }

    /**
     * Gives the connection to {@code peer} ({@link BgpPeer#handOver}) as one it opened ({@code outgoing}) or
     * accepted, with everything held (the OPEN and what came after it) for the session's decoder. The peer then
     * resolves collisions with its other connections by RFC 4271 §6.8. The connection must run on the peer's event
     * loop.
     */
    public void handTo(ChannelHandlerContext ctx, BgpPeer peer, boolean outgoing) {
        Channel ch = ctx.channel();
        ch.config().setAutoRead(false);
        // after the read that brought the OPEN: this handler leaves the pipeline from a task of its own
        peer.eventLoop().execute(() -> peer.handOver(ch, outgoing, release(ctx)));
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

    /** Sends {@code notification} on a connection that has no session (no encoder) and closes it. */
    public static void sendAndClose(Channel ch, NotificationMessage notification) {
        ByteBuf buf = ch.alloc().buffer();
        BgpMessageEncoder.write(notification, buf, new CodecContext());
        ch.writeAndFlush(buf).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (buffer != null) {
            buffer.release();
            buffer = null;
        }
    }
}
