package dev.herald.bgp.codec;

import dev.herald.bgp.message.Capability;
import io.netty.buffer.ByteBuf;

/** 4-octet AS numbers (RFC 6793 §3): the speaker's AS in four octets. */
final class FourOctetAsCapabilityHandler implements CapabilityHandler {
    @Override
    public int code() {
        return Capability.FOUR_OCTET_AS;
    }

    @Override
    public Capability parse(ByteBuf v) throws BgpProtocolException {
        expectLength(v, 4);
        return new Capability.FourOctetAs(v.readUnsignedInt());
    }

    @Override
    public void serialize(Capability capability, ByteBuf out) {
        out.writeInt((int) ((Capability.FourOctetAs) capability).asn());
    }
}
