package dev.herald.controller;

import dev.herald.api.BgpPolicy;
import dev.herald.api.NodeInfo;
import dev.herald.api.spi.ClusterState;
import dev.herald.api.spi.ClusterWriter;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * This node's condition in each policy's status (docs/bgp-policy.md, Behaviour §7): what the last pass says on the
 * effective policy (True after a good pass, False with the failed step after a bad one), False "Superseded" on the
 * other policies that select the node, False "InvalidSpec" on policies that do not parse; removed from policies that
 * no longer select it. Written only on a change, so steady passes cost the API server nothing. The loop thread
 * publishes; {@link #selectingPolicies()} may be read from any thread.
 */
final class StatusConditions {
    /** One policy's condition for this node. */
    record Condition(boolean effective, String reason, String message) {
    }

    private final ClusterState cluster;
    private final ClusterWriter writer;
    /** The conditions this node last wrote, by policy name. */
    private final Map<String, Condition> written = new HashMap<>();
    private volatile int selectingPolicies;

    StatusConditions(ClusterState cluster, ClusterWriter writer) {
        this.cluster = cluster;
        this.writer = writer;
    }

    /** Valid policies that select the local Node, as the last publication that could tell found. */
    int selectingPolicies() {
        return selectingPolicies;
    }

    /** Writes what changed; {@code onEffective} is asked only when a policy is effective on this node. */
    void publish(Supplier<Condition> onEffective) {
        if (!cluster.synced()) {
            return; // never report from ignorance
        }
        Optional<NodeInfo> node = cluster.localNode();
        if (node.isEmpty()) {
            return; // no Node object to name in a condition
        }
        NodeInfo n = node.get();
        Map<String, Condition> next = new HashMap<>();
        Optional<BgpPolicy> winner = PolicyElection.effective(cluster.bgpPolicies(), n);
        int selecting = 0;
        for (BgpPolicy p : cluster.bgpPolicies()) {
            if (!p.spec().nodeSelector().matches(n.labels())) {
                continue;
            }
            selecting++;
            if (winner.isPresent() && p.name().equals(winner.get().name())) {
                next.put(p.name(), onEffective.get());
            } else if (winner.isPresent()) {
                next.put(p.name(), new Condition(false, "Superseded", "BGPPolicy " + winner.get().name()
                        + " is effective on this Node (the oldest policy that selects a Node wins)"));
            }
        }
        selectingPolicies = selecting;
        cluster.invalidPolicies().forEach((name, why) ->
                next.put(name, new Condition(false, "InvalidSpec", "BGPPolicy is invalid and ignored: " + why)));
        for (Map.Entry<String, Condition> e : next.entrySet()) {
            if (!e.getValue().equals(written.get(e.getKey()))) {
                Condition c = e.getValue();
                writer.policyCondition(e.getKey(), n.name(), c.effective(), c.reason(), c.message());
            }
        }
        for (String gone : written.keySet()) {
            if (!next.containsKey(gone)) {
                writer.clearPolicyCondition(gone, n.name());
            }
        }
        written.clear();
        written.putAll(next);
    }
}
