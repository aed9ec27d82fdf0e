package dev.herald.bgp.codec;

import dev.herald.bgp.message.BgpMessage;
import dev.herald.bgp.message.NotificationMessage;
import dev.herald.bgp.message.OpenMessage;
import dev.herald.bgp.message.RouteRefreshMessage;
import dev.herald.bgp.message.UpdateMessage;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.EncoderException;
import io.netty.handler.codec.MessageToByteEncoder;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Writes BGP messages: header (marker, length, type) and body. A message larger than the connection allows is a
 * bug in the caller (the packer sizes UPDATEs) and fails the write instead of going out.
 */
@ProviderType
@Sharable
public final class BgpMessageEncoder extends MessageToByteEncoder<BgpMessage> {
    private final CodecContext context;

    public BgpMessageEncoder(CodecContext context) {
        super(BgpMessage.class);
        this.context = context;
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, BgpMessage msg, ByteBuf out) {
        write(msg, out, context);
    }

    /** Appends {@code msg} with its header to {@code out}; usable without a channel (tests, fixtures). */
    public static void write(BgpMessage msg, ByteBuf out, CodecContext context) {
        int start = out.writerIndex();
        for (int i = 0; i < 16; i++) {
            out.writeByte(0xFF);
        }
        out.writeShort(0);
        out.writeByte(msg.type());
        if (msg instanceof OpenMessage o) {
            OpenCodec.write(out, o);
        } else if (msg instanceof UpdateMessage u) {
            UpdateCodec.write(out, u, context);
        } else if (msg instanceof NotificationMessage n) {
            out.writeByte(n.code());
            out.writeByte(n.subcode());
            out.writeBytes(n.data());
        } else if (msg instanceof RouteRefreshMessage r) {
            out.writeShort(r.afi());
            out.writeByte(0);
            out.writeByte(r.safi());
        }
        // KEEPALIVE: header only
        int length = out.writerIndex() - start;
        int max = msg.type() == BgpMessage.OPEN || msg.type() == BgpMessage.KEEPALIVE ? BgpMessage.MAX_LENGTH
                : context.maxMessageLength();
        if (length > max) {
            out.writerIndex(start);
            throw new EncoderException("BGP message of " + length + " bytes exceeds the limit of " + max);
        }
        out.setShort(start + 16, length);
    }

    /** Bytes an UPDATE with these parts takes on the wire, header included. */
    public static int updateLength(java.util.List<dev.herald.bgp.message.Prefix> withdrawn,
                                   java.util.List<dev.herald.bgp.message.PathAttribute> attributes,
                                   java.util.List<dev.herald.bgp.message.Prefix> nlri, CodecContext context) {
        return UpdateCodec.encodedLength(withdrawn, attributes, nlri, context);
    }
}
