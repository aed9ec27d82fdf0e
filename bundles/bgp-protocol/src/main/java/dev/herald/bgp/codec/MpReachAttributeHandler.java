package dev.herald.bgp.codec;

import static dev.herald.bgp.message.NotificationMessage.OPTIONAL_ATTRIBUTE_ERROR;

import dev.herald.bgp.codec.AttributeCodec.Action;
import dev.herald.bgp.codec.AttributeCodec.Malformed;
import dev.herald.bgp.message.Afi;
import dev.herald.bgp.message.PathAttribute;
import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * MP_REACH_NLRI (RFC 4760 §3): AFI, SAFI, next hop, reserved byte, prefixes. A malformed one resets the session
 * (Optional Attribute Error): its prefixes cannot be found to treat them as withdrawn (RFC 7606 §7.11). Families
 * Herald does not speak are skipped, never an error.
 */
final class MpReachAttributeHandler extends AttributeHandler {
    MpReachAttributeHandler() {
        super(PathAttribute.MP_REACH_NLRI, PathAttribute.FLAG_OPTIONAL, Action.SESSION_RESET);
    }

    @Override
    PathAttribute parse(int flags, ByteBuf v, CodecContext ctx) throws Malformed {
        if (v.readableBytes() < 5) {
            throw malformed(OPTIONAL_ATTRIBUTE_ERROR, "MP_REACH_NLRI of " + v.readableBytes() + " bytes");
        }
        int afiCode = v.readUnsignedShort();
        int safi = v.readUnsignedByte();
        int nhLen = v.readUnsignedByte();
        if (v.readableBytes() < nhLen + 1) {
            throw malformed(OPTIONAL_ATTRIBUTE_ERROR, "next hop length " + nhLen + " overruns");
        }
        byte[] nh = new byte[nhLen];
        v.readBytes(nh);
        v.skipBytes(1); // reserved
        Afi afi = Afi.of(afiCode);
        if (afi == null || safi != Afi.SAFI_UNICAST) {
            v.skipBytes(v.readableBytes());
            return new PathAttribute.MpReach(afiCode, safi, nh, List.of());
        }
        boolean nhOk = afi == Afi.IPV4 ? nhLen == 4 : (nhLen == 16 || nhLen == 32);
        if (!nhOk) {
            throw malformed(OPTIONAL_ATTRIBUTE_ERROR, "next hop length " + nhLen + " for " + afi);
        }
        try {
            return new PathAttribute.MpReach(afiCode, safi, nh, NlriCodec.read(v, afi));
        } catch (IllegalArgumentException e) {
            throw malformed(OPTIONAL_ATTRIBUTE_ERROR, "MP_REACH_NLRI prefixes: " + e.getMessage());
        }
    }

    @Override
    int valueLength(PathAttribute attribute, CodecContext ctx) {
        PathAttribute.MpReach m = (PathAttribute.MpReach) attribute;
        return 5 + m.nextHop().length + NlriCodec.length(m.nlri());
    }

    @Override
    void serialize(PathAttribute attribute, ByteBuf out, CodecContext ctx) {
        PathAttribute.MpReach m = (PathAttribute.MpReach) attribute;
        out.writeShort(m.afi());
        out.writeByte(m.safi());
        byte[] nh = m.nextHop();
        out.writeByte(nh.length);
        out.writeBytes(nh);
        out.writeByte(0);
        NlriCodec.write(out, m.nlri());
    }
}
