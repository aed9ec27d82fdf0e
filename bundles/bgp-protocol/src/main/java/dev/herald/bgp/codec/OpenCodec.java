package dev.herald.bgp.codec;

import static dev.herald.bgp.message.NotificationMessage.OPEN_MESSAGE_ERROR;
import static dev.herald.bgp.message.NotificationMessage.UNSUPPORTED_OPTIONAL_PARAMETER;
import static dev.herald.bgp.message.NotificationMessage.UNSUPPORTED_VERSION_NUMBER;

import dev.herald.bgp.message.Capability;
import dev.herald.bgp.message.OpenMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.EncoderException;
import java.util.ArrayList;
import java.util.List;

/**
 * OPEN bodies (RFC 4271 §4.2) with capabilities in optional parameters of type 2 (RFC 5492). Only the syntax is
 * checked here; whether the values are acceptable (hold time, AS, identifier) is the session's decision.
 */
final class OpenCodec {
    private static final int PARAM_CAPABILITIES = 2;
    /** The optional parameters length is one byte. */
    private static final int MAX_PARAMS_LENGTH = 255;

    private OpenCodec() {
    }

    static OpenMessage read(ByteBuf body) throws BgpProtocolException {
        int version = body.readUnsignedByte();
        if (version != OpenMessage.VERSION) {
            // data: the largest version we support, as 2 octets
            throw new BgpProtocolException(OPEN_MESSAGE_ERROR, UNSUPPORTED_VERSION_NUMBER, new byte[] {0, 4},
                    "BGP version " + version);
        }
        int myAs = body.readUnsignedShort();
        int holdTime = body.readUnsignedShort();
        long identifier = body.readUnsignedInt();
        int paramsLength = body.readUnsignedByte();
        if (paramsLength != body.readableBytes()) {
            // the message length and the parameters length disagree: a length error, as BIRD and FRR report it
            int messageLength = dev.herald.bgp.message.BgpMessage.HEADER_LENGTH + 10 + body.readableBytes();
            throw new BgpProtocolException(dev.herald.bgp.message.NotificationMessage.MESSAGE_HEADER_ERROR,
                    dev.herald.bgp.message.NotificationMessage.BAD_MESSAGE_LENGTH,
                    new byte[] {(byte) (messageLength >>> 8), (byte) messageLength},
                    "optional parameters length " + paramsLength + " but " + body.readableBytes() + " bytes follow");
        }
        List<Capability> capabilities = new ArrayList<>();
        while (body.isReadable()) {
            if (body.readableBytes() < 2) {
                throw new BgpProtocolException(OPEN_MESSAGE_ERROR, 0, "optional parameter header truncated");
            }
            int type = body.readUnsignedByte();
            int length = body.readUnsignedByte();
            if (length > body.readableBytes()) {
                throw new BgpProtocolException(OPEN_MESSAGE_ERROR, 0, "optional parameter of length " + length
                        + " overruns the OPEN");
            }
            ByteBuf value = body.readSlice(length);
            if (type != PARAM_CAPABILITIES) {
                throw new BgpProtocolException(OPEN_MESSAGE_ERROR, UNSUPPORTED_OPTIONAL_PARAMETER,
                        "optional parameter type " + type);
            }
            capabilities.addAll(CapabilityCodec.readAll(value));
        }
        return new OpenMessage(version, myAs, holdTime, identifier, capabilities);
    }

    static void write(ByteBuf out, OpenMessage m) {
        out.writeByte(m.version());
        out.writeShort(m.myAs());
        out.writeShort(m.holdTime());
        out.writeInt((int) m.bgpIdentifier());
        List<ByteBuf> capabilities = new ArrayList<>();
        int oneEach = 0;
        for (Capability c : m.capabilities()) {
            ByteBuf b = Unpooled.buffer();
            CapabilityCodec.write(b, c);
            capabilities.add(b);
            oneEach += 2 + b.readableBytes();
        }
        int paramsLengthIndex = out.writerIndex();
        out.writeByte(0);
        int paramLengthIndex = -1;
        for (ByteBuf c : capabilities) {
            // one capabilities parameter per capability, as most speakers send them; when those do not fit in the
            // 255 bytes of optional parameters (a received OPEN of many capabilities in one parameter, written
            // again), as many capabilities per parameter as fit (RFC 5492 §4)
            if (oneEach <= MAX_PARAMS_LENGTH || paramLengthIndex < 0
                    || out.writerIndex() - paramLengthIndex - 1 + c.readableBytes() > MAX_PARAMS_LENGTH) {
                out.writeByte(PARAM_CAPABILITIES);
                paramLengthIndex = out.writerIndex();
                out.writeByte(0);
            }
            out.writeBytes(c);
            out.setByte(paramLengthIndex, out.writerIndex() - paramLengthIndex - 1);
        }
        int paramsLength = out.writerIndex() - paramsLengthIndex - 1;
        if (paramsLength > MAX_PARAMS_LENGTH) {
            throw new EncoderException("OPEN optional parameters of " + paramsLength + " bytes exceed "
                    + MAX_PARAMS_LENGTH);
        }
        out.setByte(paramsLengthIndex, paramsLength);
    }
}
