package dev.herald.bgp.codec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.bgp.message.BgpMessage;
import dev.herald.bgp.message.NotificationMessage;
import dev.herald.bgp.message.UpdateMessage;
import dev.herald.testing.Hex;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;

/** Builds raw BGP bytes from hex and runs them through the codec on an {@link EmbeddedChannel}. */
final class Wire {
    static final String MARKER = "ff".repeat(16);

    private Wire() {
    }

    /** Bytes from hex text; white space and underscores are ignored. */
    static byte[] hex(String text) {
        return Hex.bytes(text);
    }

    static String hex(byte[] bytes) {
        return Hex.text(bytes);
    }

    /** A message header as hex: marker, the given length (not checked), type. */
    static String header(int type, int length) {
        return MARKER + String.format("%04x%02x", length, type);
    }

    /** A whole message with a correct length field. */
    static byte[] message(int type, String bodyHex) {
        byte[] body = hex(bodyHex);
        return hex(header(type, BgpMessage.HEADER_LENGTH + body.length) + hex(body));
    }

    /** One path attribute as hex; with the Extended Length flag the length takes two bytes. */
    static String attr(int flags, int type, String valueHex) {
        int length = hex(valueHex).length;
        String lengthHex = (flags & 0x10) != 0 ? String.format("%04x", length) : String.format("%02x", length);
        return String.format("%02x%02x", flags, type) + lengthHex + valueHex.replaceAll("[\\s_]", "");
    }

    /** An UPDATE message with correct withdrawn-routes and total-attribute lengths. */
    static byte[] update(String withdrawnHex, String attributesHex, String nlriHex) {
        int withdrawn = hex(withdrawnHex).length;
        int attributes = hex(attributesHex).length;
        return message(BgpMessage.UPDATE, String.format("%04x", withdrawn) + withdrawnHex
                + String.format("%04x", attributes) + attributesHex + nlriHex);
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    static EmbeddedChannel channel(CodecContext ctx) {
        return new EmbeddedChannel(new BgpMessageDecoder(ctx), new BgpMessageEncoder(ctx));
    }

    /** Everything the decoder emits for these chunks, written one after the other to one channel. */
    static List<Object> decodeAll(CodecContext ctx, byte[]... chunks) {
        EmbeddedChannel ch = channel(ctx);
        try {
            List<Object> out = new ArrayList<>();
            for (byte[] chunk : chunks) {
                ch.writeInbound(Unpooled.wrappedBuffer(chunk));
                drainInbound(ch, out);
            }
            return out;
        } finally {
            ch.finishAndReleaseAll();
        }
    }

    static void drainInbound(EmbeddedChannel ch, List<Object> out) {
        for (Object o = ch.readInbound(); o != null; o = ch.readInbound()) {
            out.add(o);
        }
    }

    /** The single thing the decoder emits for these bytes. */
    static Object decode(CodecContext ctx, byte[] bytes) {
        List<Object> out = decodeAll(ctx, bytes);
        assertThat(out).as("decoder output").hasSize(1);
        return out.get(0);
    }

    static Object decode(byte[] bytes) {
        return decode(new CodecContext(), bytes);
    }

    /** The NOTIFICATION of the {@link MalformedMessage} the decoder emits for these bytes. */
    static NotificationMessage malformed(CodecContext ctx, byte[] bytes) {
        Object decoded = decode(ctx, bytes);
        assertThat(decoded).as("decoder output").isInstanceOf(MalformedMessage.class);
        return ((MalformedMessage) decoded).notification();
    }

    static NotificationMessage malformed(byte[] bytes) {
        return malformed(new CodecContext(), bytes);
    }

    /** The UPDATE the decoder emits for these bytes. */
    static UpdateMessage updateOf(CodecContext ctx, byte[] bytes) {
        Object decoded = decode(ctx, bytes);
        assertThat(decoded).as("decoder output").isInstanceOf(UpdateMessage.class);
        return (UpdateMessage) decoded;
    }

    static UpdateMessage updateOf(byte[] bytes) {
        return updateOf(new CodecContext(), bytes);
    }

    /** The bytes the encoder writes for {@code message}. */
    static byte[] encode(CodecContext ctx, BgpMessage message) {
        EmbeddedChannel ch = channel(ctx);
        try {
            assertThat(ch.writeOutbound(message)).isTrue();
            ByteBuf buf = ch.readOutbound();
            try {
                byte[] bytes = new byte[buf.readableBytes()];
                buf.readBytes(bytes);
                return bytes;
            } finally {
                buf.release();
            }
        } finally {
            ch.finishAndReleaseAll();
        }
    }

    static NotificationMessage notification(int code, int subcode, String dataHex) {
        return new NotificationMessage(code, subcode, hex(dataHex));
    }
}
