package dev.herald.bgp.codec;

import static dev.herald.bgp.message.NotificationMessage.OPTIONAL_ATTRIBUTE_ERROR;

import dev.herald.bgp.codec.AttributeCodec.Action;
import dev.herald.bgp.codec.AttributeCodec.Malformed;
import dev.herald.bgp.message.Afi;
import dev.herald.bgp.message.PathAttribute;
import io.netty.buffer.ByteBuf;
import java.util.List;

/** MP_UNREACH_NLRI (RFC 4760 §4): AFI, SAFI, withdrawn prefixes; malformed resets the session (RFC 7606 §7.11). */
final class MpUnreachAttributeHandler extends AttributeHandler {
    MpUnreachAttributeHandler() {
        super(PathAttribute.MP_UNREACH_NLRI, PathAttribute.FLAG_OPTIONAL, Action.SESSION_RESET);
    }

    @Override
    PathAttribute parse(int flags, ByteBuf v, CodecContext ctx) throws Malformed {
        if (v.readableBytes() < 3) {
            throw malformed(OPTIONAL_ATTRIBUTE_ERROR, "MP_UNREACH_NLRI of " + v.readableBytes() + " bytes");
        }
        int afiCode = v.readUnsignedShort();
        int safi = v.readUnsignedByte();
        Afi afi = Afi.of(afiCode);
        if (afi == null || safi != Afi.SAFI_UNICAST) {
            v.skipBytes(v.readableBytes());
            return new PathAttribute.MpUnreach(afiCode, safi, List.of());
        }
        try {
            return new PathAttribute.MpUnreach(afiCode, safi, NlriCodec.read(v, afi));
        } catch (IllegalArgumentException e) {
            throw malformed(OPTIONAL_ATTRIBUTE_ERROR, "MP_UNREACH_NLRI prefixes: " + e.getMessage());
        }
    }

    @Override
    int valueLength(PathAttribute attribute, CodecContext ctx) {
        return 3 + NlriCodec.length(((PathAttribute.MpUnreach) attribute).withdrawn());
    }

    @Override
    void serialize(PathAttribute attribute, ByteBuf out, CodecContext ctx) {
        PathAttribute.MpUnreach m = (PathAttribute.MpUnreach) attribute;
        out.writeShort(m.afi());
        out.writeByte(m.safi());
        NlriCodec.write(out, m.withdrawn());
    }
}
