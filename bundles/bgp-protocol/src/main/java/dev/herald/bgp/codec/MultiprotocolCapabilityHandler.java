package dev.herald.bgp.codec;

import dev.herald.bgp.message.Capability;
import io.netty.buffer.ByteBuf;

/** Multiprotocol extensions (RFC 4760 §8): AFI (2), reserved (1), SAFI (1). */
final class MultiprotocolCapabilityHandler implements CapabilityHandler {
    @Override
    public int code() {
        return Capability.MULTIPROTOCOL;
    }

    @Override
    public Capability parse(ByteBuf v) throws BgpProtocolException {
        expectLength(v, 4);
        int afi = v.readUnsignedShort();
        v.skipBytes(1); // reserved
        return new Capability.Multiprotocol(afi, v.readUnsignedByte());
    }

    @Override
    public void serialize(Capability capability, ByteBuf out) {
        Capability.Multiprotocol m = (Capability.Multiprotocol) capability;
        out.writeShort(m.afi());
        out.writeByte(0);
        out.writeByte(m.safi());
    }
}
