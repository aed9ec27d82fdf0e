package dev.herald.bfd.packet;

import org.osgi.annotation.versioning.ProviderType;

/** The session states of RFC 5880 §4.1 (the Sta field) and §6.2, with their wire values. */
@ProviderType
public enum BfdState {
    ADMIN_DOWN(0),
    DOWN(1),
    INIT(2),
    UP(3);

    private static final BfdState[] BY_CODE = values();

    private final int code;

    BfdState(int code) {
        this.code = code;
    }

    /** The value of the two-bit State field. */
    public int code() {
        return code;
    }

    /** The state of a two-bit State field; every value 0-3 has one. */
    public static BfdState of(int code) {
        if (code < 0 || code > 3) {
            throw new IllegalArgumentException("BFD state " + code + " is not in 0-3");
        }
        return BY_CODE[code];
    }
}
