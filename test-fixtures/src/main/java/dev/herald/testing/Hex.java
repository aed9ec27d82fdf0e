package dev.herald.testing;

import java.util.HexFormat;

/** Bytes written as hex in tests: wire messages spelled out by hand, read back for assertions. */
public final class Hex {
    private Hex() {
    }

    /** Bytes from hex text; white space and underscores (to group fields) are ignored. */
    public static byte[] bytes(String text) {
        return HexFormat.of().parseHex(text.replaceAll("[\\s_]", ""));
    }

    /** Lower-case hex of these bytes, without separators. */
    public static String text(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
