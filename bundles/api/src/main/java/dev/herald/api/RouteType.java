package dev.herald.api;

import java.util.Arrays;
import org.osgi.annotation.versioning.ProviderType;

/** Why a route is advertised. The display names are those of Antrea's agent API and {@code antctl}. */
@ProviderType
public enum RouteType {
    SERVICE_CLUSTER_IP("ServiceClusterIP"),
    SERVICE_EXTERNAL_IP("ServiceExternalIP"),
    SERVICE_LOAD_BALANCER_IP("ServiceLoadBalancerIP"),
    EGRESS_IP("EgressIP"),
    NODE_IPAM_POD_CIDR("NodeIPAMPodCIDR");

    private final String displayName;

    RouteType(String displayName) {
        this.displayName = displayName;
    }

    public String displayName() {
        return displayName;
    }

    /** Parses a display name such as {@code ServiceClusterIP}; throws with the accepted names otherwise. */
    public static RouteType fromDisplayName(String name) {
        for (RouteType t : values()) {
            if (t.displayName.equals(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown route type '" + name + "', expected one of "
                + Arrays.stream(values()).map(RouteType::displayName).toList());
    }
}
