package dev.herald.api;

import java.util.Set;
import org.osgi.annotation.versioning.ProviderType;

/**
 * What a BGPPolicy advertises ({@code spec.advertisements}).
 *
 * @param serviceIpTypes Service IP kinds to advertise; empty for none
 * @param pod whether this Node's Pod CIDRs are advertised ({@code pod: {}})
 * @param egress whether Egress IPs held by this Node are advertised ({@code egress: {}})
 */
@ProviderType
public record Advertisements(Set<ServiceIPType> serviceIpTypes, boolean pod, boolean egress) {
    public static final Advertisements NONE = new Advertisements(Set.of(), false, false);

    public Advertisements {
        serviceIpTypes = Set.copyOf(serviceIpTypes);
    }
}
