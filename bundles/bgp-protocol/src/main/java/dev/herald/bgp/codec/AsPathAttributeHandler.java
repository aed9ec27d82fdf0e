package dev.herald.bgp.codec;

import dev.herald.bgp.codec.AttributeCodec.Action;
import dev.herald.bgp.codec.AttributeCodec.Malformed;
import dev.herald.bgp.message.PathAttribute;
import io.netty.buffer.ByteBuf;

/**
 * AS_PATH (RFC 4271 §5.1.2): AS numbers of 2 octets, or 4 once both sides have the capability (RFC 6793);
 * malformed means treat-as-withdraw (RFC 7606 §7.2).
 */
final class AsPathAttributeHandler extends AttributeHandler {
    AsPathAttributeHandler() {
        super(PathAttribute.AS_PATH, PathAttribute.FLAG_TRANSITIVE, Action.TREAT_AS_WITHDRAW);
    }

    @Override
    PathAttribute parse(int flags, ByteBuf value, CodecContext ctx) throws Malformed {
        return new PathAttribute.AsPath(AsSegments.read(this, value, ctx.fourOctetAs() ? 4 : 2));
    }

    @Override
    int valueLength(PathAttribute attribute, CodecContext ctx) {
        return AsSegments.length(((PathAttribute.AsPath) attribute).segments(), ctx.fourOctetAs() ? 4 : 2);
    }

    @Override
    void serialize(PathAttribute attribute, ByteBuf out, CodecContext ctx) {
        AsSegments.write(out, ((PathAttribute.AsPath) attribute).segments(), ctx.fourOctetAs() ? 4 : 2);
    }
}
