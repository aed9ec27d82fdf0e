package dev.herald.bgp.codec;

import dev.herald.bgp.codec.AttributeCodec.Action;
import dev.herald.bgp.codec.AttributeCodec.Malformed;
import dev.herald.bgp.message.OpenMessage;
import dev.herald.bgp.message.PathAttribute;
import io.netty.buffer.ByteBuf;

/**
 * AGGREGATOR (RFC 4271 §5.1.7; 2 or 4-octet AS per session) and AS4_AGGREGATOR (RFC 6793, always 4): AS and
 * address; malformed means attribute discard (RFC 7606 §7.7, RFC 6793 §6).
 */
final class AggregatorAttributeHandler extends AttributeHandler {
    AggregatorAttributeHandler(int type) {
        super(type, PathAttribute.FLAG_OPTIONAL | PathAttribute.FLAG_TRANSITIVE, Action.ATTRIBUTE_DISCARD);
    }

    private int asBytes(CodecContext ctx) {
        return type() == PathAttribute.AS4_AGGREGATOR || ctx.fourOctetAs() ? 4 : 2;
    }

    @Override
    PathAttribute parse(int flags, ByteBuf value, CodecContext ctx) throws Malformed {
        int asBytes = asBytes(ctx);
        expectLength(value, asBytes + 4);
        long asn = asBytes == 4 ? value.readUnsignedInt() : value.readUnsignedShort();
        return new PathAttribute.Aggregator(type(), asn, value.readUnsignedInt());
    }

    @Override
    int valueLength(PathAttribute attribute, CodecContext ctx) {
        return asBytes(ctx) + 4;
    }

    @Override
    void serialize(PathAttribute attribute, ByteBuf out, CodecContext ctx) {
        PathAttribute.Aggregator g = (PathAttribute.Aggregator) attribute;
        if (asBytes(ctx) == 4) {
            out.writeInt((int) g.asn());
        } else {
            out.writeShort(g.asn() > 0xFFFF ? OpenMessage.AS_TRANS : (int) g.asn());
        }
        out.writeInt((int) g.address());
    }
}
