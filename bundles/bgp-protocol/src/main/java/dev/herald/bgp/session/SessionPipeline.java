package dev.herald.bgp.session;

import dev.herald.bgp.codec.BgpMessageDecoder;
import dev.herald.bgp.codec.BgpMessageEncoder;
import dev.herald.bgp.codec.CodecContext;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.WriteBufferWaterMark;

/** The handlers of a session's socket: the codec, a {@link SessionTap}'s handler if any, the state machine. */
final class SessionPipeline {
    /** Bounds what waits in a socket's buffer, so a keepalive never queues behind more than this. */
    static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(16 * 1024, 64 * 1024);

    private SessionPipeline() {
    }

    static void install(Channel ch, CodecContext codec, BgpConnection c, SessionTap tap) {
        ch.config().setWriteBufferWaterMark(WATER_MARK);
        ch.pipeline().addLast("decoder", new BgpMessageDecoder(codec))
                .addLast("encoder", new BgpMessageEncoder(codec));
        ChannelHandler tapped = tap == null ? null : tap.handlerFor(ch, c.outgoing());
        if (tapped != null) {
            ch.pipeline().addLast("tap", tapped);
        }
        ch.pipeline().addLast("session", c);
    }
}
