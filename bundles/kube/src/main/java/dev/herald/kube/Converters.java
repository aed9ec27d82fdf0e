package dev.herald.kube;

import dev.herald.api.Addresses;
import dev.herald.api.EgressInfo;
import dev.herald.api.EndpointInfo;
import dev.herald.api.NodeInfo;
import dev.herald.api.PeerConfig;
import dev.herald.api.ServiceInfo;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import inet.ipaddr.IPAddress;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Kubernetes objects to Herald's records. Values that do not parse (an address that is not one) are skipped rather
 * than failing the whole object: one bad entry must not hide the good ones. Each skipped value is added to the
 * caller's {@code problems}, naming its field as the object writes it ({@code spec.externalIPs[1]}); the caller
 * logs them and records them as an Event on the object ({@link InputReports}).
 */
final class Converters {
    static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

    private Converters() {
    }

    static NodeInfo node(Node n, List<String> problems) {
        String name = n.getMetadata().getName();
        List<IPAddress> internal = new ArrayList<>();
        if (n.getStatus() != null && n.getStatus().getAddresses() != null) {
            List<NodeAddress> addresses = n.getStatus().getAddresses();
            for (int i = 0; i < addresses.size(); i++) {
                NodeAddress a = addresses.get(i);
                if (a != null && "InternalIP".equals(a.getType())) {
                    address(a.getAddress(), "status.addresses[" + i + "].address", problems).ifPresent(internal::add);
                }
            }
        }
        List<IPAddress> podCidrs = new ArrayList<>();
        List<String> cidrs = n.getSpec() == null ? null : n.getSpec().getPodCIDRs();
        String field = "spec.podCIDRs";
        if ((cidrs == null || cidrs.isEmpty()) && n.getSpec() != null && n.getSpec().getPodCIDR() != null) {
            cidrs = List.of(n.getSpec().getPodCIDR());
            field = "spec.podCIDR";
        }
        if (cidrs != null) {
            for (int i = 0; i < cidrs.size(); i++) {
                String what = field.equals("spec.podCIDR") ? field : field + "[" + i + "]";
                try {
                    podCidrs.add(Addresses.prefix(cidrs.get(i), what));
                } catch (IllegalArgumentException e) {
                    problems.add(e.getMessage());
                }
            }
        }
        return new NodeInfo(name, orEmpty(n.getMetadata().getLabels()), orEmpty(n.getMetadata().getAnnotations()),
                internal, podCidrs);
    }

    static ServiceInfo service(Service s, List<String> problems) {
        String ns = s.getMetadata().getNamespace();
        String name = s.getMetadata().getName();
        var spec = s.getSpec();
        List<IPAddress> clusterIps = new ArrayList<>();
        List<String> raw = spec.getClusterIPs();
        String field = "spec.clusterIPs";
        if ((raw == null || raw.isEmpty()) && spec.getClusterIP() != null) {
            raw = List.of(spec.getClusterIP());
            field = "spec.clusterIP";
        }
        if (raw != null) {
            for (int i = 0; i < raw.size(); i++) {
                String ip = raw.get(i);
                if (ip != null && !ip.isEmpty() && !"None".equals(ip)) {
                    hostRoute(ip, field.equals("spec.clusterIP") ? field : field + "[" + i + "]", problems)
                            .ifPresent(clusterIps::add);
                }
            }
        }
        List<IPAddress> externalIps = new ArrayList<>();
        if (spec.getExternalIPs() != null) {
            for (int i = 0; i < spec.getExternalIPs().size(); i++) {
                hostRoute(spec.getExternalIPs().get(i), "spec.externalIPs[" + i + "]", problems)
                        .ifPresent(externalIps::add);
            }
        }
        List<IPAddress> lbIps = new ArrayList<>();
        if (s.getStatus() != null && s.getStatus().getLoadBalancer() != null
                && s.getStatus().getLoadBalancer().getIngress() != null) {
            List<LoadBalancerIngress> ingress = s.getStatus().getLoadBalancer().getIngress();
            for (int i = 0; i < ingress.size(); i++) {
                LoadBalancerIngress in = ingress.get(i);
                if (in != null && in.getIp() != null && !in.getIp().isEmpty()) { // hostname-only: no IP
                    hostRoute(in.getIp(), "status.loadBalancer.ingress[" + i + "].ip", problems)
                            .ifPresent(lbIps::add);
                }
            }
        }
        return new ServiceInfo(ns, name, spec.getType() == null ? "ClusterIP" : spec.getType(), clusterIps,
                externalIps, lbIps, "Local".equals(spec.getExternalTrafficPolicy()),
                "Local".equals(spec.getInternalTrafficPolicy()));
    }

    /** The owning Service's {@code namespace/name}, from the slice's service-name label; null when it has none. */
    static String serviceKeyOf(EndpointSlice slice) {
        Map<String, String> labels = slice.getMetadata().getLabels();
        String svc = labels == null ? null : labels.get(SERVICE_NAME_LABEL);
        return svc == null ? null : slice.getMetadata().getNamespace() + "/" + svc;
    }

    static List<EndpointInfo> endpoints(EndpointSlice slice) {
        List<EndpointInfo> out = new ArrayList<>();
        if (slice.getEndpoints() == null) {
            return out;
        }
        for (Endpoint e : slice.getEndpoints()) {
            EndpointConditions c = e.getConditions();
            // absent conditions: ready is true, serving follows ready, terminating is false (discovery/v1 rules)
            boolean ready = c == null || c.getReady() == null || c.getReady();
            boolean serving = c == null || c.getServing() == null ? ready : c.getServing();
            boolean terminating = c != null && c.getTerminating() != null && c.getTerminating();
            out.add(new EndpointInfo(Optional.ofNullable(e.getNodeName()), ready, serving, terminating));
        }
        return out;
    }

    static EgressInfo egress(GenericKubernetesResource r, List<String> problems) {
        String name = r.getMetadata().getName();
        Object status = r.getAdditionalProperties().get("status");
        String ip = null;
        String node = null;
        if (status instanceof Map<?, ?> m) {
            ip = m.get("egressIP") == null ? null : String.valueOf(m.get("egressIP"));
            node = m.get("egressNode") == null ? null : String.valueOf(m.get("egressNode"));
        }
        Optional<IPAddress> addr = ip == null || ip.isEmpty() ? Optional.empty()
                : address(ip, "status.egressIP", problems);
        return new EgressInfo(name, addr, Optional.ofNullable(node).filter(n -> !n.isEmpty()));
    }

    /**
     * The Secret's keys and decoded values; {@code stringData} is write-only, so only {@code data} counts. A value
     * that cannot be a TCP-MD5 password is skipped, and the problem names the key, never the value: null (an API
     * server that does not validate keeps {@code data: {key: null}}), not base64, longer than the kernel's
     * {@value PeerConfig#MAX_PASSWORD_BYTES} bytes, or not UTF-8 text (the key is the text's UTF-8 bytes,
     * {@link PeerConfig#md5Key}, so other bytes could not reach the kernel unchanged).
     */
    static Map<String, String> passwords(Secret s, List<String> problems) {
        Map<String, String> out = new HashMap<>();
        if (s.getData() != null) {
            new TreeMap<>(s.getData()).forEach((k, v) -> {
                String problem = passwordProblem(v);
                if (problem == null) {
                    out.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8));
                } else {
                    problems.add("data[" + k + "] " + problem);
                }
            });
        }
        return out;
    }

    /** Why a Secret's {@code data} value cannot be a TCP-MD5 password, or null when it can. */
    private static String passwordProblem(String value) {
        if (value == null) {
            return "has no value (null)";
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            return "is not base64";
        }
        if (bytes.length > PeerConfig.MAX_PASSWORD_BYTES) {
            return "is " + bytes.length + " bytes long, TCP-MD5 takes at most " + PeerConfig.MAX_PASSWORD_BYTES;
        }
        try {
            StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes));
        } catch (CharacterCodingException e) {
            return "is not UTF-8 text";
        }
        return null;
    }

    private static Optional<IPAddress> address(String text, String what, List<String> problems) {
        try {
            return Optional.of(Addresses.address(text, what));
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * A Service IP as the host route it is advertised as (/32, /128): the route sources then use this very object
     * as the route's prefix instead of a second one, which at 110,000 routes saves some 20 MB (docs/performance.md).
     */
    private static Optional<IPAddress> hostRoute(String text, String what, List<String> problems) {
        return address(text, what, problems).map(a -> Addresses.prefix(a, what));
    }

    private static Map<String, String> orEmpty(Map<String, String> m) {
        return m == null ? Map.of() : m;
    }
}
