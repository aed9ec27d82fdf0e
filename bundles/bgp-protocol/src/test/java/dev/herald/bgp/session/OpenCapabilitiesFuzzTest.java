package dev.herald.bgp.session;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.herald.bgp.codec.BgpMessageDecoder;
import dev.herald.bgp.codec.BgpMessageEncoder;
import dev.herald.bgp.codec.CodecContext;
import dev.herald.bgp.codec.MalformedMessage;
import dev.herald.bgp.message.Afi;
import dev.herald.bgp.message.BgpMessage;
import dev.herald.bgp.message.Capability;
import dev.herald.bgp.message.NotificationMessage;
import dev.herald.bgp.message.OpenMessage;
import dev.herald.testing.FuzzBounds;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import java.util.Set;

/**
 * Fuzzes the OPEN capability parser (RFC 5492 optional parameters and every capability Herald knows) and what the
 * session makes of the result, {@link Negotiated} (docs/robustness.md, Fuzzing).
 *
 * <p>Input: the optional parameters of an otherwise valid OPEN (at most 255 bytes are used: the field's length is
 * one byte).
 *
 * <p>Invariants: the only error is a {@link MalformedMessage} carrying an OPEN message error (RFC 4271 §6.2); each
 * input takes under a second and allocates at most {@value #BYTES_PER_INPUT_BYTE} bytes per input byte plus
 * {@value #CONSTANT_BYTES}; the parsed OPEN re-encodes to bytes that decode to an equal OPEN; negotiation never
 * fails and agrees with the capabilities (families both sides offered, 4-octet AS only when advertised, the
 * peer's AS from that capability).
 */
class OpenCapabilitiesFuzzTest {
    static final long BYTES_PER_INPUT_BYTE = 256;
    static final long CONSTANT_BYTES = 64 * 1024;
    private static final SessionConfig OURS = new SessionConfig(65000, 0x0A00_0001L, 65001, 90,
            Set.of(Afi.IPV4, Afi.IPV6), 120, false, true, false);

    static {
        decode(open(new byte[0]));
    }

    @FuzzTest(maxDuration = "10m")
    void parseCapabilities(byte[] input) throws Exception {
        byte[] params = Arrays.copyOf(input, Math.min(input.length, 255));
        byte[] message = open(params);
        Object decoded = FuzzBounds.check("parsing an OPEN", params.length, BYTES_PER_INPUT_BYTE, CONSTANT_BYTES,
                () -> decode(message));
        if (decoded instanceof MalformedMessage m) {
            if (m.notification().code() != NotificationMessage.OPEN_MESSAGE_ERROR) {
                throw new AssertionError("OPEN parameters gave " + m);
            }
            return;
        }
        if (!(decoded instanceof OpenMessage open)) {
            throw new AssertionError("an OPEN decoded as " + decoded);
        }
        ByteBuf again = Unpooled.buffer();
        BgpMessageEncoder.write(open, again, new CodecContext());
        Object back = decode(toArray(again));
        if (!open.equals(back)) {
            throw new AssertionError(open + " re-encoded decodes as " + back);
        }
        checkNegotiation(open, Negotiated.of(OURS, open));
    }

    private static void checkNegotiation(OpenMessage open, Negotiated n) {
        for (Afi afi : n.families()) {
            boolean offered = open.hasMultiprotocol() ? open.supportsFamily(afi) : afi == Afi.IPV4;
            if (!OURS.families().contains(afi) || !offered) {
                throw new AssertionError("negotiated " + afi + " that was not offered by both: " + open);
            }
        }
        boolean four = open.capabilities().stream().anyMatch(c -> c instanceof Capability.FourOctetAs);
        if (n.fourOctetAs() != four) {
            throw new AssertionError("4-octet AS negotiated " + n.fourOctetAs() + " for " + open);
        }
        long expectedAs = open.capability(Capability.FourOctetAs.class).map(Capability.FourOctetAs::asn)
                .orElse((long) open.myAs());
        if (open.asn() != expectedAs || open.asn() < 0 || open.asn() > 0xFFFF_FFFFL) {
            throw new AssertionError("peer AS " + open.asn() + " from " + open);
        }
        if (n.peerGracefulRestart() != null && (n.peerGracefulRestart().restartTimeSeconds() < 0
                || n.peerGracefulRestart().restartTimeSeconds() > 4095)) {
            throw new AssertionError("graceful restart time out of range: " + n.peerGracefulRestart());
        }
    }

    /** An OPEN from AS 65001, hold time 90, identifier 10.0.0.2, with these optional parameters. */
    static byte[] open(byte[] params) {
        ByteBuf b = Unpooled.buffer();
        for (int i = 0; i < 16; i++) {
            b.writeByte(0xFF);
        }
        b.writeShort(BgpMessage.HEADER_LENGTH + 10 + params.length);
        b.writeByte(BgpMessage.OPEN);
        b.writeByte(4);
        b.writeShort(65001);
        b.writeShort(90);
        b.writeInt(0x0A00_0002);
        b.writeByte(params.length);
        b.writeBytes(params);
        return toArray(b);
    }

    private static Object decode(byte[] message) {
        return new BgpMessageDecoder(new CodecContext()).decodeOne(Unpooled.wrappedBuffer(message));
    }

    private static byte[] toArray(ByteBuf b) {
        byte[] out = new byte[b.readableBytes()];
        b.readBytes(out);
        return out;
    }
}
