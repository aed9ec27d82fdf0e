package dev.herald.api;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The {@code spec} of a {@code crd.antrea.io/v1alpha1} BGPPolicy, validated and with defaults applied.
 *
 * @param nodeSelector which Nodes the policy applies to
 * @param localAsn 1..65535
 * @param listenPort 1..65535, default 179
 * @param confederation the confederation, if set
 * @param advertisements what to advertise
 * @param bgpPeers the peers, in the order written
 */
@ProviderType
public record BgpPolicySpec(LabelSelector nodeSelector, long localAsn, int listenPort,
                            Optional<Confederation> confederation, Advertisements advertisements,
                            List<BgpPeerSpec> bgpPeers) {
    public BgpPolicySpec {
        Objects.requireNonNull(nodeSelector, "nodeSelector");
        if (localAsn < 1 || localAsn > 65535) {
            throw new IllegalArgumentException("localASN " + localAsn + " is not in 1..65535");
        }
        Ports.check(listenPort, "listenPort");
        Objects.requireNonNull(confederation, "confederation");
        confederation.ifPresent(c -> {
            if (c.identifier() > 65535 || c.memberAsns().stream().anyMatch(a -> a > 65535)) {
                throw new IllegalArgumentException("confederation ASNs must be in 1..65535");
            }
        });
        Objects.requireNonNull(advertisements, "advertisements");
        bgpPeers = List.copyOf(bgpPeers);
    }
}
