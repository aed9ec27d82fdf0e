package dev.herald.bfd.packet;

import io.netty.buffer.ByteBuf;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Encodes and decodes BFD Control packets (RFC 5880 §4.1). Byte 0 holds Version (3 bits) and Diag (5 bits); byte 1
 * State (2 bits) and the P, F, C, A, D, M bits; then Detect Mult, Length, and five 32-bit fields.
 */
@ProviderType
public final class BfdPacketCodec {
    private static final int POLL = 0x20;
    private static final int FINAL = 0x10;
    private static final int CPI = 0x08;
    private static final int AUTH = 0x04;
    private static final int DEMAND = 0x02;
    private static final int MULTIPOINT = 0x01;
    /** The smallest packet with an authentication section: its Auth Type and Auth Len bytes. */
    private static final int MIN_AUTH_LENGTH = 26;

    private BfdPacketCodec() {
    }

    /** Writes the packet (24 bytes, no authentication section) at the writer index of {@code out}. */
    public static void encode(BfdControlPacket p, ByteBuf out) {
        out.writeByte((p.version() << 5) | p.diagnostic().code());
        int flags = p.state().code() << 6;
        flags |= p.poll() ? POLL : 0;
        flags |= p.fin() ? FINAL : 0;
        flags |= p.controlPlaneIndependent() ? CPI : 0;
        flags |= p.authenticationPresent() ? AUTH : 0;
        flags |= p.demand() ? DEMAND : 0;
        flags |= p.multipoint() ? MULTIPOINT : 0;
        out.writeByte(flags);
        out.writeByte(p.detectMult());
        out.writeByte(BfdControlPacket.MANDATORY_LENGTH);
        out.writeInt((int) p.myDiscriminator());
        out.writeInt((int) p.yourDiscriminator());
        out.writeInt((int) p.desiredMinTxMicros());
        out.writeInt((int) p.requiredMinRxMicros());
        out.writeInt((int) p.requiredMinEchoRxMicros());
    }

    /**
     * Decodes the datagram payload between reader and writer index of {@code in}, which is left unchanged. Applies
     * the reception checks of RFC 5880 §6.8.6 that need no session, in the RFC's order; the first that fails names
     * the discard. Never throws for any input.
     */
    public static DecodeResult decode(ByteBuf in) {
        int base = in.readerIndex();
        int payload = in.readableBytes();
        if (payload < 4) {
            // not even Version and Length to check: whatever Length would say, it exceeds this payload
            return payload >= 1 && (in.getUnsignedByte(base) >>> 5) != BfdControlPacket.VERSION
                    ? discard(DiscardReason.BAD_VERSION) : discard(DiscardReason.LENGTH_EXCEEDS_PAYLOAD);
        }
        int b0 = in.getUnsignedByte(base);
        int b1 = in.getUnsignedByte(base + 1);
        int detectMult = in.getUnsignedByte(base + 2);
        int length = in.getUnsignedByte(base + 3);
        int version = b0 >>> 5;
        boolean auth = (b1 & AUTH) != 0;
        if (version != BfdControlPacket.VERSION) {
            return discard(DiscardReason.BAD_VERSION);
        }
        if (length < (auth ? MIN_AUTH_LENGTH : BfdControlPacket.MANDATORY_LENGTH)) {
            return discard(DiscardReason.LENGTH_TOO_SHORT);
        }
        if (length > payload) {
            return discard(DiscardReason.LENGTH_EXCEEDS_PAYLOAD);
        }
        if (detectMult == 0) {
            return discard(DiscardReason.ZERO_DETECT_MULT);
        }
        if ((b1 & MULTIPOINT) != 0) {
            return discard(DiscardReason.MULTIPOINT);
        }
        long myDiscriminator = in.getUnsignedInt(base + 4);
        if (myDiscriminator == 0) {
            return discard(DiscardReason.ZERO_MY_DISCRIMINATOR);
        }
        long yourDiscriminator = in.getUnsignedInt(base + 8);
        BfdState state = BfdState.of(b1 >>> 6);
        if (yourDiscriminator == 0 && state != BfdState.DOWN && state != BfdState.ADMIN_DOWN) {
            return discard(DiscardReason.ZERO_YOUR_DISCRIMINATOR_NOT_DOWN);
        }
        // (the unknown-discriminator check is the session table's)
        if (auth) {
            return discard(DiscardReason.AUTHENTICATION_NOT_SUPPORTED);
        }
        return new DecodeResult.Accepted(new BfdControlPacket(version, Diagnostic.of(b0 & 0x1F), state,
                (b1 & POLL) != 0, (b1 & FINAL) != 0, (b1 & CPI) != 0, false, (b1 & DEMAND) != 0, false, detectMult,
                myDiscriminator, yourDiscriminator, in.getUnsignedInt(base + 12), in.getUnsignedInt(base + 16),
                in.getUnsignedInt(base + 20)));
    }

    private static DecodeResult discard(DiscardReason reason) {
        return new DecodeResult.Discarded(reason);
    }
}
