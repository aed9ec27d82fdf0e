package dev.herald.bgp.codec;

import static dev.herald.bgp.message.NotificationMessage.ATTRIBUTE_FLAGS_ERROR;
import static dev.herald.bgp.message.NotificationMessage.INVALID_NETWORK_FIELD;
import static dev.herald.bgp.message.NotificationMessage.MALFORMED_ATTRIBUTE_LIST;
import static dev.herald.bgp.message.NotificationMessage.UNRECOGNIZED_WELL_KNOWN_ATTRIBUTE;
import static dev.herald.bgp.message.NotificationMessage.UPDATE_MESSAGE_ERROR;

import dev.herald.bgp.codec.AttributeCodec.Action;
import dev.herald.bgp.codec.AttributeCodec.Malformed;
import dev.herald.bgp.message.Afi;
import dev.herald.bgp.message.PathAttribute;
import dev.herald.bgp.message.Prefix;
import dev.herald.bgp.message.UpdateMessage;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;

/**
 * UPDATE bodies, with the error handling of RFC 7606: framing errors that hide where the NLRI is, malformed
 * NLRI and malformed or repeated MP_REACH/MP_UNREACH reset the session; most attribute errors make the UPDATE's
 * prefixes withdrawn ("treat-as-withdraw"); a few attributes are just dropped ("attribute discard").
 */
final class UpdateCodec {
    private UpdateCodec() {
    }

    static UpdateMessage read(ByteBuf body, CodecContext ctx) throws BgpProtocolException {
        int withdrawnLength = body.readUnsignedShort();
        if (withdrawnLength > body.readableBytes() - 2) {
            throw new BgpProtocolException(UPDATE_MESSAGE_ERROR, MALFORMED_ATTRIBUTE_LIST,
                    "withdrawn routes length " + withdrawnLength + " exceeds the message");
        }
        List<Prefix> withdrawn = nlri(body.readSlice(withdrawnLength), "withdrawn routes");
        int attributesLength = body.readUnsignedShort();
        if (attributesLength > body.readableBytes()) {
            throw new BgpProtocolException(UPDATE_MESSAGE_ERROR, MALFORMED_ATTRIBUTE_LIST,
                    "total path attribute length " + attributesLength + " exceeds the message");
        }
        ByteBuf attrs = body.readSlice(attributesLength);
        List<Prefix> nlri = nlri(body, "NLRI");

        List<PathAttribute> attributes = new ArrayList<>();
        String treatAsWithdraw = null;
        BitSet seen = new BitSet(256);
        while (attrs.isReadable()) {
            int flags = attrs.readUnsignedByte();
            boolean extended = (flags & PathAttribute.FLAG_EXTENDED_LENGTH) != 0;
            if (attrs.readableBytes() < (extended ? 3 : 2)) {
                treatAsWithdraw = first(treatAsWithdraw, "path attribute header truncated");
                break;
            }
            int type = attrs.readUnsignedByte();
            int length = extended ? attrs.readUnsignedShort() : attrs.readUnsignedByte();
            if (length > attrs.readableBytes()) {
                if (type == PathAttribute.MP_REACH_NLRI || type == PathAttribute.MP_UNREACH_NLRI) {
                    throw new BgpProtocolException(UPDATE_MESSAGE_ERROR, MALFORMED_ATTRIBUTE_LIST,
                            "attribute " + type + " of length " + length + " overruns the attributes");
                }
                treatAsWithdraw = first(treatAsWithdraw, "attribute " + type + " of length " + length
                        + " overruns the path attributes");
                break;
            }
            ByteBuf value = attrs.readSlice(length);
            if (seen.get(type)) {
                if (type == PathAttribute.MP_REACH_NLRI || type == PathAttribute.MP_UNREACH_NLRI) {
                    throw new BgpProtocolException(UPDATE_MESSAGE_ERROR, MALFORMED_ATTRIBUTE_LIST,
                            "attribute " + type + " appears twice");
                }
                continue; // RFC 7606 §3.g: keep the first, drop the repeats
            }
            seen.set(type);

            int expected = AttributeCodec.expectedFlags(type);
            if (expected < 0) {
                if ((flags & PathAttribute.FLAG_OPTIONAL) == 0) {
                    // data: the attribute as received, its length field 1 or 2 bytes as the flags say
                    int header = extended ? 4 : 3;
                    byte[] data = new byte[header + length];
                    data[0] = (byte) flags;
                    data[1] = (byte) type;
                    if (extended) {
                        data[2] = (byte) (length >>> 8);
                    }
                    data[header - 1] = (byte) length;
                    value.getBytes(value.readerIndex(), data, header, length);
                    throw new BgpProtocolException(UPDATE_MESSAGE_ERROR, UNRECOGNIZED_WELL_KNOWN_ATTRIBUTE, data,
                            "unrecognized well-known attribute " + type);
                }
            } else if ((flags & (PathAttribute.FLAG_OPTIONAL | PathAttribute.FLAG_TRANSITIVE)) != expected) {
                Action action = AttributeCodec.actionFor(type);
                String why = "attribute " + type + " has flags 0x" + Integer.toHexString(flags);
                if (action == Action.SESSION_RESET) {
                    throw new BgpProtocolException(UPDATE_MESSAGE_ERROR, ATTRIBUTE_FLAGS_ERROR, why);
                }
                if (action == Action.TREAT_AS_WITHDRAW) {
                    treatAsWithdraw = first(treatAsWithdraw, why);
                }
                continue;
            }
            try {
                PathAttribute a = AttributeCodec.read(flags, type, value, ctx);
                if ((type == PathAttribute.AS4_PATH || type == PathAttribute.AS4_AGGREGATOR) && ctx.fourOctetAs()) {
                    continue; // RFC 6793 §6: between 4-octet speakers AS4_PATH and AS4_AGGREGATOR are discarded
                }
                attributes.add(a);
            } catch (Malformed m) {
                switch (m.action) {
                    case SESSION_RESET -> throw new BgpProtocolException(UPDATE_MESSAGE_ERROR, m.subcode,
                            m.getMessage());
                    case TREAT_AS_WITHDRAW -> treatAsWithdraw = first(treatAsWithdraw, m.getMessage());
                    case ATTRIBUTE_DISCARD -> {
                    }
                }
            }
        }

        boolean announces = !nlri.isEmpty() || attributes.stream()
                .anyMatch(a -> a instanceof PathAttribute.MpReach m && !m.nlri().isEmpty());
        if (announces && treatAsWithdraw == null) {
            treatAsWithdraw = missingMandatory(attributes, !nlri.isEmpty());
        }
        return new UpdateMessage(withdrawn, attributes, nlri, Optional.ofNullable(treatAsWithdraw));
    }

    /** RFC 7606 §3.d: a missing well-known mandatory attribute means treat-as-withdraw, not a reset. */
    private static String missingMandatory(List<PathAttribute> attributes, boolean ipv4Nlri) {
        boolean origin = false;
        boolean asPath = false;
        boolean nextHop = false;
        for (PathAttribute a : attributes) {
            origin |= a instanceof PathAttribute.Origin;
            asPath |= a instanceof PathAttribute.AsPath;
            nextHop |= a instanceof PathAttribute.NextHop;
        }
        if (!origin) {
            return "missing well-known attribute ORIGIN";
        }
        if (!asPath) {
            return "missing well-known attribute AS_PATH";
        }
        if (ipv4Nlri && !nextHop) {
            return "missing well-known attribute NEXT_HOP";
        }
        return null;
    }

    private static List<Prefix> nlri(ByteBuf field, String what) throws BgpProtocolException {
        try {
            return NlriCodec.read(field, Afi.IPV4);
        } catch (IllegalArgumentException e) {
            // RFC 7606 §5.3: a malformed NLRI field cannot be treated as withdrawn
            throw new BgpProtocolException(UPDATE_MESSAGE_ERROR, INVALID_NETWORK_FIELD, what + ": " + e.getMessage());
        }
    }

    private static String first(String current, String next) {
        return current != null ? current : next;
    }

    static void write(ByteBuf out, UpdateMessage m, CodecContext ctx) {
        out.writeShort(NlriCodec.length(m.withdrawn()));
        NlriCodec.write(out, m.withdrawn());
        int lengthIndex = out.writerIndex();
        out.writeShort(0);
        for (PathAttribute a : m.attributes()) {
            AttributeCodec.write(out, a, ctx);
        }
        out.setShort(lengthIndex, out.writerIndex() - lengthIndex - 2);
        NlriCodec.write(out, m.nlri());
    }

    /** Bytes of an UPDATE with these parts, header included: what the packer sizes messages with. */
    static int encodedLength(List<Prefix> withdrawn, List<PathAttribute> attributes, List<Prefix> nlri,
                             CodecContext ctx) {
        int n = dev.herald.bgp.message.BgpMessage.HEADER_LENGTH + 4 + NlriCodec.length(withdrawn)
                + NlriCodec.length(nlri);
        for (PathAttribute a : attributes) {
            n += AttributeCodec.encodedLength(a, ctx);
        }
        return n;
    }
}
