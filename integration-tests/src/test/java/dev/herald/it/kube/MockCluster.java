package dev.herald.it.kube;

import dev.herald.simulator.cluster.ClusterConfig;
import dev.herald.simulator.cluster.EmulatedCluster;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A Kubernetes API over HTTP with list and watch and a kubeconfig pointing at it, for agents under test to connect
 * to as they would to a real cluster: the simulator's emulated cluster (fabric8's mock server in CRUD mode, made to
 * behave like a cluster), with the few calls these tests use.
 */
public final class MockCluster implements AutoCloseable {
    public static final ResourceDefinitionContext BGP_POLICIES = EmulatedCluster.BGP_POLICIES;

    private final EmulatedCluster cluster;

    public MockCluster(Path dir) throws IOException {
        cluster = new EmulatedCluster(dir, ClusterConfig.DEFAULT);
    }

    /** The API server becomes unreachable for the agents (their connections drop, new ones are refused). */
    public void cutAgentsOff() {
        cluster.cutAgentsOff();
    }

    public void reconnectAgents() {
        cluster.reconnectAgents();
    }

    public KubernetesClient client() {
        return cluster.client();
    }

    public Path kubeconfig() {
        return cluster.kubeconfig();
    }

    /** A Node with an InternalIP, labels and Pod CIDRs, as kubelet and the node IPAM controller would set it. */
    public void node(String name, String internalIp, Map<String, String> labels, String... podCidrs) {
        cluster.node(name, List.of(internalIp), labels, Arrays.asList(podCidrs));
    }

    /** Applies a YAML manifest of a BGPPolicy, as {@code kubectl apply -f} would. */
    public void applyBgpPolicy(String yaml) {
        cluster.apply(yaml);
    }

    /** This node's condition in a BGPPolicy's status, as "True Applied: message", or "" when it has none. */
    @SuppressWarnings("unchecked")
    public String policyCondition(String policy, String node) {
        GenericKubernetesResource r = client().genericKubernetesResources(BGP_POLICIES).withName(policy).get();
        if (r == null || !(r.getAdditionalProperties().get("status") instanceof Map<?, ?> status)
                || !(status.get("conditions") instanceof List<?> conditions)) {
            return "";
        }
        for (Object o : conditions) {
            Map<String, Object> c = (Map<String, Object>) o;
            if (node.equals(c.get("nodeName"))) {
                return c.get("status") + " " + c.get("reason") + ": " + c.get("message");
            }
        }
        return "";
    }

    /** Applies any built-in object from YAML (Service, EndpointSlice, Secret, ...). */
    public void apply(String yaml) {
        cluster.apply(yaml);
    }

    @Override
    public void close() {
        cluster.close();
    }
}
