package dev.herald.api;

import inet.ipaddr.IPAddress;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * What Herald needs to know of the local Node.
 *
 * @param name the Node's name ({@code NODE_NAME})
 * @param labels its labels, matched by BGPPolicy node selectors
 * @param annotations its annotations (the router-ID annotation among them)
 * @param internalIps its {@code InternalIP} addresses in the order the Node lists them
 * @param podCidrs its {@code spec.podCIDRs}
 */
@ProviderType
public record NodeInfo(String name, Map<String, String> labels, Map<String, String> annotations,
                       List<IPAddress> internalIps, List<IPAddress> podCidrs) {
    /** The annotation that pins a Node's BGP router ID. */
    public static final String ROUTER_ID_ANNOTATION = "node.antrea.io/bgp-router-id";

    public NodeInfo {
        Objects.requireNonNull(name, "name");
        labels = Map.copyOf(labels);
        annotations = Map.copyOf(annotations);
        internalIps = List.copyOf(internalIps);
        podCidrs = List.copyOf(podCidrs);
    }

    /** The first IPv4 InternalIP, "the Node's IPv4 address". */
    public Optional<IPAddress> ipv4Address() {
        return internalIps.stream().filter(IPAddress::isIPv4).findFirst();
    }

    /**
     * Whether the Node runs IPv4: it has an IPv4 InternalIP, or, with no InternalIP at all, an IPv4 Pod CIDR.
     */
    public boolean hasIPv4() {
        return familySource().stream().anyMatch(IPAddress::isIPv4);
    }

    /** Whether the Node runs IPv6, by the same rule as {@link #hasIPv4()}. */
    public boolean hasIPv6() {
        return familySource().stream().anyMatch(IPAddress::isIPv6);
    }

    /** Whether routes and peers of this address's family apply on this Node. */
    public boolean hasFamilyOf(IPAddress address) {
        return address.isIPv6() ? hasIPv6() : hasIPv4();
    }

    private List<IPAddress> familySource() {
        return internalIps.isEmpty() ? podCidrs : internalIps;
    }
}
