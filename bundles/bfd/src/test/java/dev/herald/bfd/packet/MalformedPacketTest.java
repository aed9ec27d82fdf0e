package dev.herald.bfd.packet;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.function.Consumer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/** Each reception check of RFC 5880 §6.8.6 the codec makes, one broken field at a time. */
class MalformedPacketTest {
    /** A valid Up packet: every check passes. */
    static ByteBuf valid() {
        ByteBuf buf = Unpooled.buffer();
        BfdPacketCodec.encode(BfdControlPacket.of(Diagnostic.NONE, BfdState.UP, false, false, 3, 0x11, 0x22, 100_000,
                100_000), buf);
        return buf;
    }

    static DiscardReason reasonOf(Consumer<ByteBuf> breakIt) {
        ByteBuf buf = valid();
        breakIt.accept(buf);
        DecodeResult r = BfdPacketCodec.decode(buf);
        assertThat(r).isInstanceOf(DecodeResult.Discarded.class);
        return ((DecodeResult.Discarded) r).reason();
    }

    @Test
    void theValidPacketPasses() {
        assertThat(BfdPacketCodec.decode(valid())).isInstanceOf(DecodeResult.Accepted.class);
    }

    @ParameterizedTest
    @EnumSource(names = {"ZERO", "TWO", "SEVEN"})
    void versionOtherThanOne(Version v) {
        assertThat(reasonOf(b -> b.setByte(0, (v.value << 5) | (b.getByte(0) & 0x1F))))
                .isEqualTo(DiscardReason.BAD_VERSION);
    }

    enum Version {
        ZERO(0), TWO(2), SEVEN(7);

        final int value;

        Version(int value) {
            this.value = value;
        }
    }

    @Test
    void lengthBelow24() {
        assertThat(reasonOf(b -> b.setByte(3, 23))).isEqualTo(DiscardReason.LENGTH_TOO_SHORT);
        assertThat(reasonOf(b -> b.setByte(3, 0))).isEqualTo(DiscardReason.LENGTH_TOO_SHORT);
    }

    @Test
    void lengthBelow26WithTheAuthenticationBit() {
        assertThat(reasonOf(b -> b.setByte(1, b.getByte(1) | 0x04))).isEqualTo(DiscardReason.LENGTH_TOO_SHORT);
    }

    @Test
    void lengthBeyondThePayload() {
        assertThat(reasonOf(b -> b.setByte(3, 25))).isEqualTo(DiscardReason.LENGTH_EXCEEDS_PAYLOAD);
        assertThat(reasonOf(b -> b.writerIndex(20))).isEqualTo(DiscardReason.LENGTH_EXCEEDS_PAYLOAD);
        assertThat(reasonOf(b -> b.writerIndex(2))).isEqualTo(DiscardReason.LENGTH_EXCEEDS_PAYLOAD);
        assertThat(reasonOf(b -> b.writerIndex(0))).isEqualTo(DiscardReason.LENGTH_EXCEEDS_PAYLOAD);
    }

    @Test
    void detectMultiplierZero() {
        assertThat(reasonOf(b -> b.setByte(2, 0))).isEqualTo(DiscardReason.ZERO_DETECT_MULT);
    }

    @Test
    void multipointBit() {
        assertThat(reasonOf(b -> b.setByte(1, b.getByte(1) | 0x01))).isEqualTo(DiscardReason.MULTIPOINT);
    }

    @Test
    void myDiscriminatorZero() {
        assertThat(reasonOf(b -> b.setInt(4, 0))).isEqualTo(DiscardReason.ZERO_MY_DISCRIMINATOR);
    }

    @ParameterizedTest
    @EnumSource(value = BfdState.class, names = {"INIT", "UP"})
    void yourDiscriminatorZeroOutsideDown(BfdState state) {
        assertThat(reasonOf(b -> {
            b.setInt(8, 0);
            b.setByte(1, (state.code() << 6) | (b.getByte(1) & 0x3F));
        })).isEqualTo(DiscardReason.ZERO_YOUR_DISCRIMINATOR_NOT_DOWN);
    }

    @ParameterizedTest
    @EnumSource(value = BfdState.class, names = {"DOWN", "ADMIN_DOWN"})
    void yourDiscriminatorZeroIsFineInDown(BfdState state) {
        ByteBuf b = valid();
        b.setInt(8, 0);
        b.setByte(1, state.code() << 6);
        assertThat(BfdPacketCodec.decode(b)).isInstanceOf(DecodeResult.Accepted.class);
    }

    @Test
    void authenticationBitWithAnAuthenticationSection() {
        // a Simple Password section (type 1, length 4+1): the A bit alone makes us discard it
        assertThat(reasonOf(b -> {
            b.setByte(1, b.getByte(1) | 0x04);
            b.writeBytes(new byte[] {1, 5, 1, 'x'});
            b.setByte(3, 28);
        })).isEqualTo(DiscardReason.AUTHENTICATION_NOT_SUPPORTED);
    }
}
