package dev.herald.api;

import inet.ipaddr.IPAddress;
import java.util.Comparator;
import java.util.Objects;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A peer's identity: its address and AS number, written {@code address-asn} as in the BGPPolicy password Secret's
 * keys. The port is not part of the identity: a new port for the same peer is an update, a new ASN is another peer.
 */
@ProviderType
public record PeerKey(IPAddress address, long asn) implements Comparable<PeerKey> {
    /** IPv4 before IPv6, then by address, then by ASN. */
    public static final Comparator<PeerKey> ORDER = Comparator
            .comparing((PeerKey k) -> k.address().isIPv6())
            .thenComparing(PeerKey::address)
            .thenComparingLong(PeerKey::asn);

    public PeerKey {
        Objects.requireNonNull(address, "address");
        if (address.isPrefixed() || address.isMultiple()) {
            throw new IllegalArgumentException("peer address " + address + " must be a single address");
        }
        Asn.check(asn, "peer ASN");
    }

    public static PeerKey of(String address, long asn) {
        return new PeerKey(Addresses.address(address, "peer address"), asn);
    }

    public boolean isIPv6() {
        return address.isIPv6();
    }

    /** The Secret key form, {@code 192.168.77.100-65000} or {@code 2001:db8::1-65000}. */
    @Override
    public String toString() {
        return address.toCanonicalString() + "-" + asn;
    }

    @Override
    public int compareTo(PeerKey o) {
        return ORDER.compare(this, o);
    }
}
