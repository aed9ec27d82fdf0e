package dev.herald.bgp.codec;

import static dev.herald.bgp.message.PathAttribute.FLAG_EXTENDED_LENGTH;

import dev.herald.bgp.message.PathAttribute;
import io.netty.buffer.ByteBuf;
import java.util.HashMap;
import java.util.Map;

/**
 * The path attributes Herald knows, one {@link AttributeHandler} each, and the attribute header (flags, type,
 * 1- or 2-byte length) around them. Attributes of other types are kept as {@link PathAttribute.Unknown}.
 */
final class AttributeCodec {
    private static final Map<Integer, AttributeHandler> HANDLERS = new HashMap<>();

    static {
        for (AttributeHandler h : new AttributeHandler[] {
            new OriginAttributeHandler(), new AsPathAttributeHandler(), new NextHopAttributeHandler(),
            new MultiExitDiscAttributeHandler(), new LocalPrefAttributeHandler(),
            new AtomicAggregateAttributeHandler(), new AggregatorAttributeHandler(PathAttribute.AGGREGATOR),
            new MpReachAttributeHandler(), new MpUnreachAttributeHandler(), new As4PathAttributeHandler(),
            new AggregatorAttributeHandler(PathAttribute.AS4_AGGREGATOR)}) {
            HANDLERS.put(h.type(), h);
        }
    }

    private AttributeCodec() {
    }

    /** What RFC 7606 says to do with a malformed attribute, weakest first. */
    enum Action { ATTRIBUTE_DISCARD, TREAT_AS_WITHDRAW, SESSION_RESET }

    /** A malformed attribute, with the action its RFC prescribes and, for a reset, the NOTIFICATION subcode. */
    static final class Malformed extends Exception {
        private static final long serialVersionUID = 1L;
        final Action action;
        final int subcode;

        Malformed(Action action, int subcode, String detail) {
            super(detail, null, false, false);
            this.action = action;
            this.subcode = subcode;
        }
    }

    /** The Optional and Transitive bits each known attribute must carry; -1 for unknown types. */
    static int expectedFlags(int type) {
        AttributeHandler h = HANDLERS.get(type);
        return h == null ? -1 : h.flags();
    }

    /** The action for any malformation of this attribute type; unknown optional ones are never malformed. */
    static Action actionFor(int type) {
        AttributeHandler h = HANDLERS.get(type);
        return h == null ? Action.TREAT_AS_WITHDRAW : h.onMalformed();
    }

    /** Parses the value of one attribute, bounded to {@code v}. */
    static PathAttribute read(int flags, int type, ByteBuf v, CodecContext ctx) throws Malformed {
        AttributeHandler h = HANDLERS.get(type);
        if (h != null) {
            return h.parse(flags, v, ctx);
        }
        byte[] value = new byte[v.readableBytes()];
        v.readBytes(value);
        return new PathAttribute.Unknown(flags & ~FLAG_EXTENDED_LENGTH, type, value);
    }

    /** Writes one attribute with its standard flags, the extended length only when the value needs it. */
    static void write(ByteBuf out, PathAttribute a, CodecContext ctx) {
        int flags = a instanceof PathAttribute.Unknown u ? u.flags() & ~FLAG_EXTENDED_LENGTH
                : HANDLERS.get(a.typeCode()).flags();
        int length = valueLength(a, ctx);
        if (length > 255) {
            out.writeByte(flags | FLAG_EXTENDED_LENGTH);
            out.writeByte(a.typeCode());
            out.writeShort(length);
        } else {
            out.writeByte(flags);
            out.writeByte(a.typeCode());
            out.writeByte(length);
        }
        if (a instanceof PathAttribute.Unknown u) {
            out.writeBytes(u.value());
        } else {
            HANDLERS.get(a.typeCode()).serialize(a, out, ctx);
        }
    }

    /** Bytes the attribute's header and value take. */
    static int encodedLength(PathAttribute a, CodecContext ctx) {
        int length = valueLength(a, ctx);
        return (length > 255 ? 4 : 3) + length;
    }

    private static int valueLength(PathAttribute a, CodecContext ctx) {
        return a instanceof PathAttribute.Unknown u ? u.value().length
                : HANDLERS.get(a.typeCode()).valueLength(a, ctx);
    }
}
