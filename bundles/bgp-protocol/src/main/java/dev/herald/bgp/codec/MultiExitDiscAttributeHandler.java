package dev.herald.bgp.codec;

import dev.herald.bgp.codec.AttributeCodec.Action;
import dev.herald.bgp.codec.AttributeCodec.Malformed;
import dev.herald.bgp.message.PathAttribute;
import io.netty.buffer.ByteBuf;

/** MULTI_EXIT_DISC (RFC 4271 §5.1.4): four octets; malformed means treat-as-withdraw (RFC 7606 §7.4). */
final class MultiExitDiscAttributeHandler extends AttributeHandler {
    MultiExitDiscAttributeHandler() {
        super(PathAttribute.MULTI_EXIT_DISC, PathAttribute.FLAG_OPTIONAL, Action.TREAT_AS_WITHDRAW);
    }

    @Override
    PathAttribute parse(int flags, ByteBuf value, CodecContext ctx) throws Malformed {
        expectLength(value, 4);
        return new PathAttribute.MultiExitDisc(value.readUnsignedInt());
    }

    @Override
    int valueLength(PathAttribute attribute, CodecContext ctx) {
        return 4;
    }

    @Override
    void serialize(PathAttribute attribute, ByteBuf out, CodecContext ctx) {
        out.writeInt((int) ((PathAttribute.MultiExitDisc) attribute).value());
    }
}
