package dev.herald.api;

import java.util.Set;
import java.util.TreeSet;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A BGP confederation (RFC 5065) this speaker belongs to.
 *
 * @param identifier the confederation identifier, the AS number the outside world sees
 * @param memberAsns the other member sub-ASes; a set, so order and duplicates in the source do not matter
 */
@ProviderType
public record Confederation(long identifier, Set<Long> memberAsns) {
    public Confederation {
        Asn.check(identifier, "confederation identifier");
        for (Long member : memberAsns) {
            Asn.check(member, "confederation member ASN");
        }
        memberAsns = Set.copyOf(memberAsns);
    }

    /** The member ASNs in ascending order, as operators see them. */
    public java.util.List<Long> sortedMemberAsns() {
        return java.util.List.copyOf(new TreeSet<>(memberAsns));
    }
}
