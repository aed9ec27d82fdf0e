package dev.herald.bgp.codec;

import dev.herald.bgp.codec.AttributeCodec.Action;
import dev.herald.bgp.codec.AttributeCodec.Malformed;
import dev.herald.bgp.message.NotificationMessage;
import dev.herald.bgp.message.PathAttribute;
import io.netty.buffer.ByteBuf;

/**
 * Parser and serializer of one path attribute type. {@link #parse} gets a buffer bounded to the attribute's value;
 * a malformed value throws {@link Malformed} with the action RFC 7606 (or the attribute's own RFC) gives for it.
 * What every attribute shares (its type code, the flags it must carry, its RFC 7606 outcome and the checks that
 * raise it) lives here once; each subclass only reads and writes its own value.
 */
abstract class AttributeHandler {
    private final int type;
    private final int flags;
    private final Action onMalformed;

    AttributeHandler(int type, int flags, Action onMalformed) {
        this.type = type;
        this.flags = flags;
        this.onMalformed = onMalformed;
    }

    /** The attribute type code. */
    final int type() {
        return type;
    }

    /** The Optional and Transitive bits the attribute must carry. */
    final int flags() {
        return flags;
    }

    /** What to do when the attribute is malformed. */
    final Action onMalformed() {
        return onMalformed;
    }

    abstract PathAttribute parse(int flags, ByteBuf value, CodecContext ctx) throws Malformed;

    abstract int valueLength(PathAttribute attribute, CodecContext ctx);

    abstract void serialize(PathAttribute attribute, ByteBuf out, CodecContext ctx);

    /** A Malformed for this attribute, with its action and the NOTIFICATION subcode a reset would use. */
    final Malformed malformed(int subcode, String detail) {
        return new Malformed(onMalformed, subcode, detail);
    }

    /** Throws unless the value has exactly {@code expected} bytes (Attribute Length Error). */
    final void expectLength(ByteBuf value, int expected) throws Malformed {
        if (value.readableBytes() != expected) {
            throw malformed(NotificationMessage.ATTRIBUTE_LENGTH_ERROR, "attribute " + type + " has length "
                    + value.readableBytes() + ", expected " + expected);
        }
    }
}
