package dev.herald.bfd.packet;

import java.util.Objects;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A BFD Control packet without authentication section (RFC 5880 §4.1). Intervals are in microseconds, as on the
 * wire; discriminators and intervals are unsigned 32-bit values held in {@code long}s.
 *
 * @param version the protocol version, 1 for RFC 5880
 * @param diagnostic the Diag field
 * @param state the Sta field
 * @param poll the P bit: the sender asks for verification of a parameter change
 * @param fin the F bit: the answer to a Poll
 * @param controlPlaneIndependent the C bit
 * @param authenticationPresent the A bit (always false in packets this kit sends)
 * @param demand the D bit
 * @param multipoint the M bit (must be zero)
 * @param detectMult Detect Mult, 1-255
 * @param myDiscriminator My Discriminator
 * @param yourDiscriminator Your Discriminator, 0 while the sender does not know it
 * @param desiredMinTxMicros Desired Min TX Interval
 * @param requiredMinRxMicros Required Min RX Interval
 * @param requiredMinEchoRxMicros Required Min Echo RX Interval
 */
@ProviderType
public record BfdControlPacket(int version, Diagnostic diagnostic, BfdState state, boolean poll, boolean fin,
                               boolean controlPlaneIndependent, boolean authenticationPresent, boolean demand,
                               boolean multipoint, int detectMult, long myDiscriminator, long yourDiscriminator,
                               long desiredMinTxMicros, long requiredMinRxMicros, long requiredMinEchoRxMicros) {
    /** The length of a packet without authentication section. */
    public static final int MANDATORY_LENGTH = 24;
    /** The version of RFC 5880. */
    public static final int VERSION = 1;

    public BfdControlPacket {
        Objects.requireNonNull(diagnostic, "diagnostic");
        Objects.requireNonNull(state, "state");
        checkRange("version", version, 0, 7);
        checkRange("detectMult", detectMult, 0, 255);
        checkUnsigned32("myDiscriminator", myDiscriminator);
        checkUnsigned32("yourDiscriminator", yourDiscriminator);
        checkUnsigned32("desiredMinTxMicros", desiredMinTxMicros);
        checkUnsigned32("requiredMinRxMicros", requiredMinRxMicros);
        checkUnsigned32("requiredMinEchoRxMicros", requiredMinEchoRxMicros);
    }

    /**
     * A version 1 packet as this kit sends it: no authentication, no demand, no multipoint, C bit clear, Required
     * Min Echo RX zero (no Echo function).
     */
    public static BfdControlPacket of(Diagnostic diagnostic, BfdState state, boolean poll, boolean fin,
                                      int detectMult, long myDiscriminator, long yourDiscriminator,
                                      long desiredMinTxMicros, long requiredMinRxMicros) {
        return new BfdControlPacket(VERSION, diagnostic, state, poll, fin, false, false, false, false, detectMult,
                myDiscriminator, yourDiscriminator, desiredMinTxMicros, requiredMinRxMicros, 0);
    }

    private static void checkRange(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " " + value + " is not in " + min + "-" + max);
        }
    }

    private static void checkUnsigned32(String name, long value) {
        if (value < 0 || value > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException(name + " " + value + " is not an unsigned 32-bit value");
        }
    }
}
