package dev.herald.bfd.session;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.herald.bfd.packet.BfdControlPacket;
import dev.herald.bfd.packet.BfdPacketCodec;
import dev.herald.bfd.packet.BfdState;
import dev.herald.bfd.packet.DecodeResult;
import dev.herald.bfd.packet.Diagnostic;
import dev.herald.testing.FuzzBounds;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Fuzzes the BFD packet decoder and what a session makes of the packets it accepts (docs/robustness.md, Fuzzing).
 *
 * <p>Input: the whole input is first one datagram for {@link BfdPacketCodec#decode}; then it is read as records of
 * 25 bytes, each a pause (byte 0, in milliseconds) and a datagram of 24 bytes, played into one session on a fake
 * clock.
 *
 * <p>Invariants: decoding never throws and leaves the buffer's reader index alone; an accepted packet re-encodes to
 * bytes that decode to an equal packet, and to its own 24 bytes (the Length byte written as 24, a reserved
 * diagnostic as 31); the session never throws, everything it sends passes the
 * reception checks of a peer, it is Up only with a peer discriminator, and its transmit and detection times are
 * never negative; each input takes under a second and allocates at most {@value #BYTES_PER_INPUT_BYTE} bytes per
 * input byte plus {@value #CONSTANT_BYTES}.
 */
class BfdReceptionFuzzTest {
    static final long BYTES_PER_INPUT_BYTE = 4096;
    static final long CONSTANT_BYTES = 64 * 1024;
    private static final int RECORD = 1 + BfdControlPacket.MANDATORY_LENGTH;
    private static final BfdParameters FAST = BfdParameters.singleHop(Duration.ofMillis(50), Duration.ofMillis(50),
            3);

    static {
        playSession(new byte[0]);
    }

    @FuzzTest(maxDuration = "10m")
    void receivePackets(byte[] input) throws Exception {
        FuzzBounds.check("decoding a datagram", input.length, BYTES_PER_INPUT_BYTE, CONSTANT_BYTES, () -> {
            checkDecode(input);
            return null;
        });
        FuzzBounds.check("playing packets into a session", input.length, BYTES_PER_INPUT_BYTE, CONSTANT_BYTES,
                () -> playSession(input));
    }

    private static void checkDecode(byte[] datagram) {
        ByteBuf in = Unpooled.wrappedBuffer(datagram);
        DecodeResult r = BfdPacketCodec.decode(in);
        if (in.readerIndex() != 0) {
            throw new AssertionError("decode moved the reader index to " + in.readerIndex());
        }
        if (r instanceof DecodeResult.Accepted a) {
            byte[] again = encode(a.packet());
            if (!(BfdPacketCodec.decode(Unpooled.wrappedBuffer(again)) instanceof DecodeResult.Accepted back)
                    || !back.packet().equals(a.packet())) {
                throw new AssertionError(a.packet() + " re-encoded does not decode to itself");
            }
            byte[] expected = Arrays.copyOf(datagram, BfdControlPacket.MANDATORY_LENGTH);
            expected[3] = BfdControlPacket.MANDATORY_LENGTH;
            if (a.packet().diagnostic() == Diagnostic.RESERVED) {
                expected[0] |= 0x1F; // reserved diagnostics 9-31 decode as one value, written as 31
            }
            if (!Arrays.equals(again, expected)) {
                throw new AssertionError(a.packet() + " re-encodes to " + Arrays.toString(again) + ", not "
                        + Arrays.toString(expected));
            }
        } else if (!(r instanceof DecodeResult.Discarded d) || d.reason() == null) {
            throw new AssertionError("decode gave " + r);
        }
    }

    /** Plays the records into a fresh session; returns how many packets it sent. */
    static Integer playSession(byte[] input) {
        FakeScheduler clock = new FakeScheduler(5_000_000);
        List<BfdControlPacket> sent = new ArrayList<>();
        BfdStateMachine m = new BfdStateMachine(7, FAST, clock, sent::add, change -> { }, new SplittableRandom(1));
        m.start();
        for (int at = 0; at + RECORD <= input.length; at += RECORD) {
            clock.advanceMillis(input[at] & 0xFF);
            DecodeResult r = BfdPacketCodec.decode(Unpooled.wrappedBuffer(input, at + 1, RECORD - 1));
            if (r instanceof DecodeResult.Accepted a) {
                m.receive(a.packet());
            }
            checkSession(m, sent);
        }
        clock.advanceMillis(1_000);
        checkSession(m, sent);
        return sent.size();
    }

    private static void checkSession(BfdStateMachine m, List<BfdControlPacket> sent) {
        if (m.state() == BfdState.UP && m.remoteDiscriminator() == 0) {
            throw new AssertionError("Up without the peer's discriminator");
        }
        if (m.transmitIntervalNanos() < 0 || m.detectionTimeNanos() < 0) {
            throw new AssertionError("negative times: transmit " + m.transmitIntervalNanos() + ", detection "
                    + m.detectionTimeNanos());
        }
        for (BfdControlPacket p : sent) {
            if (!(BfdPacketCodec.decode(Unpooled.wrappedBuffer(encode(p))) instanceof DecodeResult.Accepted)) {
                throw new AssertionError("the session sent " + p + ", which a peer discards");
            }
        }
        sent.clear();
    }

    private static byte[] encode(BfdControlPacket p) {
        ByteBuf out = Unpooled.buffer(BfdControlPacket.MANDATORY_LENGTH);
        BfdPacketCodec.encode(p, out);
        byte[] bytes = new byte[out.readableBytes()];
        out.readBytes(bytes);
        return bytes;
    }
}
