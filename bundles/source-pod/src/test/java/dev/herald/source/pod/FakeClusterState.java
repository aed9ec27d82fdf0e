package dev.herald.source.pod;

import dev.herald.api.BgpPolicy;
import dev.herald.api.EgressInfo;
import dev.herald.api.EndpointInfo;
import dev.herald.api.NodeInfo;
import dev.herald.api.ServiceInfo;
import dev.herald.api.spi.ClusterState;
import dev.herald.api.spi.Registration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/** A local Node the test sets; each change fires a NODE event as an informer would. */
final class FakeClusterState implements ClusterState {
    private volatile NodeInfo node;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();

    void setNode(NodeInfo n) {
        node = n;
        fire(Kind.NODE, n.name());
    }

    void deleteNode(String name) {
        node = null;
        fire(Kind.NODE, name);
    }

    void fire(Kind kind, String... keys) {
        listeners.forEach(l -> l.changed(kind, Set.of(keys)));
    }

    int listenerCount() {
        return listeners.size();
    }

    @Override
    public Optional<NodeInfo> localNode() {
        return Optional.ofNullable(node);
    }

    @Override
    public Registration addListener(Listener listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
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
    public Collection<ServiceInfo> services() {
        return List.of();
    }

    @Override
    public Optional<ServiceInfo> service(String key) {
        return Optional.empty();
    }

    @Override
    public List<EndpointInfo> endpoints(String serviceKey) {
        return List.of();
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
