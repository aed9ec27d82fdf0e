package dev.herald.simulator.cluster;

import java.util.List;

/**
 * The address plan of an emulated cluster: where ClusterIPs, LoadBalancer ingress IPs and Egress IPs come from. The
 * first service CIDR's family is the cluster's primary family (single-stack Services get it).
 */
public record ClusterConfig(List<String> serviceCidrs, List<String> loadBalancerPools, List<String> egressPools) {
    public static final ClusterConfig DEFAULT = new ClusterConfig(List.of("10.96.0.0/16", "fd00:10:96::/112"),
            List.of("10.200.0.0/24", "fd00:10:200::/120"), List.of("10.201.0.0/24", "fd00:10:201::/120"));

    public ClusterConfig {
        serviceCidrs = List.copyOf(serviceCidrs);
        loadBalancerPools = List.copyOf(loadBalancerPools);
        egressPools = List.copyOf(egressPools);
        if (serviceCidrs.isEmpty()) {
            throw new IllegalArgumentException("cluster.serviceCIDRs: at least one CIDR is needed");
        }
    }
}
