package dev.herald.bfd.packet;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The diagnostic codes of RFC 5880 §4.1 (the Diag field): why the local system last left Up. Values 9-31 are
 * reserved; a received reserved value decodes as {@link #RESERVED} (its number is not kept).
 */
@ProviderType
public enum Diagnostic {
    NONE(0),
    CONTROL_DETECTION_TIME_EXPIRED(1),
    ECHO_FUNCTION_FAILED(2),
    NEIGHBOR_SIGNALED_SESSION_DOWN(3),
    FORWARDING_PLANE_RESET(4),
    PATH_DOWN(5),
    CONCATENATED_PATH_DOWN(6),
    ADMINISTRATIVELY_DOWN(7),
    REVERSE_CONCATENATED_PATH_DOWN(8),
    /** Any of the reserved values 9-31; encoded as 31. */
    RESERVED(31);

    private final int code;

    Diagnostic(int code) {
        this.code = code;
    }

    /** The value of the five-bit Diag field. */
    public int code() {
        return code;
    }

    /** The diagnostic of a five-bit Diag field; 9-31 give {@link #RESERVED}. */
    public static Diagnostic of(int code) {
        if (code < 0 || code > 31) {
            throw new IllegalArgumentException("BFD diagnostic " + code + " is not in 0-31");
        }
        return code <= 8 ? values()[code] : RESERVED;
    }
}
