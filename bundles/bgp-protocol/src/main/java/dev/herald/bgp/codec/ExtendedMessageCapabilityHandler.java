package dev.herald.bgp.codec;

import dev.herald.bgp.message.Capability;
import io.netty.buffer.ByteBuf;

/** Extended messages (RFC 8654 §3): no value. */
final class ExtendedMessageCapabilityHandler implements CapabilityHandler {
    @Override
    public int code() {
        return Capability.EXTENDED_MESSAGE;
    }

    @Override
    public Capability parse(ByteBuf v) throws BgpProtocolException {
        expectLength(v, 0);
        return new Capability.ExtendedMessage();
    }

    @Override
    public void serialize(Capability capability, ByteBuf out) {
        // no value
    }
}
