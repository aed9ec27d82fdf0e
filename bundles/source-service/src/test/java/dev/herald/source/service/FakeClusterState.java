package dev.herald.source.service;

import dev.herald.api.BgpPolicy;
import dev.herald.api.EgressInfo;
import dev.herald.api.EndpointInfo;
import dev.herald.api.NodeInfo;
import dev.herald.api.ServiceInfo;
import dev.herald.api.spi.ClusterState;
import dev.herald.api.spi.Registration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/** Services and endpoints the test sets; each change fires its event as an informer would. Counts reads. */
final class FakeClusterState implements ClusterState {
    private final Map<String, ServiceInfo> services = new HashMap<>();
    private final Map<String, List<EndpointInfo>> endpoints = new HashMap<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    int serviceReads;
    int endpointReads;
    int listReads;

    void put(ServiceInfo s) {
        services.put(s.key(), s);
        fire(Kind.SERVICE, s.key());
    }

    /** Changes a Service without an event, to batch several keys in one {@link #fire}. */
    void putQuietly(ServiceInfo s) {
        services.put(s.key(), s);
    }

    void delete(String key) {
        services.remove(key);
        fire(Kind.SERVICE, key);
    }

    void setEndpoints(String serviceKey, EndpointInfo... list) {
        endpoints.put(serviceKey, List.of(list));
        fire(Kind.ENDPOINT_SLICE, serviceKey);
    }

    void fire(Kind kind, String... keys) {
        listeners.forEach(l -> l.changed(kind, Set.of(keys)));
    }

    int listenerCount() {
        return listeners.size();
    }

    @Override
    public Collection<ServiceInfo> services() {
        listReads++;
        return List.copyOf(services.values());
    }

    @Override
    public Optional<ServiceInfo> service(String key) {
        serviceReads++;
        return Optional.ofNullable(services.get(key));
    }

    @Override
    public List<EndpointInfo> endpoints(String serviceKey) {
        endpointReads++;
        return endpoints.getOrDefault(serviceKey, List.of());
    }

    @Override
    public Registration addListener(Listener listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    @Override
    public Optional<NodeInfo> localNode() {
        return Optional.empty();
    }

    @Override
    public List<BgpPolicy> bgpPolicies() {
        return List.of();
    }

    @Override
    public Map<String, String> invalidPolicies() {
        return Map.of();
    }

    @Override
    public Map<String, String> bgpPasswords() {
        return Map.of();
    }

    @Override
    public Collection<EgressInfo> egresses() {
        return List.of();
    }

    @Override
    public boolean synced() {
        return true;
    }
}
