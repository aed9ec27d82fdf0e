package dev.herald.bgp.codec;

import dev.herald.bgp.codec.AttributeCodec.Action;
import dev.herald.bgp.codec.AttributeCodec.Malformed;
import dev.herald.bgp.message.PathAttribute;
import io.netty.buffer.ByteBuf;

/** ATOMIC_AGGREGATE (RFC 4271 §5.1.6): no value; malformed means attribute discard (RFC 7606 §7.6). */
final class AtomicAggregateAttributeHandler implements AttributeHandler {
    @Override
    public int type() {
        return PathAttribute.ATOMIC_AGGREGATE;
    }

    @Override
    public int flags() {
        return PathAttribute.FLAG_TRANSITIVE;
    }

    @Override
    public Action onMalformed() {
        return Action.ATTRIBUTE_DISCARD;
    }

    @Override
    public PathAttribute parse(int flags, ByteBuf value, CodecContext ctx) throws Malformed {
        expectLength(value, 0);
        return new PathAttribute.AtomicAggregate();
    }

    @Override
    public int valueLength(PathAttribute attribute, CodecContext ctx) {
        return 0;
    }

    @Override
    public void serialize(PathAttribute attribute, ByteBuf out, CodecContext ctx) {
        // no value
    }
}
