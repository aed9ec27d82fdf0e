package dev.herald.testing;

import dev.herald.api.BgpPolicy;
import dev.herald.api.EgressInfo;
import dev.herald.api.EndpointInfo;
import dev.herald.api.NodeInfo;
import dev.herald.api.ServiceInfo;
import dev.herald.api.spi.ClusterState;
import dev.herald.api.spi.Registration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link ClusterState} of plain objects that a test sets: each change fires its event as an informer would (the
 * {@code Quietly} variants do not, so that a test can batch several keys in one {@link #fire}). Counts the reads of
 * Services and endpoints, for tests of what a reader asks. Thread-safe; listeners are called on the calling thread,
 * after the change.
 */
public class InMemoryClusterState implements ClusterState {
    private final Map<String, ServiceInfo> services = new LinkedHashMap<>();
    private final Map<String, List<EndpointInfo>> endpoints = new LinkedHashMap<>();
    private final Map<String, EgressInfo> egresses = new LinkedHashMap<>();
    private final Map<String, BgpPolicy> policies = new LinkedHashMap<>();
    private final Map<String, String> invalidPolicies = new LinkedHashMap<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final AtomicInteger serviceReads = new AtomicInteger();
    private final AtomicInteger endpointReads = new AtomicInteger();
    private final AtomicInteger listReads = new AtomicInteger();
    private volatile NodeInfo node;
    private volatile Map<String, String> passwords = Map.of();
    private volatile boolean synced = true;
    private volatile boolean apiReachable = true;

    /** An empty, synced cluster. */
    public InMemoryClusterState() {
    }

    /** A synced cluster of one local Node under one policy. */
    public InMemoryClusterState(NodeInfo node, BgpPolicy policy) {
        this.node = node;
        policies.put(policy.name(), policy);
    }

    /** Sets the local Node. */
    public void setNode(NodeInfo n) {
        node = n;
        fire(Kind.NODE, n.name());
    }

    public void deleteNode(String name) {
        node = null;
        fire(Kind.NODE, name);
    }

    /** Adds or replaces a valid policy. */
    public void put(BgpPolicy policy) {
        synchronized (this) {
            policies.put(policy.name(), policy);
            invalidPolicies.remove(policy.name());
        }
        fire(Kind.BGP_POLICY, policy.name());
    }

    /** Records a policy whose spec is invalid, for {@link #invalidPolicies()}. */
    public void putInvalid(String policy, String reason) {
        synchronized (this) {
            policies.remove(policy);
            invalidPolicies.put(policy, reason);
        }
        fire(Kind.BGP_POLICY, policy);
    }

    public void deletePolicy(String name) {
        synchronized (this) {
            policies.remove(name);
            invalidPolicies.remove(name);
        }
        fire(Kind.BGP_POLICY, name);
    }

    /** Sets the passwords, keyed as {@link #bgpPasswords()} says. */
    public void setPasswords(Map<String, String> byPeer) {
        passwords = Map.copyOf(byPeer);
        fire(Kind.SECRET, "antrea-bgp-passwords"); // the key the informers use
    }

    public void put(ServiceInfo s) {
        putQuietly(s);
        fire(Kind.SERVICE, s.key());
    }

    /** Changes a Service without an event. */
    public synchronized void putQuietly(ServiceInfo s) {
        services.put(s.key(), s);
    }

    public void deleteService(String key) {
        synchronized (this) {
            services.remove(key);
        }
        fire(Kind.SERVICE, key);
    }

    /** Sets the endpoints of every EndpointSlice of the Service {@code serviceKey}. */
    public void setEndpoints(String serviceKey, EndpointInfo... list) {
        synchronized (this) {
            endpoints.put(serviceKey, List.of(list));
        }
        fire(Kind.ENDPOINT_SLICE, serviceKey);
    }

    public void put(EgressInfo e) {
        putQuietly(e);
        fire(Kind.EGRESS, e.name());
    }

    /** Changes an Egress without an event. */
    public synchronized void putQuietly(EgressInfo e) {
        egresses.put(e.name(), e);
    }

    public void deleteEgress(String name) {
        synchronized (this) {
            egresses.remove(name);
        }
        fire(Kind.EGRESS, name);
    }

    /** Whether every informer has listed its kind: absence means nothing before. Fires no event. */
    public void setSynced(boolean synced) {
        this.synced = synced;
    }

    /** Whether the API server answered its last probe. Fires no event. */
    public void setApiReachable(boolean reachable) {
        this.apiReachable = reachable;
    }

    /** Tells every listener of a change of these keys. */
    public void fire(Kind kind, String... keys) {
        Set<String> set = Set.of(keys);
        listeners.forEach(l -> l.changed(kind, set));
    }

    public int listenerCount() {
        return listeners.size();
    }

    /** How many times {@link #service(String)} was called. */
    public int serviceReads() {
        return serviceReads.get();
    }

    /** How many times {@link #endpoints(String)} was called. */
    public int endpointReads() {
        return endpointReads.get();
    }

    /** How many times {@link #services()} was called. */
    public int listReads() {
        return listReads.get();
    }

    @Override
    public Optional<NodeInfo> localNode() {
        return Optional.ofNullable(node);
    }

    @Override
    public synchronized List<BgpPolicy> bgpPolicies() {
        return List.copyOf(policies.values());
    }

    @Override
    public synchronized Map<String, String> invalidPolicies() {
        return Map.copyOf(invalidPolicies);
    }

    @Override
    public Map<String, String> bgpPasswords() {
        return passwords;
    }

    @Override
    public synchronized Collection<ServiceInfo> services() {
        listReads.incrementAndGet();
        return List.copyOf(services.values());
    }

    @Override
    public synchronized Optional<ServiceInfo> service(String key) {
        serviceReads.incrementAndGet();
        return Optional.ofNullable(services.get(key));
    }

    @Override
    public synchronized List<EndpointInfo> endpoints(String serviceKey) {
        endpointReads.incrementAndGet();
        return endpoints.getOrDefault(serviceKey, List.of());
    }

    @Override
    public synchronized Collection<EgressInfo> egresses() {
        return List.copyOf(egresses.values());
    }

    @Override
    public boolean synced() {
        return synced;
    }

    @Override
    public boolean apiReachable() {
        return apiReachable;
    }

    @Override
    public Registration addListener(Listener listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }
}
