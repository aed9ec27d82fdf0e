package dev.herald.it.peers;

/** Tests talk only to 127.0.0.0/8 and ::1. */
final class Loopback {
    private Loopback() {
    }

    static void check(String address) {
        if (!(address.startsWith("127.") || address.equals("::1"))) {
            throw new IllegalArgumentException(address + " is not in 127.0.0.0/8 or ::1");
        }
    }
}
