package dev.herald.api.spi;

import org.osgi.annotation.versioning.ProviderType;

/**
 * What Herald writes back to the cluster: the router-ID annotation of the local Node, Kubernetes Events and the
 * BGPPolicy's per-node status condition. Failures are the implementation's to log; they never fail the caller's
 * reconcile (a missed Event must not stop routes). Thread-safe; calls must not block for long.
 */
@ProviderType
public interface ClusterWriter {
    /** Sets {@code node.antrea.io/bgp-router-id} on the local Node, so the chosen ID stays stable. */
    void annotateRouterId(String node, String routerId);

    /**
     * Records an Event on the BGPPolicy {@code policy} (when not null) and on the Node {@code node}.
     *
     * @param warning a Warning event rather than a Normal one
     * @param reason a CamelCase reason, for example {@code PolicyEffective}, {@code BgpServerRestarted}
     */
    void event(String policy, String node, boolean warning, String reason, String message);

    /**
     * Sets this node's condition in the BGPPolicy's status ({@code status.conditions[]}, type {@code Effective},
     * keyed by {@code nodeName}), so {@code kubectl describe bgppolicy} shows on which nodes a policy runs, which
     * nodes it lost to another policy, and why a node failed. Only called when the condition changes.
     *
     * @param effective the policy runs on this node as it should
     * @param reason a CamelCase reason, for example {@code Applied}, {@code Superseded}, {@code InvalidRouterID}
     */
    default void policyCondition(String policy, String node, boolean effective, String reason, String message) {
    }

    /** Removes this node's condition from the BGPPolicy's status: the policy no longer selects the node. */
    default void clearPolicyCondition(String policy, String node) {
    }

    /** A writer that writes nothing, for tests and for running without a cluster. */
    ClusterWriter NONE = new ClusterWriter() {
        @Override
        public void annotateRouterId(String node, String routerId) {
        }

        @Override
        public void event(String policy, String node, boolean warning, String reason, String message) {
        }
    };
}
