package dev.herald.bgp.codec;

import static dev.herald.bgp.message.NotificationMessage.MALFORMED_AS_PATH;

import dev.herald.bgp.codec.AttributeCodec.Malformed;
import dev.herald.bgp.message.OpenMessage;
import dev.herald.bgp.message.PathAttribute.Segment;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/** AS path segments, shared by AS_PATH and AS4_PATH: type, count, then 2- or 4-octet AS numbers. */
final class AsSegments {
    private AsSegments() {
    }

    static List<Segment> read(AttributeHandler owner, ByteBuf v, int asBytes) throws Malformed {
        List<Segment> segments = new ArrayList<>();
        while (v.isReadable()) {
            if (v.readableBytes() < 2) {
                throw owner.malformed(MALFORMED_AS_PATH, "segment header truncated");
            }
            int segType = v.readUnsignedByte();
            int count = v.readUnsignedByte();
            if (segType < Segment.AS_SET || segType > Segment.AS_CONFED_SET) {
                throw owner.malformed(MALFORMED_AS_PATH, "segment type " + segType);
            }
            if (count == 0 || v.readableBytes() < count * asBytes) {
                throw owner.malformed(MALFORMED_AS_PATH, "segment of " + count + " ASNs with " + v.readableBytes()
                        + " bytes left");
            }
            List<Long> asns = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                asns.add(asBytes == 4 ? v.readUnsignedInt() : (long) v.readUnsignedShort());
            }
            segments.add(new Segment(segType, asns));
        }
        return segments;
    }

    static int length(List<Segment> segments, int asBytes) {
        int n = 0;
        for (Segment s : segments) {
            n += 2 + asBytes * s.asns().size();
        }
        return n;
    }

    /** Writes the segments; in 2-octet form an AS above 65535 becomes AS_TRANS (RFC 6793 §4.2.2). */
    static void write(ByteBuf out, List<Segment> segments, int asBytes) {
        for (Segment s : segments) {
            out.writeByte(s.type());
            out.writeByte(s.asns().size());
            for (long asn : s.asns()) {
                if (asBytes == 4) {
                    out.writeInt((int) asn);
                } else {
                    out.writeShort(asn > 0xFFFF ? OpenMessage.AS_TRANS : (int) asn);
                }
            }
        }
    }
}
