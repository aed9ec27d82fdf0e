package dev.herald.simulator.peer;

import dev.herald.bgp.codec.BgpMessageDecoder;
import dev.herald.bgp.codec.CodecContext;
import dev.herald.bgp.message.BgpMessage;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * First handler of every connection: holds the bytes until the remote's first message is whole, so the peer learns
 * the remote's AS from its OPEN before it builds the session for it (a router with dynamic neighbours accepts any
 * AS). After the hand-over it keeps buffering until {@link #release()} gives everything to the session's decoder.
 */
final class OpenSniffer extends ChannelInboundHandlerAdapter {
    static final String NAME = "open-sniffer";

    /** Called on the event loop with the remote's first message (an OPEN, a NOTIFICATION, or anything malformed). */
    interface FirstMessage {
        void firstMessage(ChannelHandlerContext ctx, OpenSniffer sniffer, Object message);
    }

    private final FirstMessage target;
    private final boolean outgoing;
    private final BgpMessageDecoder decoder = new BgpMessageDecoder(new CodecContext());
    private ByteBuf buffer;
    private boolean decided;

    OpenSniffer(FirstMessage target, boolean outgoing) {
        this.target = target;
        this.outgoing = outgoing;
    }

    boolean outgoing() {
        return outgoing;
    }

    boolean decided() {
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

    /** Removes this handler and returns what it held (never null); the caller owns the buffer. */
    ByteBuf release(ChannelHandlerContext ctx) {
        if (ctx.isRemoved()) {
            return ctx.alloc().buffer(0); // the channel closed meanwhile and took the buffer with it
        }
        ByteBuf held = buffer != null ? buffer : ctx.alloc().buffer(0);
        buffer = null;
        ctx.pipeline().remove(this);
        return held;
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (buffer != null) {
            buffer.release();
            buffer = null;
        }
    }
}
