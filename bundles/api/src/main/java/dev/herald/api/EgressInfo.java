package dev.herald.api;

import inet.ipaddr.IPAddress;
import java.util.Objects;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * What the Egress route source needs of a {@code crd.antrea.io/v1beta1} Egress.
 *
 * @param name the Egress's name
 * @param egressIp {@code status.egressIP}, once assigned
 * @param egressNode {@code status.egressNode}, the Node that holds the IP now
 */
@ProviderType
public record EgressInfo(String name, Optional<IPAddress> egressIp, Optional<String> egressNode) {
    public EgressInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(egressIp, "egressIp");
        Objects.requireNonNull(egressNode, "egressNode");
    }
}
