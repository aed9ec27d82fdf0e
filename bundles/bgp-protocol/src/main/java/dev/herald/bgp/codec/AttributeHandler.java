package dev.herald.bgp.codec;

import dev.herald.bgp.codec.AttributeCodec.Action;
import dev.herald.bgp.codec.AttributeCodec.Malformed;
import dev.herald.bgp.message.PathAttribute;
import io.netty.buffer.ByteBuf;

/**
 * Parser and serializer of one path attribute type. {@link #parse} gets a buffer bounded to the attribute's value;
 * a malformed value throws {@link Malformed} with the action RFC 7606 (or the attribute's own RFC) gives for it.
 */
interface AttributeHandler {
    /** The attribute type code. */
    int type();

    /** The Optional and Transitive bits the attribute must carry. */
    int flags();

    /** What to do when the attribute is malformed. */
    Action onMalformed();

    PathAttribute parse(int flags, ByteBuf value, CodecContext ctx) throws Malformed;

    int valueLength(PathAttribute attribute, CodecContext ctx);

    void serialize(PathAttribute attribute, ByteBuf out, CodecContext ctx);

    /** A Malformed for this attribute, with its action and the NOTIFICATION subcode a reset would use. */
    default Malformed malformed(int subcode, String detail) {
        return new Malformed(onMalformed(), subcode, detail);
    }

    /** Throws unless the value has exactly {@code expected} bytes (Attribute Length Error). */
    default void expectLength(ByteBuf value, int expected) throws Malformed {
        if (value.readableBytes() != expected) {
            throw malformed(dev.herald.bgp.message.NotificationMessage.ATTRIBUTE_LENGTH_ERROR, "attribute " + type()
                    + " has length " + value.readableBytes() + ", expected " + expected);
        }
    }
}
