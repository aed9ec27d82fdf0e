package dev.herald.bgp.codec;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.herald.bgp.message.BgpMessage;
import dev.herald.bgp.message.NotificationMessage;
import dev.herald.bgp.message.UpdateMessage;
import dev.herald.testing.FuzzBounds;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Fuzzes {@link BgpMessageDecoder} with every message type, under each combination of the negotiated options that
 * change the wire format (docs/robustness.md, Fuzzing).
 *
 * <p>Input: byte 0 chooses the options (bit 0: 4-octet AS, bit 1: extended messages), byte 1 where the stream is
 * cut in two reads (so messages also arrive split across reads, as from a socket), the rest is the byte stream.
 *
 * <p>Invariants: the decoder throws nothing, bad input gives one {@link MalformedMessage} with a header, OPEN or
 * UPDATE error and nothing after it; each input takes under a second and allocates at most
 * {@value #BYTES_PER_INPUT_BYTE} bytes per input byte plus {@value #CONSTANT_BYTES}; every decoded message
 * re-encodes, with the project's encoder, to bytes that decode to an equal message.
 */
class BgpMessageDecoderFuzzTest {
    /**
     * The worst case is an UPDATE of one-byte prefixes (length 0): each becomes a {@code Prefix} (about 40 bytes)
     * plus its scratch array, list slots and the copy the message keeps, about 120 bytes per input byte.
     */
    static final long BYTES_PER_INPUT_BYTE = 256;
    /** The decoder, the read buffers and the error texts of one input. */
    static final long CONSTANT_BYTES = 64 * 1024;

    static {
        // load and initialise the codec's classes outside the measured calls
        decodeStream(new CodecContext(), Unpooled.wrappedBuffer(new byte[] {
            -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 0, 19, 4}), 0);
    }

    @FuzzTest(maxDuration = "10m")
    void decode(byte[] input) throws Exception {
        if (input.length < 2) {
            return;
        }
        CodecContext ctx = context(input[0]);
        int split = (input[1] & 0xFF) * (input.length - 2) / 255;
        List<Object> out = FuzzBounds.check("decoding", input.length, BYTES_PER_INPUT_BYTE, CONSTANT_BYTES,
                () -> decodeStream(ctx, Unpooled.wrappedBuffer(input, 2, input.length - 2), split));
        checkMessages(ctx, out);
    }

    static CodecContext context(byte options) {
        CodecContext ctx = new CodecContext();
        ctx.fourOctetAs((options & 1) != 0);
        ctx.extendedMessages((options & 2) != 0);
        return ctx;
    }

    /** Feeds the stream to one decoder in two reads, cut at {@code split}, as the channel pipeline would. */
    static List<Object> decodeStream(CodecContext ctx, ByteBuf stream, int split) {
        BgpMessageDecoder decoder = new BgpMessageDecoder(ctx);
        List<Object> out = new ArrayList<>();
        ByteBuf cumulation = Unpooled.buffer(stream.readableBytes());
        cumulation.writeBytes(stream, split);
        decoder.decode(null, cumulation, out);
        cumulation.writeBytes(stream);
        decoder.decode(null, cumulation, out);
        return out;
    }

    /** Checks what the decoder emitted: errors are the declared kind and last; messages survive a round trip. */
    static void checkMessages(CodecContext ctx, List<Object> out) {
        for (int i = 0; i < out.size(); i++) {
            Object o = out.get(i);
            if (o instanceof MalformedMessage m) {
                int code = m.notification().code();
                if (code != NotificationMessage.MESSAGE_HEADER_ERROR && code != NotificationMessage.OPEN_MESSAGE_ERROR
                        && code != NotificationMessage.UPDATE_MESSAGE_ERROR) {
                    throw new AssertionError("decoder error with NOTIFICATION code " + code + ": " + m);
                }
                if (i != out.size() - 1) {
                    throw new AssertionError("the decoder went on after " + m);
                }
            } else if (o instanceof BgpMessage message) {
                roundTrip(ctx, message);
            } else {
                throw new AssertionError("decoder emitted " + o);
            }
        }
    }

    /** Encodes {@code message} and decodes the bytes again: the same message must come back. */
    static void roundTrip(CodecContext ctx, BgpMessage message) {
        ByteBuf encoded = Unpooled.buffer();
        BgpMessageEncoder.write(message, encoded, ctx);
        byte[] bytes = new byte[encoded.readableBytes()];
        encoded.readBytes(bytes);
        List<Object> again = new ArrayList<>();
        new BgpMessageDecoder(ctx).decode(null, Unpooled.wrappedBuffer(bytes), again);
        if (again.size() != 1 || !(again.get(0) instanceof BgpMessage back)) {
            throw new AssertionError("re-encoded " + message + " as " + hex(bytes) + ", which decodes to " + again);
        }
        if (!same(message, back)) {
            throw new AssertionError("re-encoded " + message + " as " + hex(bytes) + ", which decodes to " + back);
        }
    }

    /**
     * Equal messages. An UPDATE the decoder marked treat-as-withdraw (RFC 7606) lost its malformed attribute, so the
     * re-encoded one need not be marked: there, the prefixes and the attributes kept must match.
     */
    private static boolean same(BgpMessage a, BgpMessage b) {
        if (a instanceof UpdateMessage u && u.treatAsWithdraw().isPresent() && b instanceof UpdateMessage v) {
            return u.withdrawn().equals(v.withdrawn()) && u.attributes().equals(v.attributes())
                    && u.nlri().equals(v.nlri());
        }
        return a.equals(b);
    }

    private static String hex(byte[] bytes) {
        return bytes.length > 256 ? java.util.HexFormat.of().formatHex(Arrays.copyOf(bytes, 256)) + "..."
                : java.util.HexFormat.of().formatHex(bytes);
    }
}
