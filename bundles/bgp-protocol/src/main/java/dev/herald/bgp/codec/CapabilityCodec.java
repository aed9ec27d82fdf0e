package dev.herald.bgp.codec;

import dev.herald.bgp.message.Capability;
import dev.herald.bgp.message.Capability.GracefulRestart;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/** Capabilities inside an OPEN's optional parameter of type 2 (RFC 5492). One reader and writer per code. */
final class CapabilityCodec {
    private CapabilityCodec() {
    }

    /** Reads every capability in {@code in} (the value of one optional parameter). */
    static List<Capability> readAll(ByteBuf in) throws BgpProtocolException {
        List<Capability> out = new ArrayList<>();
        while (in.isReadable()) {
            if (in.readableBytes() < 2) {
                throw malformed("capability header truncated");
            }
            int code = in.readUnsignedByte();
            int length = in.readUnsignedByte();
            if (in.readableBytes() < length) {
                throw malformed("capability " + code + " claims " + length + " bytes, " + in.readableBytes()
                        + " left");
            }
            out.add(read(code, in.readSlice(length)));
        }
        return out;
    }

    private static Capability read(int code, ByteBuf v) throws BgpProtocolException {
        switch (code) {
            case Capability.MULTIPROTOCOL -> {
                expectLength(code, v, 4);
                int afi = v.readUnsignedShort();
                v.skipBytes(1); // reserved
                return new Capability.Multiprotocol(afi, v.readUnsignedByte());
            }
            case Capability.ROUTE_REFRESH -> {
                expectLength(code, v, 0);
                return new Capability.RouteRefresh();
            }
            case Capability.EXTENDED_MESSAGE -> {
                expectLength(code, v, 0);
                return new Capability.ExtendedMessage();
            }
            case Capability.FOUR_OCTET_AS -> {
                expectLength(code, v, 4);
                return new Capability.FourOctetAs(v.readUnsignedInt());
            }
            case Capability.GRACEFUL_RESTART -> {
                if (v.readableBytes() < 2 || (v.readableBytes() - 2) % 4 != 0) {
                    throw malformed("graceful restart capability of " + v.readableBytes() + " bytes");
                }
                int flagsAndTime = v.readUnsignedShort();
                List<GracefulRestart.Family> families = new ArrayList<>();
                while (v.isReadable()) {
                    int afi = v.readUnsignedShort();
                    int safi = v.readUnsignedByte();
                    families.add(new GracefulRestart.Family(afi, safi, (v.readUnsignedByte() & 0x80) != 0));
                }
                return new GracefulRestart((flagsAndTime & 0x8000) != 0, flagsAndTime & 0x0FFF, families);
            }
            default -> {
                byte[] value = new byte[v.readableBytes()];
                v.readBytes(value);
                return new Capability.Unknown(code, value);
            }
        }
    }

    static void write(ByteBuf out, Capability c) {
        out.writeByte(c.code());
        int lengthIndex = out.writerIndex();
        out.writeByte(0);
        if (c instanceof Capability.Multiprotocol m) {
            out.writeShort(m.afi());
            out.writeByte(0);
            out.writeByte(m.safi());
        } else if (c instanceof Capability.FourOctetAs f) {
            out.writeInt((int) f.asn());
        } else if (c instanceof GracefulRestart g) {
            out.writeShort((g.restarting() ? 0x8000 : 0) | g.restartTimeSeconds());
            for (GracefulRestart.Family f : g.families()) {
                out.writeShort(f.afi());
                out.writeByte(f.safi());
                out.writeByte(f.forwardingPreserved() ? 0x80 : 0);
            }
        } else if (c instanceof Capability.Unknown u) {
            out.writeBytes(u.value());
        }
        // RouteRefresh, ExtendedMessage: no value
        out.setByte(lengthIndex, out.writerIndex() - lengthIndex - 1);
    }

    private static void expectLength(int code, ByteBuf v, int length) throws BgpProtocolException {
        if (v.readableBytes() != length) {
            throw malformed("capability " + code + " has length " + v.readableBytes() + ", expected " + length);
        }
    }

    private static BgpProtocolException malformed(String detail) {
        // RFC 4271 §6.2: a recognized but malformed optional parameter is "unspecific" (subcode 0)
        return new BgpProtocolException(dev.herald.bgp.message.NotificationMessage.OPEN_MESSAGE_ERROR, 0, detail);
    }
}
