package dev.herald.simulator.agent;

import dev.herald.api.BgpPolicy;
import dev.herald.api.EgressInfo;
import dev.herald.api.EndpointInfo;
import dev.herald.api.NodeInfo;
import dev.herald.api.ServiceInfo;
import dev.herald.api.spi.ClusterState;
import dev.herald.api.spi.Registration;
import dev.herald.kube.InformerClusterState;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One node's view of informers shared by many simulated agents: the local Node is this node, everything else is
 * the shared cache, and Node events reach only the agent whose Node changed. Scale scenarios use it, since a
 * hundred agents each listing every Service would measure the emulated API server, not Herald.
 */
final class NodeView implements ClusterState {
    private final InformerClusterState shared;
    private final String node;

    NodeView(InformerClusterState shared, String node) {
        this.shared = shared;
        this.node = node;
    }

    @Override
    public Optional<NodeInfo> localNode() {
        return shared.node(node);
    }

    @Override
    public List<BgpPolicy> bgpPolicies() {
        return shared.bgpPolicies();
    }

    @Override
    public Map<String, String> invalidPolicies() {
        return shared.invalidPolicies();
    }

    @Override
    public Map<String, String> bgpPasswords() {
        return shared.bgpPasswords();
    }

    @Override
    public Collection<ServiceInfo> services() {
        return shared.services();
    }

    @Override
    public Optional<ServiceInfo> service(String key) {
        return shared.service(key);
    }

    @Override
    public List<EndpointInfo> endpoints(String serviceKey) {
        return shared.endpoints(serviceKey);
    }

    @Override
    public Collection<EgressInfo> egresses() {
        return shared.egresses();
    }

    @Override
    public boolean synced() {
        return shared.synced();
    }

    @Override
    public Registration addListener(Listener listener) {
        return shared.addListener((kind, keys) -> {
            if (kind != Kind.NODE || keys.contains(node)) {
                listener.changed(kind, keys);
            }
        });
    }
}
