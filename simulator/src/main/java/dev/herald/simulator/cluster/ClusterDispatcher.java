package dev.herald.simulator.cluster;

import dev.herald.testing.OffLoopClose;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * fabric8's CRUD mock server made to behave like a cluster's API server (docs/development.md, pitfall 20, says
 * where they differ): discovery documents; ClusterIPs allocated when a Service is created (and kept across
 * updates) and LoadBalancer ingress IPs given at once, as a load-balancer controller would; the BGPPolicy CRD's defaults applied; a Node's
 * metadata written through {@code nodes/NAME/status} kept, as a real API server does; Pod IPs from their Node's
 * podCIDRs; Egresses given an IP and a Node when created without them; server-side tables for kubectl
 * ({@link Tables}); every request recorded ({@link ApiRequest}).
 */
final class ClusterDispatcher extends KubernetesCrudDispatcher {
    private static final Pattern SERVICE = Pattern.compile("/api/v1/namespaces/([^/]+)/services(?:/([^/]+))?");
    private static final Pattern POD = Pattern.compile("/api/v1/namespaces/([^/]+)/pods(?:/([^/]+))?");
    private static final Pattern SECRET = Pattern.compile("/api/v1/namespaces/[^/]+/secrets(?:/[^/]+)?");
    private static final Pattern NODE_STATUS = Pattern.compile("/api/v1/nodes/([^/]+)/status");
    private static final Pattern POLICY = Pattern.compile("/apis/crd\\.antrea\\.io/v1alpha1/bgppolicies(?:/([^/]+))?");
    private static final Pattern EGRESS = Pattern.compile("/apis/crd\\.antrea\\.io/v1beta1/egresses(?:/([^/]+))?");

    private final ServiceAddresses serviceAddresses;
    private final List<IpPool> egressPools = new ArrayList<>();
    private final Map<String, List<IpPool>> podPools = new ConcurrentHashMap<>();
    /** Every request served, as it came (before any rewriting here). */
    final ApiRequestLog requests = new ApiRequestLog();

    /** How many Services the store holds (each is admitted here on its way in and released on its way out). */
    int serviceCount() {
        return serviceAddresses.count();
    }

    ClusterDispatcher(ClusterConfig config) {
        serviceAddresses = new ServiceAddresses(config);
        config.egressPools().forEach(c -> egressPools.add(new IpPool(c)));
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        String full = request.getPath();
        String path = full.split("\\?", 2)[0];
        String method = request.getMethod();
        requests.add(ApiRequest.of(java.time.Instant.now(), method, full, request.getHeader("User-Agent"),
                request.getHeader("Authorization")));
        try {
            if ("GET".equals(method)) {
                String doc = Discovery.answer(path);
                if (doc != null) {
                    return new MockResponse().setResponseCode(200).setHeader("Content-Type", "application/json")
                            .setBody(doc);
                }
                if (path.equals("/openapi/v2")) {
                    // an empty OpenAPI v2 document (no schemas): older kubectl validates against it before create
                    // or apply, and takes a kind it finds no schema for as valid
                    return new MockResponse().setResponseCode(200).setHeader("Content-Type",
                            "application/com.github.proto-openapi.spec.v2.v1.0+protobuf").setBody("");
                }
                if (Discovery.notServed(path)) {
                    return status(404, "NotFound", "the server could not find the requested resource");
                }
            }
            if ("PATCH".equals(method) && mergePatch(request)) {
                request = applyMergePatch(request, full, path);
                method = request.getMethod();
            }
            if (("PATCH".equals(method) || "PUT".equals(method)) && NODE_STATUS.matcher(path).matches()) {
                // a real API server keeps metadata written through nodes/status (Antrea writes the router ID so)
                request = copy(request, full.replaceFirst("/status", ""), request.getUtf8Body());
            } else if ("POST".equals(method) || "PUT".equals(method)) {
                String body = request.getUtf8Body(); // reading consumes the body: always pass on a copy
                if ("PUT".equals(method)) {
                    String conflict = conflict(path, body);
                    if (conflict != null) {
                        return status(409, "Conflict", conflict);
                    }
                }
                String admitted = admit(path, method, body);
                request = copy(request, full, admitted != null ? admitted : body);
            } else if ("DELETE".equals(method)) {
                Matcher m = SERVICE.matcher(path);
                if (m.matches() && m.group(2) != null) {
                    serviceAddresses.release(m.group(1) + "/" + m.group(2));
                }
            }
        } catch (RuntimeException e) {
            return status(422, "Invalid", String.valueOf(e.getMessage()));
        }
        MockResponse response = super.dispatch(request);
        if ("GET".equals(method) && response.code() == 200 && Tables.wanted(request.getHeader("Accept"),
                full.contains("?") ? full.substring(full.indexOf('?') + 1) : null)) {
            String table = Tables.of(path, new String(response.getBody().getBytes(), StandardCharsets.UTF_8),
                    java.time.Instant.now());
            if (table != null) {
                return new MockResponse().setResponseCode(200).setHeader("Content-Type", "application/json")
                        .setBody(table);
            }
        }
        return response;
    }

    @Override
    public MockResponse handleWatch(String path) {
        MockResponse r = super.handleWatch(path);
        if (r.getWebSocketListener() != null) {
            r.withWebSocketUpgrade(new OffLoopClose(r.getWebSocketListener()));
        }
        return r;
    }

    private static MockResponse status(int code, String reason, String message) {
        return new MockResponse().setResponseCode(code).setHeader("Content-Type", "application/json")
                .setBody(Serialization.asJson(Map.of("kind", "Status", "apiVersion", "v1", "status", "Failure",
                        "reason", reason, "code", code, "message", message)));
    }

    /**
     * Optimistic concurrency, which the mock lacks: an update that names a resourceVersion other than the stored
     * one is refused with 409, so two writers of one object (nodes writing their conditions) never lose a write.
     */
    private String conflict(String path, String body) {
        GenericKubernetesResource sent = Serialization.unmarshal(body, GenericKubernetesResource.class);
        String rv = sent == null || sent.getMetadata() == null ? null : sent.getMetadata().getResourceVersion();
        if (rv == null || rv.isEmpty()) {
            return null;
        }
        Optional<GenericKubernetesResource> stored = get(path.endsWith("/status")
                ? path.substring(0, path.length() - "/status".length()) : path);
        if (stored.isEmpty() || rv.equals(stored.get().getMetadata().getResourceVersion())) {
            return null;
        }
        return "Operation cannot be fulfilled on " + sent.getKind() + " \"" + sent.getMetadata().getName()
                + "\": the object has been modified; please apply your changes to the latest version and try again";
    }

    private static boolean mergePatch(RecordedRequest r) {
        String type = String.valueOf(r.getHeader("Content-Type"));
        return type.startsWith("application/merge-patch+json")
                || type.startsWith("application/strategic-merge-patch+json");
    }

    /**
     * A JSON or strategic merge patch, applied here ({@link MergePatches}) to the stored object and stored as an
     * update of the whole object: the mock would keep a null, append to lists, and refuse a strategic merge patch.
     * The read and the write are not atomic, but every request runs on the mock server's one event loop; a patch
     * naming a stale resourceVersion still gets its 409 from the update. An object that is not there goes to the
     * mock as it came, for its 404.
     */
    @SuppressWarnings("unchecked")
    private RecordedRequest applyMergePatch(RecordedRequest request, String full, String path) {
        String body = request.getUtf8Body(); // reading consumes the body: always pass on a copy
        Object patch = Serialization.unmarshal(body, Map.class);
        String objectPath = path.endsWith("/status") ? path.substring(0, path.length() - "/status".length()) : path;
        MockResponse stored = patch instanceof Map<?, ?> ? super.handleGet(objectPath) : null;
        if (stored == null || stored.code() != 200) {
            return copy(request, full, body);
        }
        Map<String, Object> target = Serialization.unmarshal(new String(stored.getBody().getBytes(),
                StandardCharsets.UTF_8), Map.class);
        boolean strategic = String.valueOf(request.getHeader("Content-Type"))
                .startsWith("application/strategic-merge-patch+json");
        Object merged = strategic ? MergePatches.strategic(target, patch) : MergePatches.json(target, patch);
        return new RecordedRequest("PUT " + full + " HTTP/1.1", io.fabric8.mockwebserver.dsl.HttpMethod.PUT, full,
                request.getHeaders(), new Buffer(Serialization.asJson(merged).getBytes(StandardCharsets.UTF_8)));
    }

    private static RecordedRequest copy(RecordedRequest r, String path, String body) {
        return new RecordedRequest(r.getMethod() + " " + path + " HTTP/1.1", r.method(), path, r.getHeaders(),
                new Buffer(body.getBytes(StandardCharsets.UTF_8)));
    }

    /** The body as this cluster would store it, or null to store it as sent. */
    private String admit(String path, String method, String body) {
        Matcher m;
        if ((m = SERVICE.matcher(path)).matches()) {
            GenericKubernetesResource r = Serialization.unmarshal(body, GenericKubernetesResource.class);
            serviceAddresses.admit(m.group(1) + "/" + r.getMetadata().getName(), r);
            return Serialization.asJson(r);
        }
        if ((m = POD.matcher(path)).matches()) {
            GenericKubernetesResource r = Serialization.unmarshal(body, GenericKubernetesResource.class);
            if ("PUT".equals(method) && keepPodIps(path, r)) {
                return Serialization.asJson(r);
            }
            return admitPod(r) ? Serialization.asJson(r) : null;
        }
        if (SECRET.matcher(path).matches()) {
            GenericKubernetesResource r = Serialization.unmarshal(body, GenericKubernetesResource.class);
            return SecretData.admit(r) ? Serialization.asJson(r) : null;
        }
        if (POLICY.matcher(path).matches()) {
            GenericKubernetesResource r = Serialization.unmarshal(body, GenericKubernetesResource.class);
            return CrdDefaults.bgpPolicy(r) ? Serialization.asJson(r) : null;
        }
        if ("POST".equals(method) && EGRESS.matcher(path).matches()) {
            GenericKubernetesResource r = Serialization.unmarshal(body, GenericKubernetesResource.class);
            return admitEgress(r) ? Serialization.asJson(r) : null;
        }
        return null;
    }

    /** A Pod placed on a Node gets an IP of each of the Node's podCIDRs, as the CNI would. */
    @SuppressWarnings("unchecked")
    private boolean admitPod(GenericKubernetesResource r) {
        Map<String, Object> spec = map(r.getAdditionalProperties(), "spec");
        Map<String, Object> status = map(r.getAdditionalProperties(), "status");
        if (!(spec.get("nodeName") instanceof String node) || status.get("podIP") != null) {
            return false;
        }
        Optional<GenericKubernetesResource> n = get("/api/v1/nodes/" + node);
        if (n.isEmpty()) {
            return false;
        }
        Object cidrs = map(n.get().getAdditionalProperties(), "spec").get("podCIDRs");
        if (!(cidrs instanceof List<?> list) || list.isEmpty()) {
            return false;
        }
        List<IpPool> pools = podPools.computeIfAbsent(node, x -> ((List<String>) list).stream().map(c -> {
            IpPool p = new IpPool(c);
            p.allocate(); // the first address is the node's gateway
            return p;
        }).toList());
        List<String> ips = pools.stream().map(IpPool::allocate).toList();
        status.put("podIP", ips.get(0));
        status.put("podIPs", ips.stream().map(ip -> Map.of("ip", ip)).toList());
        status.putIfAbsent("phase", "Running");
        return true;
    }

    /** A Pod keeps its IPs when an update leaves its status out (the kubelet owns the status). */
    @SuppressWarnings("unchecked")
    private boolean keepPodIps(String path, GenericKubernetesResource r) {
        Map<String, Object> status = map(r.getAdditionalProperties(), "status");
        if (status.get("podIP") != null) {
            return false;
        }
        Optional<GenericKubernetesResource> stored = get(path);
        if (stored.isEmpty()) {
            return false;
        }
        Map<String, Object> old = map(stored.get().getAdditionalProperties(), "status");
        if (old.get("podIP") == null) {
            return false;
        }
        status.put("podIP", old.get("podIP"));
        status.put("podIPs", old.get("podIPs"));
        status.putIfAbsent("phase", old.get("phase"));
        return true;
    }

    /** An Egress without an IP or a Node gets both, as Antrea's ExternalIPPool would assign them. */
    private boolean admitEgress(GenericKubernetesResource r) {
        Map<String, Object> spec = map(r.getAdditionalProperties(), "spec");
        Map<String, Object> status = map(r.getAdditionalProperties(), "status");
        boolean changed = false;
        if (status.get("egressIP") == null) {
            String ip = spec.get("egressIP") instanceof String s && !s.isEmpty() ? s : egressPools.get(0).allocate();
            spec.putIfAbsent("egressIP", ip);
            status.put("egressIP", ip);
            changed = true;
        }
        if (status.get("egressNode") == null) {
            Optional<String> node = placeEgress(r.getMetadata().getName(), java.util.Set.of());
            if (node.isPresent()) {
                status.put("egressNode", node.get());
                changed = true;
            }
        }
        return changed;
    }

    /**
     * The Node an Egress lands on: spread over the Nodes by name hash, skipping {@code excluded} (a Node going away),
     * so the choice is stable and moves only when it must.
     */
    @SuppressWarnings("unchecked")
    Optional<String> placeEgress(String egress, java.util.Set<String> excluded) {
        List<String> nodes = new ArrayList<>();
        get("/api/v1/nodes").ifPresent(list -> {
            if (list.getAdditionalProperties().get("items") instanceof List<?> items) {
                for (Object i : items) {
                    Object name = ((Map<String, Object>) ((Map<String, Object>) i).get("metadata")).get("name");
                    if (!excluded.contains(name)) {
                        nodes.add(String.valueOf(name));
                    }
                }
            }
        });
        if (nodes.isEmpty()) {
            return Optional.empty();
        }
        nodes.sort(null);
        return Optional.of(nodes.get(Math.floorMod(egress.hashCode(), nodes.size())));
    }

    Optional<GenericKubernetesResource> get(String path) {
        MockResponse r = super.handleGet(path);
        if (r.code() != 200) {
            return Optional.empty();
        }
        return Optional.of(Serialization.unmarshal(new String(r.getBody().getBytes(), StandardCharsets.UTF_8),
                GenericKubernetesResource.class));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Map<String, Object> parent, String key) {
        Object o = parent.get(key);
        if (o instanceof Map<?, ?> m) {
            if (!(m instanceof LinkedHashMap)) {
                Map<String, Object> copy = new LinkedHashMap<>((Map<String, Object>) m);
                parent.put(key, copy);
                return copy;
            }
            return (Map<String, Object>) m;
        }
        Map<String, Object> fresh = new LinkedHashMap<>();
        parent.put(key, fresh);
        return fresh;
    }
}
