package dev.herald.it;

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

/**
 * A cluster of plain objects that never changes: one node under one policy, no Services, Endpoints or Egresses (the
 * routes come from a route source the test supplies). For driving the reconciler without a Kubernetes API.
 */
public class OneNodeCluster implements ClusterState {
    private final NodeInfo node;
    private final BgpPolicy policy;

    public OneNodeCluster(NodeInfo node, BgpPolicy policy) {
        this.node = node;
        this.policy = policy;
    }

    @Override
    public Optional<NodeInfo> localNode() {
        return Optional.of(node);
    }

    @Override
    public List<BgpPolicy> bgpPolicies() {
        return List.of(policy);
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

    @Override
    public Registration addListener(Listener listener) {
        return () -> { };
    }
}
