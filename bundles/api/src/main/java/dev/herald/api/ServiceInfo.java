package dev.herald.api;

import inet.ipaddr.IPAddress;
import java.util.List;
import java.util.Objects;
import org.osgi.annotation.versioning.ProviderType;

/**
 * What route sources need of a Kubernetes Service.
 *
 * @param namespace the Service's namespace
 * @param name its name
 * @param type {@code ClusterIP}, {@code NodePort}, {@code LoadBalancer} or {@code ExternalName}
 * @param clusterIps {@code spec.clusterIPs} without {@code None}; these and the other IPs of a Service are host
 *     routes (/32, /128), the very prefixes the Service's routes carry
 * @param externalIps {@code spec.externalIPs}
 * @param loadBalancerIps the non-empty {@code status.loadBalancer.ingress[].ip} values
 * @param externalTrafficLocal {@code externalTrafficPolicy: Local}
 * @param internalTrafficLocal {@code internalTrafficPolicy: Local}
 */
@ProviderType
public record ServiceInfo(String namespace, String name, String type, List<IPAddress> clusterIps,
                          List<IPAddress> externalIps, List<IPAddress> loadBalancerIps,
                          boolean externalTrafficLocal, boolean internalTrafficLocal) {
    public ServiceInfo {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        clusterIps = List.copyOf(clusterIps);
        externalIps = List.copyOf(externalIps);
        loadBalancerIps = List.copyOf(loadBalancerIps);
    }

    /** {@code namespace/name}, the owner written on this Service's routes. */
    public String key() {
        return namespace + "/" + name;
    }

    public boolean isLoadBalancer() {
        return "LoadBalancer".equals(type);
    }
}
