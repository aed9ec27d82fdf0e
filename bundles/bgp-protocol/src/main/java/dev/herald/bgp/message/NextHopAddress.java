package dev.herald.bgp.message;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/** Next-hop fields as addresses. */
final class NextHopAddress {
    private NextHopAddress() {
    }

    /** A next hop field: 4 bytes, 16, or 32 (global then link-local: the global one); null for other lengths. */
    static InetAddress of(byte[] field) {
        try {
            if (field.length == 4 || field.length == 16) {
                return InetAddress.getByAddress(field);
            }
            if (field.length == 32) {
                return InetAddress.getByAddress(Arrays.copyOf(field, 16));
            }
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
        return null;
    }
}
