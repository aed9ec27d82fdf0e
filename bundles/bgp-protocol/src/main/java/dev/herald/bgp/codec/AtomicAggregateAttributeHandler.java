package dev.herald.bgp.codec;

import dev.herald.bgp.codec.AttributeCodec.Action;
import dev.herald.bgp.codec.AttributeCodec.Malformed;
import dev.herald.bgp.message.PathAttribute;
import io.netty.buffer.ByteBuf;

/** ATOMIC_AGGREGATE (RFC 4271 §5.1.6): no value; malformed means attribute discard (RFC 7606 §7.6). */
final class AtomicAggregateAttributeHandler extends AttributeHandler {
    AtomicAggregateAttributeHandler() {
        super(PathAttribute.ATOMIC_AGGREGATE, PathAttribute.FLAG_TRANSITIVE, Action.ATTRIBUTE_DISCARD);
    }

    @Override
    PathAttribute parse(int flags, ByteBuf value, CodecContext ctx) throws Malformed {
        expectLength(value, 0);
        return new PathAttribute.AtomicAggregate();
    }

    @Override
    int valueLength(PathAttribute attribute, CodecContext ctx) {
        return 0;
    }

    @Override
    void serialize(PathAttribute attribute, ByteBuf out, CodecContext ctx) {
        // no value
    }
}
