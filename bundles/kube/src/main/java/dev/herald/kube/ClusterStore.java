package dev.herald.kube;

import dev.herald.api.BgpPolicy;
import dev.herald.api.EgressInfo;
import dev.herald.api.EndpointInfo;
import dev.herald.api.NodeInfo;
import dev.herald.api.ServiceInfo;
import dev.herald.api.spi.ClusterState.Kind;
import dev.herald.api.spi.ClusterState.Listener;
import dev.herald.api.spi.Registration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the informers know, as Herald's records: the Nodes, Services, EndpointSlices' endpoints, BGPPolicies, Egresses
 * and passwords, and the listeners told of each change that matters. Knows nothing of fabric8: the watches convert
 * each object and hand the record over, so tests fill it with plain objects. Thread-safe: each kind may be written
 * from its own informer thread while anyone reads; listeners are called on the writing thread.
 */
final class ClusterStore {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterStore.class);

    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    /** The local Node, or every Node when the state serves many nodes. */
    private final Map<String, NodeInfo> nodes = new ConcurrentHashMap<>();
    private final Map<String, BgpPolicy> policies = new ConcurrentHashMap<>();
    private final Map<String, String> invalidPolicies = new ConcurrentHashMap<>();
    /** The generation each invalid policy was found invalid at, so that it is read again only when it changes. */
    private final Map<String, Long> invalidGenerations = new ConcurrentHashMap<>();
    private volatile Map<String, String> passwords = Map.of();
    private volatile boolean secretSeen;
    private final Map<String, ServiceInfo> services = new ConcurrentHashMap<>();
    /** serviceKey -> (slice name -> endpoints) */
    private final Map<String, Map<String, List<EndpointInfo>>> endpoints = new ConcurrentHashMap<>();
    /** slice namespace/name -> service key, to find a deleted slice's service */
    private final Map<String, String> sliceOwners = new ConcurrentHashMap<>();
    private final Map<String, EgressInfo> egresses = new ConcurrentHashMap<>();

    // ---- Nodes ----

    void putNode(NodeInfo info) {
        if (!info.equals(nodes.put(info.name(), info))) {
            fire(Kind.NODE, Set.of(info.name()));
        }
    }

    void removeNode(String name) {
        nodes.remove(name);
        fire(Kind.NODE, Set.of(name));
    }

    Optional<NodeInfo> node(String name) {
        return Optional.ofNullable(nodes.get(name));
    }

    Set<String> nodeNames() {
        return Set.copyOf(nodes.keySet());
    }

    // ---- Services and their endpoints ----

    void putService(ServiceInfo info) {
        ServiceInfo old = services.put(info.key(), info);
        if (!info.equals(old)) {
            fire(Kind.SERVICE, Set.of(info.key()));
        }
    }

    void removeService(String key) {
        if (services.remove(key) != null) {
            fire(Kind.SERVICE, Set.of(key));
        }
    }

    Set<String> serviceKeys() {
        return Set.copyOf(services.keySet());
    }

    /** The endpoints of one EndpointSlice ({@code namespace/name}) of the Service {@code serviceKey}. */
    void putSlice(String sliceKey, String serviceKey, List<EndpointInfo> eps) {
        sliceOwners.put(sliceKey, serviceKey);
        List<EndpointInfo> old = endpoints.computeIfAbsent(serviceKey, k -> new ConcurrentHashMap<>())
                .put(sliceKey, eps);
        if (!eps.equals(old)) {
            fire(Kind.ENDPOINT_SLICE, Set.of(serviceKey));
        }
    }

    void removeSlice(String sliceKey) {
        String svc = sliceOwners.remove(sliceKey);
        if (svc == null) {
            return;
        }
        Map<String, List<EndpointInfo>> bySlice = endpoints.get(svc);
        if (bySlice != null && bySlice.remove(sliceKey) != null) {
            if (bySlice.isEmpty()) {
                endpoints.remove(svc, bySlice);
            }
            fire(Kind.ENDPOINT_SLICE, Set.of(svc));
        }
    }

    Set<String> sliceKeys() {
        return Set.copyOf(sliceOwners.keySet());
    }

    // ---- BGPPolicies ----

    /** Whether the policy was read at this generation already, valid or not: then it need not be read again. */
    boolean policyRead(String name, Long generation) {
        BgpPolicy old = policies.get(name);
        return generation != null && (old != null ? old.generation() == generation
                : generation.equals(invalidGenerations.get(name)));
    }

    void putPolicy(BgpPolicy p) {
        policies.put(p.name(), p);
        invalidPolicies.remove(p.name());
        invalidGenerations.remove(p.name());
        fire(Kind.BGP_POLICY, Set.of(p.name()));
    }

    /** A policy whose spec is invalid, found so at {@code generation} (null when the object has none). */
    void putInvalidPolicy(String name, String reason, Long generation) {
        policies.remove(name);
        invalidPolicies.put(name, reason);
        if (generation != null) {
            invalidGenerations.put(name, generation);
        } else {
            invalidGenerations.remove(name);
        }
        fire(Kind.BGP_POLICY, Set.of(name));
    }

    void removePolicy(String name) {
        policies.remove(name);
        invalidPolicies.remove(name);
        invalidGenerations.remove(name);
        fire(Kind.BGP_POLICY, Set.of(name));
    }

    /** Every policy, valid or not. */
    Set<String> policyNames() {
        Set<String> all = new HashSet<>(policies.keySet());
        all.addAll(invalidPolicies.keySet());
        return all;
    }

    // ---- the password Secret ----

    void putPasswords(Map<String, String> p) {
        secretSeen = true;
        if (!p.equals(passwords)) {
            passwords = Map.copyOf(p);
            fire(Kind.SECRET, Set.of(InformerClusterState.PASSWORD_SECRET));
        }
    }

    void removePasswords() {
        secretSeen = false;
        passwords = Map.of();
        fire(Kind.SECRET, Set.of(InformerClusterState.PASSWORD_SECRET));
    }

    boolean secretSeen() {
        return secretSeen;
    }

    // ---- Egresses ----

    void putEgress(EgressInfo info) {
        EgressInfo old = egresses.put(info.name(), info);
        if (!info.equals(old)) {
            fire(Kind.EGRESS, Set.of(info.name()));
        }
    }

    void removeEgress(String name) {
        if (egresses.remove(name) != null) {
            fire(Kind.EGRESS, Set.of(name));
        }
    }

    Set<String> egressNames() {
        return Set.copyOf(egresses.keySet());
    }

    // ---- reads and listeners ----

    List<BgpPolicy> bgpPolicies() {
        return List.copyOf(policies.values());
    }

    Map<String, String> invalidPolicies() {
        return Map.copyOf(invalidPolicies);
    }

    Map<String, String> bgpPasswords() {
        return passwords;
    }

    Collection<ServiceInfo> services() {
        return List.copyOf(services.values());
    }

    Optional<ServiceInfo> service(String key) {
        return Optional.ofNullable(services.get(key));
    }

    List<EndpointInfo> endpoints(String serviceKey) {
        Map<String, List<EndpointInfo>> bySlice = endpoints.get(serviceKey);
        if (bySlice == null) {
            return List.of();
        }
        List<EndpointInfo> out = new ArrayList<>();
        bySlice.values().forEach(out::addAll);
        return out;
    }

    Collection<EgressInfo> egresses() {
        return List.copyOf(egresses.values());
    }

    Registration addListener(Listener listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** Tells every listener; one that throws is logged and does not keep the others from being told. */
    void fire(Kind kind, Set<String> keys) {
        for (Listener l : listeners) {
            try {
                l.changed(kind, keys);
            } catch (RuntimeException e) {
                LOG.warn("A ClusterState listener failed on {} {}: {}", kind, keys, e.toString());
            }
        }
    }
}
