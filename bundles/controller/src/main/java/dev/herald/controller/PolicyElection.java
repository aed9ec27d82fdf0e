package dev.herald.controller;

import dev.herald.api.BgpPolicy;
import dev.herald.api.NodeInfo;
import java.util.Collection;
import java.util.Optional;

/**
 * Which BGPPolicy is effective on a node (docs/bgp-policy.md, Behaviour §2): the oldest of those whose node
 * selector matches the Node's labels; equal creation times are broken by name, so the choice never depends on
 * listing order.
 */
public final class PolicyElection {
    private PolicyElection() {
    }

    public static Optional<BgpPolicy> effective(Collection<BgpPolicy> policies, NodeInfo node) {
        return policies.stream()
                .filter(p -> p.spec().nodeSelector().matches(node.labels()))
                .min(BgpPolicy.AGE_ORDER);
    }
}
