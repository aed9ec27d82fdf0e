package dev.herald.source.egress;

import dev.herald.api.EgressInfo;
import dev.herald.api.Route;
import dev.herald.api.RouteType;
import inet.ipaddr.IPAddress;
import java.util.Optional;

/**
 * An Egress's entry in the index: the host route of its IP and the Node that holds it. Immutable; equal entries
 * mean no Node's routes changed.
 */
record EgressRoute(String node, Route route) {

    /** The entry of {@code egress}, or empty while it has no IP or no Node yet (nothing to advertise anywhere). */
    static Optional<EgressRoute> of(EgressInfo egress) {
        if (egress.egressIp().isEmpty() || egress.egressNode().isEmpty()) {
            return Optional.empty();
        }
        // a stray prefix length must not widen the route, nor fail the index update
        IPAddress address = egress.egressIp().get().withoutPrefixLength();
        if (address.isMultiple()) {
            return Optional.empty();
        }
        return Optional.of(new EgressRoute(egress.egressNode().get(),
                new Route(address, RouteType.EGRESS_IP, Optional.of(egress.name()))));
    }
}
