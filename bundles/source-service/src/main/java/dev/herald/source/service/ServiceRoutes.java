package dev.herald.source.service;

import dev.herald.api.EndpointInfo;
import dev.herald.api.Route;
import dev.herald.api.RouteType;
import dev.herald.api.ServiceIPType;
import dev.herald.api.ServiceInfo;
import inet.ipaddr.IPAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * One Service's entry in the index: its candidate host routes per IP type, whether a Local traffic policy restricts
 * them, and the Nodes that have a usable endpoint. Immutable. Two equal entries give the same routes on every Node
 * under every advertisement, which is how a change that matters is told from one that does not; to keep that true,
 * a Local policy with no IPs to restrict, and the endpoints of a Service without a Local policy, are not recorded.
 *
 * @param clusterIp routes of {@code spec.clusterIPs}
 * @param externalIp routes of {@code spec.externalIPs}
 * @param loadBalancerIp routes of the ingress IPs, empty unless the Service is of type LoadBalancer
 * @param internalLocal {@code internalTrafficPolicy: Local} restricts the ClusterIP routes
 * @param externalLocal {@code externalTrafficPolicy: Local} restricts the ExternalIP and LoadBalancer IP routes
 * @param localNodes the Nodes with a usable endpoint (ready, or serving while terminating); empty without a Local
 *     policy
 */
record ServiceRoutes(List<Route> clusterIp, List<Route> externalIp, List<Route> loadBalancerIp,
                     boolean internalLocal, boolean externalLocal, Set<String> localNodes) {

    /** The entry of {@code service}; {@code endpoints} is asked for its endpoints only if a Local policy applies. */
    static ServiceRoutes of(ServiceInfo service, Function<String, List<EndpointInfo>> endpoints) {
        String owner = service.key();
        List<Route> cluster = hostRoutes(service.clusterIps(), RouteType.SERVICE_CLUSTER_IP, owner);
        List<Route> external = hostRoutes(service.externalIps(), RouteType.SERVICE_EXTERNAL_IP, owner);
        List<Route> lb = service.isLoadBalancer()
                ? hostRoutes(service.loadBalancerIps(), RouteType.SERVICE_LOAD_BALANCER_IP, owner)
                : List.of();
        boolean internalLocal = service.internalTrafficLocal() && !cluster.isEmpty();
        boolean externalLocal = service.externalTrafficLocal() && !(external.isEmpty() && lb.isEmpty());
        ServiceRoutes entry = new ServiceRoutes(cluster, external, lb, internalLocal, externalLocal, Set.of());
        return entry.usesEndpoints() ? entry.withEndpoints(endpoints.apply(owner)) : entry;
    }

    /** Whether the Service's endpoints decide any of its routes. */
    boolean usesEndpoints() {
        return internalLocal || externalLocal;
    }

    /** This entry with the local Nodes taken from {@code endpoints}. */
    ServiceRoutes withEndpoints(List<EndpointInfo> endpoints) {
        Set<String> nodes = new HashSet<>();
        for (EndpointInfo e : endpoints) {
            if (e.usable()) {
                e.nodeName().ifPresent(nodes::add);
            }
        }
        return new ServiceRoutes(clusterIp, externalIp, loadBalancerIp, internalLocal, externalLocal,
                Set.copyOf(nodes));
    }

    /** Adds the routes {@code node} advertises for this Service under {@code types} to {@code out}. */
    void addTo(String node, Set<ServiceIPType> types, Collection<Route> out) {
        boolean local = localNodes.contains(node);
        if (types.contains(ServiceIPType.CLUSTER_IP) && (local || !internalLocal)) {
            out.addAll(clusterIp);
        }
        boolean external = local || !externalLocal;
        if (types.contains(ServiceIPType.EXTERNAL_IP) && external) {
            out.addAll(externalIp);
        }
        if (types.contains(ServiceIPType.LOAD_BALANCER_IP) && external) {
            out.addAll(loadBalancerIp);
        }
    }

    private static List<Route> hostRoutes(List<IPAddress> ips, RouteType type, String owner) {
        List<Route> routes = new ArrayList<>(ips.size());
        Optional<String> by = Optional.of(owner);
        for (IPAddress ip : ips) {
            // a host route (as the cluster state gives Service IPs) is the route's prefix as it is, with no copy;
            // a stray prefix length must not turn a Service IP into a wider route, nor fail the whole index update
            boolean host = ip.isPrefixed() && ip.getNetworkPrefixLength() == ip.getBitCount();
            IPAddress address = host ? ip : ip.withoutPrefixLength();
            if (!address.isMultiple()) {
                routes.add(new Route(address, type, by));
            }
        }
        return List.copyOf(routes);
    }
}
