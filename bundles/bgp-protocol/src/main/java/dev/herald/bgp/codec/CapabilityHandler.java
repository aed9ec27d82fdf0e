package dev.herald.bgp.codec;

import dev.herald.bgp.message.Capability;
import io.netty.buffer.ByteBuf;

/** Parser and serializer of one capability code (RFC 5492); {@link #parse} gets a buffer bounded to the value. */
interface CapabilityHandler {
    int code();

    Capability parse(ByteBuf value) throws BgpProtocolException;

    void serialize(Capability capability, ByteBuf out);

    /** RFC 4271 §6.2: a recognized but malformed optional parameter is "unspecific" (subcode 0). */
    default BgpProtocolException malformed(String detail) {
        return new BgpProtocolException(dev.herald.bgp.message.NotificationMessage.OPEN_MESSAGE_ERROR, 0, detail);
    }

    default void expectLength(ByteBuf value, int length) throws BgpProtocolException {
        if (value.readableBytes() != length) {
            throw malformed("capability " + code() + " has length " + value.readableBytes() + ", expected " + length);
        }
    }
}
