package dev.herald.api;

import inet.ipaddr.AddressStringException;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import inet.ipaddr.ipv4.IPv4Address;

/**
 * Parsing of IP addresses and prefixes through the ipaddress library, with errors that name the field.
 * Stateless and thread-safe.
 */
public final class Addresses {
    private Addresses() {
    }

    /** Parses a single IPv4 or IPv6 address (no prefix length). */
    public static IPAddress address(String text, String what) {
        IPAddress a = parse(text, what);
        if (a.isPrefixed() || a.isMultiple()) {
            throw new IllegalArgumentException(what + " '" + text + "' must be a single IP address, not a prefix");
        }
        return a;
    }

    /** Parses a dotted IPv4 address, as router IDs are written. */
    public static IPv4Address ipv4(String text, String what) {
        IPAddress a = address(text, what);
        if (!a.isIPv4()) {
            throw new IllegalArgumentException(what + " '" + text + "' must be an IPv4 address");
        }
        return a.toIPv4();
    }

    /**
     * Parses a prefix in CIDR form; an address without a length is a host route (/32 or /128). Host bits must be
     * zero: {@code 10.0.0.1/24} is refused rather than silently widened.
     */
    public static IPAddress prefix(String text, String what) {
        IPAddress a = parse(text, what);
        return prefix(a, what);
    }

    /** Normalises an address or prefix block to a prefix: an address without a length becomes a host route. */
    public static IPAddress prefix(IPAddress a, String what) {
        if (!a.isPrefixed()) {
            if (a.isMultiple()) {
                throw new IllegalArgumentException(what + " '" + a + "' is a range, not a prefix");
            }
            return a.setPrefixLength(a.getBitCount(), false);
        }
        if (!a.isPrefixBlock()) {
            throw new IllegalArgumentException(what + " '" + a + "' has host bits set; did you mean "
                    + a.toPrefixBlock() + "?");
        }
        return a;
    }

    private static IPAddress parse(String text, String what) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException(what + " is empty");
        }
        try {
            return new IPAddressString(text.trim()).toAddress();
        } catch (AddressStringException e) {
            throw new IllegalArgumentException(what + " '" + text + "' is not an IP address: " + e.getMessage(), e);
        }
    }
}
