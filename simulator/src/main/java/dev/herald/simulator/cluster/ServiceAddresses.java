package dev.herald.simulator.cluster;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The addresses the emulated cluster gives Services, as a real one's allocator and load-balancer controller would:
 * ClusterIPs from the service CIDRs when a Service is created (kept across updates), LoadBalancer ingress IPs at
 * once; both freed when it is deleted.
 */
final class ServiceAddresses {
    private final List<IpPool> serviceCidrs = new ArrayList<>();
    private final List<IpPool> lbPools = new ArrayList<>();
    /** Addresses given to each Service ("namespace/name"), kept when an update leaves them out and freed on delete. */
    private final Map<String, Allocated> services = new ConcurrentHashMap<>();

    private record Allocated(List<String> clusterIps, List<String> ingress) {
    }

    ServiceAddresses(ClusterConfig config) {
        config.serviceCidrs().forEach(c -> serviceCidrs.add(new IpPool(c)));
        config.loadBalancerPools().forEach(c -> lbPools.add(new IpPool(c)));
    }

    /** How many Services hold addresses. */
    int count() {
        return services.size();
    }

    @SuppressWarnings("unchecked")
    /** Gives the Service {@code key} ("namespace/name") its addresses, writing them into its spec and status. */
    void admit(String key, GenericKubernetesResource r) {
        Map<String, Object> spec = ClusterDispatcher.map(r.getAdditionalProperties(), "spec");
        String type = String.valueOf(spec.getOrDefault("type", "ClusterIP"));
        spec.putIfAbsent("type", type);
        Allocated before = services.get(key);
        List<String> ips;
        if ("ExternalName".equals(type) || "None".equals(spec.get("clusterIP"))) {
            ips = List.of();
        } else if (spec.get("clusterIPs") instanceof List<?> l && !l.isEmpty()) {
            ips = (List<String>) l;
            ips.forEach(ip -> serviceCidrs.forEach(p -> p.reserve(ip)));
        } else if (spec.get("clusterIP") instanceof String s && !s.isEmpty()) {
            ips = List.of(s);
            serviceCidrs.forEach(p -> p.reserve(s));
        } else if (before != null) {
            ips = before.clusterIps(); // ClusterIPs are immutable: an update without them keeps them
        } else {
            ips = new ArrayList<>();
            for (IpPool pool : families(spec, serviceCidrs)) {
                ips.add(pool.allocate());
            }
        }
        if (!ips.isEmpty()) {
            spec.put("clusterIP", ips.get(0));
            spec.put("clusterIPs", ips);
            spec.put("ipFamilies", ips.stream().map(ip -> ip.contains(":") ? "IPv6" : "IPv4").toList());
            spec.putIfAbsent("ipFamilyPolicy", ips.size() > 1 ? "PreferDualStack" : "SingleStack");
        }
        List<String> ingress = List.of();
        if ("LoadBalancer".equals(type)) {
            Map<String, Object> status = ClusterDispatcher.map(r.getAdditionalProperties(), "status");
            Map<String, Object> lb = ClusterDispatcher.map(status, "loadBalancer");
            if (lb.get("ingress") instanceof List<?> given && !given.isEmpty()) {
                ingress = given.stream().map(i -> ((Map<String, Object>) i).get("ip")).filter(ip -> ip != null)
                        .map(String::valueOf).toList(); // hostname-only entries carry no IP
            } else if (before != null && !before.ingress().isEmpty()) {
                ingress = before.ingress();
                lb.put("ingress", ingress.stream().map(ip -> Map.of("ip", ip)).toList());
            } else {
                ingress = new ArrayList<>();
                lb.put("ingress", ingress);
                for (String ip : ips) {
                    for (IpPool pool : lbPools) {
                        if (pool.isIpv6() == ip.contains(":")) {
                            ingress.add(pool.allocate());
                            break;
                        }
                    }
                }
            }
            if (lb.get("ingress") == ingress) {
                lb.put("ingress", ingress.stream().map(ip -> Map.of("ip", ip)).toList());
            }
        } else if (before != null) {
            before.ingress().forEach(ip -> lbPools.forEach(p -> p.release(ip)));
        }
        services.put(key, new Allocated(List.copyOf(ips), List.copyOf(ingress)));
    }

    /** The pools for the families a Service asks for: its ipFamilies, or the primary family, or both if dual. */
    private static List<IpPool> families(Map<String, Object> spec, List<IpPool> pools) {
        List<IpPool> out = new ArrayList<>();
        if (spec.get("ipFamilies") instanceof List<?> fams && !fams.isEmpty()) {
            for (Object f : fams) {
                pools.stream().filter(p -> p.isIpv6() == "IPv6".equals(f)).findFirst().ifPresent(out::add);
            }
        } else {
            out.add(pools.get(0));
            String policy = String.valueOf(spec.get("ipFamilyPolicy"));
            if (("PreferDualStack".equals(policy) || "RequireDualStack".equals(policy)) && pools.size() > 1) {
                pools.stream().filter(p -> p.isIpv6() != pools.get(0).isIpv6()).findFirst().ifPresent(out::add);
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("spec.ipFamilies: this cluster has no service CIDR of that family");
        }
        return out;
    }

    /** Frees the addresses of a deleted Service. */
    void release(String key) {
        Allocated a = services.remove(key);
        if (a != null) {
            a.clusterIps().forEach(ip -> serviceCidrs.forEach(p -> p.release(ip)));
            a.ingress().forEach(ip -> lbPools.forEach(p -> p.release(ip)));
        }
    }
}
