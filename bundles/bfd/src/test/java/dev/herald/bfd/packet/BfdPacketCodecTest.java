package dev.herald.bfd.packet;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BfdPacketCodecTest {
    private static ByteBuf encode(BfdControlPacket p) {
        ByteBuf buf = Unpooled.buffer();
        BfdPacketCodec.encode(p, buf);
        return buf;
    }

    private static BfdControlPacket decodeOk(ByteBuf buf) {
        DecodeResult r = BfdPacketCodec.decode(buf);
        assertThat(r).isInstanceOf(DecodeResult.Accepted.class);
        return ((DecodeResult.Accepted) r).packet();
    }

    @Test
    void roundTripsEveryStateDiagnosticAndFlag() {
        for (BfdState state : BfdState.values()) {
            for (Diagnostic diag : Diagnostic.values()) {
                for (int flags = 0; flags < 8; flags++) {
                    boolean poll = (flags & 1) != 0;
                    boolean fin = (flags & 2) != 0;
                    boolean cpi = (flags & 4) != 0;
                    long your = state == BfdState.UP || state == BfdState.INIT ? 0xFFFF_FFFFL : 0;
                    BfdControlPacket p = new BfdControlPacket(1, diag, state, poll, fin, cpi, false, flags == 7,
                            false, 255, 0x8000_0001L, your, 0xFFFF_FFFFL, 300_000, 50_000);
                    ByteBuf buf = encode(p);
                    assertThat(buf.readableBytes()).isEqualTo(24);
                    assertThat(decodeOk(buf)).isEqualTo(p);
                    assertThat(buf.readerIndex()).isZero();
                }
            }
        }
    }

    @Test
    void encodesTheWireLayoutOfRfc5880() {
        BfdControlPacket p = BfdControlPacket.of(Diagnostic.NEIGHBOR_SIGNALED_SESSION_DOWN, BfdState.UP, true, false,
                3, 0x01020304L, 0x0A0B0C0DL, 100_000, 200_000);
        // 001 00011 | 11 1 0 0 0 0 0 | 3 | 24 | discriminators | 100000 | 200000 | 0
        assertThat(HexFormat.of().formatHex(ByteBufHexes.bytes(encode(p))))
                .isEqualTo("23e00318" + "01020304" + "0a0b0c0d" + "000186a0" + "00030d40" + "00000000");
    }

    @Test
    void decodesAnInitPacketFieldByField() {
        // Init, diag 0, detect mult 5, desired TX 1 s (not Up yet), required RX 100 ms, written out by hand
        ByteBuf buf = Unpooled.wrappedBuffer(HexFormat.of().parseHex(
                "20800518" + "5a0b1c2d" + "00000007" + "000f4240" + "000186a0" + "00000000"));
        BfdControlPacket p = decodeOk(buf);
        assertThat(p.state()).isEqualTo(BfdState.INIT);
        assertThat(p.detectMult()).isEqualTo(5);
        assertThat(p.myDiscriminator()).isEqualTo(0x5a0b1c2dL);
        assertThat(p.yourDiscriminator()).isEqualTo(7);
        assertThat(p.desiredMinTxMicros()).isEqualTo(1_000_000);
        assertThat(p.requiredMinRxMicros()).isEqualTo(100_000);
    }

    @Test
    void reservedDiagnosticsDecodeAsReserved() {
        ByteBuf buf = encode(BfdControlPacket.of(Diagnostic.NONE, BfdState.DOWN, false, false, 3, 1, 0, 1, 1));
        buf.setByte(0, (1 << 5) | 17);
        assertThat(decodeOk(buf).diagnostic()).isEqualTo(Diagnostic.RESERVED);
    }

    @Test
    void extraBytesAfterLengthAreIgnored() {
        BfdControlPacket p = BfdControlPacket.of(Diagnostic.NONE, BfdState.DOWN, false, false, 3, 9, 0, 1, 1);
        ByteBuf buf = encode(p);
        buf.writeZero(8);
        assertThat(decodeOk(buf)).isEqualTo(p);
    }

    @Test
    void randomBytesNeverThrow() {
        Random random = new Random(5880);
        for (int i = 0; i < 20_000; i++) {
            byte[] b = new byte[random.nextInt(40)];
            random.nextBytes(b);
            if (b.length > 0 && random.nextBoolean()) {
                b[0] = (byte) ((b[0] & 0x1F) | 0x20); // version 1 half the time, to reach the later checks
            }
            assertThat(BfdPacketCodec.decode(Unpooled.wrappedBuffer(b))).isNotNull();
        }
    }
}
