package dev.herald.it.peers;

/**
 * The only addresses tests may talk to: 127.0.0.0/8 and ::1, and the documentation addresses of the veth pair that
 * joins a {@link NetNamespace} to the root namespace.
 */
final class Loopback {
    private Loopback() {
    }

    static void check(String address) {
        if (!(address.startsWith("127.") || address.equals("::1"))) {
            throw new IllegalArgumentException(address + " is not in 127.0.0.0/8 or ::1");
        }
    }

    /**
     * Addresses a {@link NetNamespace}'s veth pair may have: the RFC 5737 documentation networks 192.0.2.0/24,
     * 198.51.100.0/24 and 203.0.113.0/24, and 2001:db8::/64 (RFC 3849). They exist only on that pair, and only
     * while the namespace does; nothing else in a test may use them.
     */
    static void checkNamespaceLink(String address) {
        boolean v4 = address.matches("(192\\.0\\.2|198\\.51\\.100|203\\.0\\.113)\\.\\d{1,3}");
        // 2001:db8::/64 written the short way: 2001:db8:: followed by at most the 64-bit interface identifier
        boolean v6 = address.matches("(?i)2001:db8::([0-9a-f]{1,4}(:[0-9a-f]{1,4}){0,3})?");
        if (!(v4 || v6)) {
            throw new IllegalArgumentException(address
                    + " is not in 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24 or 2001:db8::/64");
        }
    }
}
