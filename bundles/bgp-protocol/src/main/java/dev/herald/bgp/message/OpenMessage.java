package dev.herald.bgp.message;

import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * OPEN (RFC 4271 §4.2) with its capabilities.
 *
 * @param version always 4 on send
 * @param myAs the 2-octet "My Autonomous System" field: the AS, or AS_TRANS (23456) when the AS needs 4 octets
 * @param holdTime seconds; 0 or at least 3
 * @param bgpIdentifier the router ID as an unsigned 32-bit value
 * @param capabilities all capabilities, in the order sent
 */
@ProviderType
public record OpenMessage(int version, int myAs, int holdTime, long bgpIdentifier, List<Capability> capabilities)
        implements BgpMessage {
    public static final int VERSION = 4;
    public static final int AS_TRANS = 23456;

    public OpenMessage {
        capabilities = List.copyOf(capabilities);
    }

    /** An OPEN for {@code asn} (2 or 4 octets), with the 4-octet AS capability always included. */
    public static OpenMessage of(long asn, int holdTime, long bgpIdentifier, List<Capability> capabilities) {
        int myAs = asn > 0xFFFF ? AS_TRANS : (int) asn;
        var caps = new java.util.ArrayList<>(capabilities);
        if (caps.stream().noneMatch(c -> c instanceof Capability.FourOctetAs)) {
            caps.add(new Capability.FourOctetAs(asn));
        }
        return new OpenMessage(VERSION, myAs, holdTime, bgpIdentifier, caps);
    }

    /** The speaker's AS: from the 4-octet AS capability when present, else the My AS field. */
    public long asn() {
        return capability(Capability.FourOctetAs.class).map(Capability.FourOctetAs::asn).orElse((long) myAs);
    }

    public <T extends Capability> Optional<T> capability(Class<T> type) {
        return capabilities.stream().filter(type::isInstance).map(type::cast).findFirst();
    }

    public boolean supportsFamily(Afi afi) {
        return capabilities.stream().anyMatch(c -> c instanceof Capability.Multiprotocol m
                && m.afi() == afi.code() && m.safi() == Afi.SAFI_UNICAST);
    }

    /** Whether the speaker listed any multiprotocol capability (without one, it speaks IPv4 unicast only). */
    public boolean hasMultiprotocol() {
        return capabilities.stream().anyMatch(c -> c instanceof Capability.Multiprotocol);
    }

    public String bgpIdentifierText() {
        return ((bgpIdentifier >>> 24) & 0xFF) + "." + ((bgpIdentifier >>> 16) & 0xFF) + "."
                + ((bgpIdentifier >>> 8) & 0xFF) + "." + (bgpIdentifier & 0xFF);
    }

    @Override
    public int type() {
        return OPEN;
    }
}
