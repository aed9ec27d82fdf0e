package dev.herald.bgp.codec;

import static dev.herald.bgp.message.NotificationMessage.INVALID_ORIGIN_ATTRIBUTE;

import dev.herald.bgp.codec.AttributeCodec.Action;
import dev.herald.bgp.codec.AttributeCodec.Malformed;
import dev.herald.bgp.message.PathAttribute;
import io.netty.buffer.ByteBuf;

/** ORIGIN (RFC 4271 §5.1.1): one byte, 0..2; malformed means treat-as-withdraw (RFC 7606 §7.1). */
final class OriginAttributeHandler extends AttributeHandler {
    OriginAttributeHandler() {
        super(PathAttribute.ORIGIN, PathAttribute.FLAG_TRANSITIVE, Action.TREAT_AS_WITHDRAW);
    }

    @Override
    PathAttribute parse(int flags, ByteBuf value, CodecContext ctx) throws Malformed {
        expectLength(value, 1);
        int origin = value.readUnsignedByte();
        if (origin > 2) {
            throw malformed(INVALID_ORIGIN_ATTRIBUTE, "ORIGIN value " + origin);
        }
        return origin == 0 ? PathAttribute.Origin.IGP : new PathAttribute.Origin(origin);
    }

    @Override
    int valueLength(PathAttribute attribute, CodecContext ctx) {
        return 1;
    }

    @Override
    void serialize(PathAttribute attribute, ByteBuf out, CodecContext ctx) {
        out.writeByte(((PathAttribute.Origin) attribute).value());
    }
}
