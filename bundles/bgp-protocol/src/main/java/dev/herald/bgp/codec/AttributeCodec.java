package dev.herald.bgp.codec;

import static dev.herald.bgp.message.PathAttribute.FLAG_EXTENDED_LENGTH;
import static dev.herald.bgp.message.PathAttribute.FLAG_OPTIONAL;

import static dev.herald.bgp.message.PathAttribute.FLAG_TRANSITIVE;

import dev.herald.bgp.message.Afi;
import dev.herald.bgp.message.PathAttribute;
import dev.herald.bgp.message.PathAttribute.Segment;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads and writes single path attributes. Each reader gets a buffer bounded to the attribute's value and either
 * returns the attribute or throws {@link Malformed}, whose action is the one RFC 7606 §7 gives for that attribute.
 */
final class AttributeCodec {
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
        return switch (type) {
            case PathAttribute.ORIGIN, PathAttribute.AS_PATH, PathAttribute.NEXT_HOP, PathAttribute.LOCAL_PREF,
                    PathAttribute.ATOMIC_AGGREGATE -> FLAG_TRANSITIVE;
            case PathAttribute.MULTI_EXIT_DISC, PathAttribute.MP_REACH_NLRI, PathAttribute.MP_UNREACH_NLRI ->
                    FLAG_OPTIONAL;
            case PathAttribute.AGGREGATOR, PathAttribute.AS4_PATH, PathAttribute.AS4_AGGREGATOR ->
                    FLAG_OPTIONAL | FLAG_TRANSITIVE;
            default -> -1;
        };
    }

    /** The action for any malformation of this attribute type (RFC 7606 §7, RFC 6793 §6, RFC 4760). */
    static Action actionFor(int type) {
        return switch (type) {
            case PathAttribute.ATOMIC_AGGREGATE, PathAttribute.AGGREGATOR, PathAttribute.AS4_PATH,
                    PathAttribute.AS4_AGGREGATOR -> Action.ATTRIBUTE_DISCARD;
            case PathAttribute.MP_REACH_NLRI, PathAttribute.MP_UNREACH_NLRI -> Action.SESSION_RESET;
            default -> Action.TREAT_AS_WITHDRAW;
        };
    }

    static PathAttribute read(int flags, int type, ByteBuf v, CodecContext ctx) throws Malformed {
        int len = v.readableBytes();
        switch (type) {
            case PathAttribute.ORIGIN -> {
                length(type, len, 1, dev.herald.bgp.message.NotificationMessage.ATTRIBUTE_LENGTH_ERROR);
                int value = v.readUnsignedByte();
                if (value > 2) {
                    throw malformed(type, dev.herald.bgp.message.NotificationMessage.INVALID_ORIGIN_ATTRIBUTE,
                            "ORIGIN value " + value);
                }
                return value == 0 ? PathAttribute.Origin.IGP : new PathAttribute.Origin(value);
            }
            case PathAttribute.AS_PATH -> {
                return new PathAttribute.AsPath(segments(type, v, ctx.fourOctetAs() ? 4 : 2));
            }
            case PathAttribute.AS4_PATH -> {
                if (len == 0) {
                    // RFC 6793 §6: an AS4_PATH too short to carry one AS number is malformed
                    throw malformed(type, dev.herald.bgp.message.NotificationMessage.MALFORMED_AS_PATH,
                            "empty AS4_PATH");
                }
                return new PathAttribute.As4Path(segments(type, v, 4));
            }
            case PathAttribute.NEXT_HOP -> {
                length(type, len, 4, dev.herald.bgp.message.NotificationMessage.ATTRIBUTE_LENGTH_ERROR);
                long nh = v.readUnsignedInt();
                int first = (int) (nh >>> 24);
                if (nh == 0 || nh == 0xFFFF_FFFFL || (first >= 224 && first <= 239)) {
                    throw malformed(type, dev.herald.bgp.message.NotificationMessage.INVALID_NEXT_HOP_ATTRIBUTE,
                            "NEXT_HOP " + first + "." + ((nh >>> 16) & 0xFF) + "." + ((nh >>> 8) & 0xFF) + "."
                                    + (nh & 0xFF) + " is not a unicast address");
                }
                return new PathAttribute.NextHop(nh);
            }
            case PathAttribute.MULTI_EXIT_DISC -> {
                length(type, len, 4, dev.herald.bgp.message.NotificationMessage.ATTRIBUTE_LENGTH_ERROR);
                return new PathAttribute.MultiExitDisc(v.readUnsignedInt());
            }
            case PathAttribute.LOCAL_PREF -> {
                length(type, len, 4, dev.herald.bgp.message.NotificationMessage.ATTRIBUTE_LENGTH_ERROR);
                return new PathAttribute.LocalPref(v.readUnsignedInt());
            }
            case PathAttribute.ATOMIC_AGGREGATE -> {
                length(type, len, 0, dev.herald.bgp.message.NotificationMessage.ATTRIBUTE_LENGTH_ERROR);
                return new PathAttribute.AtomicAggregate();
            }
            case PathAttribute.AGGREGATOR, PathAttribute.AS4_AGGREGATOR -> {
                int asBytes = type == PathAttribute.AS4_AGGREGATOR || ctx.fourOctetAs() ? 4 : 2;
                length(type, len, asBytes + 4, dev.herald.bgp.message.NotificationMessage.ATTRIBUTE_LENGTH_ERROR);
                long asn = asBytes == 4 ? v.readUnsignedInt() : v.readUnsignedShort();
                return new PathAttribute.Aggregator(type, asn, v.readUnsignedInt());
            }
            case PathAttribute.MP_REACH_NLRI -> {
                return mpReach(v);
            }
            case PathAttribute.MP_UNREACH_NLRI -> {
                return mpUnreach(v);
            }
            default -> {
                byte[] value = new byte[len];
                v.readBytes(value);
                return new PathAttribute.Unknown(flags & ~FLAG_EXTENDED_LENGTH, type, value);
            }
        }
    }

    private static List<Segment> segments(int type, ByteBuf v, int asBytes) throws Malformed {
        List<Segment> segments = new ArrayList<>();
        while (v.isReadable()) {
            if (v.readableBytes() < 2) {
                throw malformed(type, dev.herald.bgp.message.NotificationMessage.MALFORMED_AS_PATH,
                        "segment header truncated");
            }
            int segType = v.readUnsignedByte();
            int count = v.readUnsignedByte();
            if (segType < Segment.AS_SET || segType > Segment.AS_CONFED_SET) {
                throw malformed(type, dev.herald.bgp.message.NotificationMessage.MALFORMED_AS_PATH,
                        "segment type " + segType);
            }
            if (count == 0 || v.readableBytes() < count * asBytes) {
                throw malformed(type, dev.herald.bgp.message.NotificationMessage.MALFORMED_AS_PATH,
                        "segment of " + count + " ASNs with " + v.readableBytes() + " bytes left");
            }
            List<Long> asns = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                asns.add(asBytes == 4 ? v.readUnsignedInt() : (long) v.readUnsignedShort());
            }
            segments.add(new Segment(segType, asns));
        }
        return segments;
    }

    private static PathAttribute mpReach(ByteBuf v) throws Malformed {
        int optError = dev.herald.bgp.message.NotificationMessage.OPTIONAL_ATTRIBUTE_ERROR;
        if (v.readableBytes() < 5) {
            throw malformed(PathAttribute.MP_REACH_NLRI, optError, "MP_REACH_NLRI of " + v.readableBytes()
                    + " bytes");
        }
        int afiCode = v.readUnsignedShort();
        int safi = v.readUnsignedByte();
        int nhLen = v.readUnsignedByte();
        if (v.readableBytes() < nhLen + 1) {
            throw malformed(PathAttribute.MP_REACH_NLRI, optError, "next hop length " + nhLen + " overruns");
        }
        byte[] nh = new byte[nhLen];
        v.readBytes(nh);
        v.skipBytes(1); // reserved
        Afi afi = Afi.of(afiCode);
        if (afi == null || safi != Afi.SAFI_UNICAST) {
            byte[] rest = new byte[v.readableBytes()];
            v.readBytes(rest);
            // not a family we speak: kept opaque, never an error (RFC 4760 §7 leaves it to negotiation)
            return new PathAttribute.MpReach(afiCode, safi, nh, List.of());
        }
        boolean nhOk = afi == Afi.IPV4 ? nhLen == 4 : (nhLen == 16 || nhLen == 32);
        if (!nhOk) {
            throw malformed(PathAttribute.MP_REACH_NLRI, optError, "next hop length " + nhLen + " for " + afi);
        }
        try {
            return new PathAttribute.MpReach(afiCode, safi, nh, NlriCodec.read(v, afi));
        } catch (IllegalArgumentException e) {
            throw malformed(PathAttribute.MP_REACH_NLRI, optError, "MP_REACH_NLRI prefixes: " + e.getMessage());
        }
    }

    private static PathAttribute mpUnreach(ByteBuf v) throws Malformed {
        int optError = dev.herald.bgp.message.NotificationMessage.OPTIONAL_ATTRIBUTE_ERROR;
        if (v.readableBytes() < 3) {
            throw malformed(PathAttribute.MP_UNREACH_NLRI, optError, "MP_UNREACH_NLRI of " + v.readableBytes()
                    + " bytes");
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
            throw malformed(PathAttribute.MP_UNREACH_NLRI, optError, "MP_UNREACH_NLRI prefixes: "
                    + e.getMessage());
        }
    }

    private static void length(int type, int actual, int expected, int subcode) throws Malformed {
        if (actual != expected) {
            throw malformed(type, subcode, "attribute " + type + " has length " + actual + ", expected "
                    + expected);
        }
    }

    private static Malformed malformed(int type, int subcode, String detail) {
        return new Malformed(actionFor(type), subcode, detail);
    }

    // ---- writing ----

    /** Writes one attribute with its standard flags, the extended length only when the value needs it. */
    static void write(ByteBuf out, PathAttribute a, CodecContext ctx) {
        int flags = a instanceof PathAttribute.Unknown u ? u.flags() & ~FLAG_EXTENDED_LENGTH
                : expectedFlags(a.typeCode());
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
        writeValue(out, a, ctx);
    }

    /** Bytes the attribute's header and value take. */
    static int encodedLength(PathAttribute a, CodecContext ctx) {
        int length = valueLength(a, ctx);
        return (length > 255 ? 4 : 3) + length;
    }

    private static int valueLength(PathAttribute a, CodecContext ctx) {
        if (a instanceof PathAttribute.Origin) {
            return 1;
        } else if (a instanceof PathAttribute.AsPath p) {
            return segmentsLength(p.segments(), ctx.fourOctetAs() ? 4 : 2);
        } else if (a instanceof PathAttribute.As4Path p) {
            return segmentsLength(p.segments(), 4);
        } else if (a instanceof PathAttribute.NextHop || a instanceof PathAttribute.MultiExitDisc
                || a instanceof PathAttribute.LocalPref) {
            return 4;
        } else if (a instanceof PathAttribute.AtomicAggregate) {
            return 0;
        } else if (a instanceof PathAttribute.Aggregator g) {
            return (g.typeCode() == PathAttribute.AS4_AGGREGATOR || ctx.fourOctetAs() ? 4 : 2) + 4;
        } else if (a instanceof PathAttribute.MpReach m) {
            return 5 + m.nextHop().length + nlriLength(m.nlri());
        } else if (a instanceof PathAttribute.MpUnreach m) {
            return 3 + nlriLength(m.withdrawn());
        } else {
            return ((PathAttribute.Unknown) a).value().length;
        }
    }

    private static int segmentsLength(List<Segment> segments, int asBytes) {
        int n = 0;
        for (Segment s : segments) {
            n += 2 + asBytes * s.asns().size();
        }
        return n;
    }

    static int nlriLength(List<dev.herald.bgp.message.Prefix> prefixes) {
        int n = 0;
        for (var p : prefixes) {
            n += p.encodedSize();
        }
        return n;
    }

    private static void writeValue(ByteBuf out, PathAttribute a, CodecContext ctx) {
        if (a instanceof PathAttribute.Origin o) {
            out.writeByte(o.value());
        } else if (a instanceof PathAttribute.AsPath p) {
            writeSegments(out, p.segments(), ctx.fourOctetAs() ? 4 : 2);
        } else if (a instanceof PathAttribute.As4Path p) {
            writeSegments(out, p.segments(), 4);
        } else if (a instanceof PathAttribute.NextHop n) {
            out.writeInt((int) n.address());
        } else if (a instanceof PathAttribute.MultiExitDisc m) {
            out.writeInt((int) m.value());
        } else if (a instanceof PathAttribute.LocalPref l) {
            out.writeInt((int) l.value());
        } else if (a instanceof PathAttribute.Aggregator g) {
            if (g.typeCode() == PathAttribute.AS4_AGGREGATOR || ctx.fourOctetAs()) {
                out.writeInt((int) g.asn());
            } else {
                out.writeShort(g.asn() > 0xFFFF ? dev.herald.bgp.message.OpenMessage.AS_TRANS : (int) g.asn());
            }
            out.writeInt((int) g.address());
        } else if (a instanceof PathAttribute.MpReach m) {
            out.writeShort(m.afi());
            out.writeByte(m.safi());
            byte[] nh = m.nextHop();
            out.writeByte(nh.length);
            out.writeBytes(nh);
            out.writeByte(0);
            NlriCodec.write(out, m.nlri());
        } else if (a instanceof PathAttribute.MpUnreach m) {
            out.writeShort(m.afi());
            out.writeByte(m.safi());
            NlriCodec.write(out, m.withdrawn());
        } else if (a instanceof PathAttribute.Unknown u) {
            out.writeBytes(u.value());
        }
        // AtomicAggregate: no value
    }

    private static void writeSegments(ByteBuf out, List<Segment> segments, int asBytes) {
        for (Segment s : segments) {
            out.writeByte(s.type());
            out.writeByte(s.asns().size());
            for (long asn : s.asns()) {
                if (asBytes == 4) {
                    out.writeInt((int) asn);
                } else {
                    out.writeShort(asn > 0xFFFF ? dev.herald.bgp.message.OpenMessage.AS_TRANS : (int) asn);
                }
            }
        }
    }

}
