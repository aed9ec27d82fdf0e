package dev.herald.bgp.codec;

import dev.herald.bgp.message.Capability;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.EncoderException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Capabilities inside an OPEN's optional parameter of type 2 (RFC 5492): code, length, value, one
 * {@link CapabilityHandler} per known code. Unknown codes are kept as {@link Capability.Unknown}, never an error.
 */
final class CapabilityCodec {
    private static final Map<Integer, CapabilityHandler> HANDLERS = new HashMap<>();

    static {
        for (CapabilityHandler h : new CapabilityHandler[] {
            new MultiprotocolCapabilityHandler(), new RouteRefreshCapabilityHandler(),
            new ExtendedMessageCapabilityHandler(), new GracefulRestartCapabilityHandler(),
            new FourOctetAsCapabilityHandler()}) {
            HANDLERS.put(h.code(), h);
        }
    }

    private CapabilityCodec() {
    }

    /** Reads every capability in {@code in} (the value of one optional parameter). */
    static List<Capability> readAll(ByteBuf in) throws BgpProtocolException {
        List<Capability> out = new ArrayList<>();
        while (in.isReadable()) {
            if (in.readableBytes() < 2) {
                throw new BgpProtocolException(dev.herald.bgp.message.NotificationMessage.OPEN_MESSAGE_ERROR, 0,
                        "capability header truncated");
            }
            int code = in.readUnsignedByte();
            int length = in.readUnsignedByte();
            if (in.readableBytes() < length) {
                throw new BgpProtocolException(dev.herald.bgp.message.NotificationMessage.OPEN_MESSAGE_ERROR, 0,
                        "capability " + code + " claims " + length + " bytes, " + in.readableBytes() + " left");
            }
            ByteBuf value = in.readSlice(length);
            CapabilityHandler h = HANDLERS.get(code);
            if (h != null) {
                out.add(h.parse(value));
            } else {
                byte[] bytes = new byte[length];
                value.readBytes(bytes);
                out.add(new Capability.Unknown(code, bytes));
            }
        }
        return out;
    }

    static void write(ByteBuf out, Capability c) {
        out.writeByte(c.code());
        int lengthIndex = out.writerIndex();
        out.writeByte(0);
        if (c instanceof Capability.Unknown u) {
            out.writeBytes(u.value());
        } else {
            HANDLERS.get(c.code()).serialize(c, out);
        }
        int length = out.writerIndex() - lengthIndex - 1;
        if (length > 255) {
            throw new EncoderException("capability " + c.code() + " of " + length
                    + " bytes exceeds 255");
        }
        out.setByte(lengthIndex, length);
    }
}
