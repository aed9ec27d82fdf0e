package dev.herald.it.kube;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A Kubernetes API over HTTP with list and watch (fabric8's mock server in CRUD mode) and a kubeconfig pointing at
 * it, for agents under test to connect to as they would to a real cluster.
 */
public final class MockCluster implements AutoCloseable {
    public static final ResourceDefinitionContext BGP_POLICIES = new ResourceDefinitionContext.Builder()
            .withGroup("crd.antrea.io").withVersion("v1alpha1").withPlural("bgppolicies").withKind("BGPPolicy")
            .withNamespaced(false).build();

    private final KubernetesMockServer server;
    private final KubernetesClient client;
    private final Path kubeconfig;
    /** Agents reach the API through this proxy, so a test can take the API away from them. */
    private final TcpProxy proxy;

    public MockCluster(Path dir) throws IOException {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        server.init();
        client = server.createClient();
        java.net.URI api = java.net.URI.create(server.url("/"));
        proxy = new TcpProxy(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), api.getPort()));
        kubeconfig = dir.resolve("kubeconfig");
        Files.createDirectories(dir);
        Files.writeString(kubeconfig, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: mock
                  cluster:
                    server: %s
                users:
                - name: herald
                  user: {}
                contexts:
                - name: mock
                  context: {cluster: mock, user: herald}
                current-context: mock
                """.formatted("http://127.0.0.1:" + proxy.port()));
    }

    /** The API server becomes unreachable for the agents (their connections drop, new ones are refused). */
    public void cutAgentsOff() {
        proxy.cut();
    }

    public void reconnectAgents() {
        proxy.restore();
    }

    public KubernetesClient client() {
        return client;
    }

    public Path kubeconfig() {
        return kubeconfig;
    }

    /** A Node with an InternalIP, labels and Pod CIDRs, as kubelet and the node IPAM controller would set it. */
    public void node(String name, String internalIp, Map<String, String> labels, String... podCidrs) {
        client.nodes().resource(new NodeBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata()
                .withNewSpec().withPodCIDRs(podCidrs).endSpec()
                .withNewStatus().addNewAddress().withType("InternalIP").withAddress(internalIp).endAddress()
                .endStatus().build()).createOr(n -> n.update());
    }

    /** Applies a YAML manifest of a BGPPolicy, as {@code kubectl apply -f} would. */
    public void applyBgpPolicy(String yaml) {
        GenericKubernetesResource r = Serialization.unmarshal(yaml, GenericKubernetesResource.class);
        client.genericKubernetesResources(BGP_POLICIES).resource(r).createOr(x -> x.update());
    }

    /** This node's condition in a BGPPolicy's status, as "True Applied: message", or "" when it has none. */
    @SuppressWarnings("unchecked")
    public String policyCondition(String policy, String node) {
        GenericKubernetesResource r = client.genericKubernetesResources(BGP_POLICIES).withName(policy).get();
        if (r == null || !(r.getAdditionalProperties().get("status") instanceof Map<?, ?> status)
                || !(status.get("conditions") instanceof java.util.List<?> conditions)) {
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
        client.resource(yaml).createOr(x -> x.update());
    }

    @Override
    public void close() {
        try {
            proxy.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        client.close();
        server.destroy();
    }
}
