package dev.herald.bgp.codec;

import static dev.herald.bgp.message.NotificationMessage.INVALID_NEXT_HOP_ATTRIBUTE;

import dev.herald.bgp.codec.AttributeCodec.Action;
import dev.herald.bgp.codec.AttributeCodec.Malformed;
import dev.herald.bgp.message.PathAttribute;
import io.netty.buffer.ByteBuf;

/**
 * NEXT_HOP (RFC 4271 §5.1.3): four octets, a unicast address; anything else means treat-as-withdraw (RFC 7606
 * §7.3).
 */
final class NextHopAttributeHandler extends AttributeHandler {
    NextHopAttributeHandler() {
        super(PathAttribute.NEXT_HOP, PathAttribute.FLAG_TRANSITIVE, Action.TREAT_AS_WITHDRAW);
    }

    @Override
    PathAttribute parse(int flags, ByteBuf value, CodecContext ctx) throws Malformed {
        expectLength(value, 4);
        long nh = value.readUnsignedInt();
        int first = (int) (nh >>> 24);
        if (nh == 0 || nh == 0xFFFF_FFFFL || (first >= 224 && first <= 239)) {
            throw malformed(INVALID_NEXT_HOP_ATTRIBUTE, "NEXT_HOP " + first + "." + ((nh >>> 16) & 0xFF) + "."
                    + ((nh >>> 8) & 0xFF) + "." + (nh & 0xFF) + " is not a unicast address");
        }
        return new PathAttribute.NextHop(nh);
    }

    @Override
    int valueLength(PathAttribute attribute, CodecContext ctx) {
        return 4;
    }

    @Override
    void serialize(PathAttribute attribute, ByteBuf out, CodecContext ctx) {
        out.writeInt((int) ((PathAttribute.NextHop) attribute).address());
    }
}
