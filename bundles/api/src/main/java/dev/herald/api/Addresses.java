package dev.herald.api;

import inet.ipaddr.AddressStringException;
import inet.ipaddr.AddressValueException;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import inet.ipaddr.IPAddressStringParameters;
import inet.ipaddr.IncompatibleAddressException;
import inet.ipaddr.ipv6.IPv6Address;
import inet.ipaddr.ipv4.IPv4Address;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Parsing of IP addresses and prefixes through the ipaddress library, with errors that name the field.
 * Stateless and thread-safe.
 */
@ProviderType
public final class Addresses {
    /**
     * IPv4 text read as Kubernetes reads it: four decimal parts, leading zeros allowed and decimal
     * ({@code 010.001.002.003} is 10.1.2.3, as the API server's validation and kube-proxy take it). The library's
     * default also takes inet_aton's forms, in which a leading zero means octal and fewer parts or one big number
     * are allowed: {@code 010.1.2.3} was 8.1.2.3 and {@code 10.1.2} was 10.1.0.2, another address than the one the
     * cluster uses (docs/development.md, pitfall 31).
     */
    private static final IPAddressStringParameters KUBERNETES_IPV4;

    static {
        IPAddressStringParameters.Builder b = new IPAddressStringParameters.Builder();
        b.getIPv4AddressParametersBuilder().allow_inet_aton(false).allowBinary(false).allowLeadingZeros(true)
                .allowUnlimitedLeadingZeros(true);
        b.getIPv6AddressParametersBuilder().allowBinary(false).getEmbeddedIPv4AddressParametersBuilder()
                .allow_inet_aton(false).allowBinary(false);
        KUBERNETES_IPV4 = b.toParams();
    }

    private Addresses() {
    }

    /** Parses a single IPv4 or IPv6 address (no prefix length). */
    public static IPAddress address(String text, String what) {
        IPAddress a = parse(text, what);
        if (a.isPrefixed() || a.isMultiple()) {
            throw new IllegalArgumentException(what + " '" + text + "' must be a single IP address, not a prefix");
        }
        return detached(a);
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
        return detached(prefix(a, what));
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

    /**
     * The same address, prefix length and all, without what the library keeps with an address it parsed: the
     * string, its parse data and caches, about 500 bytes per address. Herald holds one address per Service IP and
     * per route, and at 110,000 routes those bytes alone would fill a quarter of a 256 MiB container
     * (docs/performance.md). IPv6 addresses with a zone keep it and stay as parsed.
     */
    private static IPAddress detached(IPAddress a) {
        if (a.isIPv4()) {
            return new IPv4Address(a.getBytes(), a.getNetworkPrefixLength());
        }
        IPv6Address v6 = a.toIPv6();
        return v6.hasZone() ? a : new IPv6Address(a.getBytes(), a.getNetworkPrefixLength());
    }

    private static IPAddress parse(String text, String what) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException(what + " is empty");
        }
        IPAddress a;
        try {
            a = new IPAddressString(text.trim(), KUBERNETES_IPV4).toAddress();
        } catch (AddressStringException | IncompatibleAddressException | AddressValueException e) {
            // the last two: ranges the library reads but cannot represent, "192-1601" or "992-.1601651"
            throw new IllegalArgumentException(what + " '" + text + "' is not an IP address: " + e.getMessage(), e);
        }
        if (a == null) {
            // text the library reads as no address at all: a prefix length alone ("/2"), or "*"
            throw new IllegalArgumentException(what + " '" + text + "' is not an IP address");
        }
        return a;
    }
}
