package dev.herald.simulator.cluster;

import dev.herald.testing.TcpProxy;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A Kubernetes cluster in a box: a Kubernetes API over HTTP with list and watch (fabric8's mock server in CRUD mode
 * is the engine) that behaves like a cluster — discovery for kubectl, ClusterIP and LoadBalancer IP allocation,
 * EndpointSlices from Pods, Egress placement and failover, CRD defaults — plus a kubeconfig for clients. Agents reach
 * the API through a proxy, so a scenario can take the API server away from them and give it back.
 */
public final class EmulatedCluster implements AutoCloseable {
    public static final ResourceDefinitionContext BGP_POLICIES = new ResourceDefinitionContext.Builder()
            .withGroup("crd.antrea.io").withVersion("v1alpha1").withPlural("bgppolicies").withKind("BGPPolicy")
            .withNamespaced(false).build();
    public static final ResourceDefinitionContext EGRESSES = new ResourceDefinitionContext.Builder()
            .withGroup("crd.antrea.io").withVersion("v1beta1").withPlural("egresses").withKind("Egress")
            .withNamespaced(false).build();

    /**
     * The User-Agent of the cluster's own client ({@link #client()}: the emulated controllers, the scenario's
     * objects), so that {@link #requests()} tells it apart from the agents' and kubectl's.
     */
    public static final String USER_AGENT = "herald-simulator";

    private final KubernetesMockServer server;
    private final ClusterDispatcher dispatcher;
    private final KubernetesClient client;
    private final TcpProxy proxy;
    private final Path kubeconfig;
    private final ClusterControllers controllers;

    public EmulatedCluster(Path dir, ClusterConfig config) throws IOException {
        dispatcher = new ClusterDispatcher(config);
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        URI api = URI.create(server.url("/"));
        io.fabric8.kubernetes.client.Config cfg = new io.fabric8.kubernetes.client.ConfigBuilder(
                io.fabric8.kubernetes.client.Config.empty()).withMasterUrl(api.toString()).withRequestTimeout(10_000)
                .withUserAgent(USER_AGENT).build();
        client = new io.fabric8.kubernetes.client.KubernetesClientBuilder().withConfig(cfg)
                .withHttpClientFactory(dev.herald.kube.KubeClients.httpClientFactory(cfg)).build();
        proxy = new TcpProxy(new InetSocketAddress(InetAddress.getLoopbackAddress(), api.getPort()));
        Files.createDirectories(dir);
        kubeconfig = dir.resolve("kubeconfig");
        Files.writeString(kubeconfig, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: herald-sim
                  cluster:
                    server: %s
                users:
                - name: herald
                  user: {}
                contexts:
                - name: herald-sim
                  context: {cluster: herald-sim, user: herald, namespace: default}
                current-context: herald-sim
                """.formatted("http://127.0.0.1:" + proxy.port()));
        controllers = new ClusterControllers(client, dispatcher).start();
    }

    /** A kubeconfig for agents and for kubectl; it goes through the proxy that {@link #cutAgentsOff()} cuts. */
    public Path kubeconfig() {
        return kubeconfig;
    }

    /** The simulator's own client, straight to the API server (never cut off). */
    public KubernetesClient client() {
        return client;
    }

    /**
     * Every request the API server served so far, oldest first (the newest 100,000): who asked (User-Agent, bearer
     * token's identity) for what (verb, group, resource, subresource, namespace, name).
     */
    public List<ApiRequest> requests() {
        return dispatcher.requests.all();
    }

    /**
     * Writes {@link #requests()} to {@code file} as JSON lines, one object per request with the fields of
     * {@link ApiRequest}, and from then on each request as it is served, until the cluster closes.
     */
    public void writeRequests(Path file) throws IOException {
        dispatcher.requests.writeTo(file);
    }

    /** The API server becomes unreachable for clients of the kubeconfig: connections drop, new ones are refused. */
    public void cutAgentsOff() {
        proxy.cut();
    }

    public void reconnectAgents() {
        proxy.restore();
    }

    /** A Node as kubelet and the node IPAM controller would leave it: InternalIPs, labels, Pod CIDRs. */
    public void node(String name, List<String> internalIps, Map<String, String> labels, List<String> podCidrs) {
        NodeBuilder b = new NodeBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata()
                .withNewSpec().withPodCIDR(podCidrs.isEmpty() ? null : podCidrs.get(0)).withPodCIDRs(podCidrs)
                .endSpec().withNewStatus().addNewCondition().withType("Ready").withStatus("True").endCondition()
                .withNewNodeInfo().withKubeletVersion(Discovery.VERSION).endNodeInfo().endStatus();
        for (String ip : internalIps) {
            b.editStatus().addNewAddress().withType("InternalIP").withAddress(ip).endAddress().endStatus();
        }
        b.editStatus().addNewAddress().withType("Hostname").withAddress(name).endAddress().endStatus();
        client.nodes().resource(b.build()).createOr(n -> n.update());
    }

    /** Sets labels of a Node; a null value removes the label. */
    public void label(String node, Map<String, String> labels) {
        client.nodes().withName(node).edit(n -> {
            Map<String, String> l = new java.util.LinkedHashMap<>(n.getMetadata().getLabels() == null ? Map.of()
                    : n.getMetadata().getLabels());
            labels.forEach((k, v) -> {
                if (v == null) {
                    l.remove(k);
                } else {
                    l.put(k, v);
                }
            });
            n.getMetadata().setLabels(l);
            return n;
        });
    }

    /** Creates or replaces every object of a YAML stream (---separated), built-in kinds and Antrea's CRDs alike. */
    public List<String> apply(String yaml) {
        List<String> applied = new ArrayList<>();
        for (String doc : yaml.split("(?m)^---\\s*$")) {
            if (doc.isBlank()) {
                continue;
            }
            GenericKubernetesResource r = Serialization.unmarshal(doc, GenericKubernetesResource.class);
            if (r == null) {
                continue;
            }
            ResourceDefinitionContext crd = crd(r.getApiVersion(), r.getKind());
            if (crd != null) {
                ApiEdits.retryOnConflict(() -> client.genericKubernetesResources(crd).resource(r).createOr(x -> x.update()));
            } else {
                HasMetadata typed = Serialization.unmarshal(doc);
                if (typed.getMetadata().getNamespace() == null && namespaced(typed.getKind())) {
                    typed.getMetadata().setNamespace("default");
                }
                ApiEdits.retryOnConflict(() -> client.resource(typed).createOr(x -> x.update()));
            }
            applied.add(r.getKind() + " " + (r.getMetadata().getNamespace() == null ? ""
                    : r.getMetadata().getNamespace() + "/") + r.getMetadata().getName());
        }
        return applied;
    }

    /** Deletes an object; {@code namespace} is ignored for cluster-scoped kinds. True when it existed. */
    public boolean delete(String kind, String namespace, String name) {
        ResourceDefinitionContext crd = crd(null, kind);
        if (crd != null) {
            return deleteIfPresent(client.genericKubernetesResources(crd).withName(name));
        }
        String ns = namespace == null || namespace.isEmpty() ? "default" : namespace;
        switch (kind) {
            case "Node":
                return deleteIfPresent(client.nodes().withName(name));
            case "Service":
                return deleteIfPresent(client.services().inNamespace(ns).withName(name));
            case "Pod":
                return deleteIfPresent(client.pods().inNamespace(ns).withName(name));
            case "Secret":
                return deleteIfPresent(client.secrets().inNamespace(ns).withName(name));
            case "EndpointSlice":
                return deleteIfPresent(client.discovery().v1().endpointSlices().inNamespace(ns).withName(name));
            default:
                throw new IllegalArgumentException("delete: unknown kind " + kind);
        }
    }

    /**
     * Looked up first: the answer of the delete itself is not enough, because a request the client retried (its
     * first answer lost while the mock was busy) finds the object already gone and reports nothing deleted.
     */
    private static boolean deleteIfPresent(io.fabric8.kubernetes.client.dsl.Resource<?> resource) {
        if (resource.get() == null) {
            return false;
        }
        resource.delete();
        return true;
    }

    /**
     * Starts a graceful Pod deletion: the Pod is terminating and still serving until deleted. The mock drops a
     * deletionTimestamp written by a client, so the mark is an annotation that the emulated EndpointSlice
     * controller reads (Herald only sees the EndpointSlice, as on a real cluster).
     */
    public void terminate(String namespace, String name) {
        client.pods().inNamespace(namespace == null ? "default" : namespace).withName(name).edit(p -> {
            p.getMetadata().getAnnotations().put(ClusterControllers.TERMINATING, java.time.Instant.now().toString());
            return p;
        });
    }

    /** True when the cluster's controllers have nothing queued. */
    public boolean settled() {
        return controllers.idle(dispatcher.serviceCount());
    }

    /**
     * Waits until the cluster's controllers have had nothing to do for a moment (their watches deliver what was
     * written shortly after), as a cluster an agent is deployed to has its EndpointSlices written already. False when
     * {@code max} passed first.
     */
    public boolean awaitSettled(java.time.Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        int quiet = 0;
        while (quiet < 3) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(100);
            quiet = settled() ? quiet + 1 : 0;
        }
        return true;
    }

    private static ResourceDefinitionContext crd(String apiVersion, String kind) {
        if ("BGPPolicy".equals(kind)) {
            return BGP_POLICIES;
        }
        if ("Egress".equals(kind)) {
            return EGRESSES;
        }
        return null;
    }

    private static boolean namespaced(String kind) {
        return !List.of("Node", "Namespace", "CustomResourceDefinition").contains(kind);
    }

    @Override
    public void close() {
        controllers.close();
        try {
            proxy.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        client.close();
        try {
            server.destroy();
        } catch (IllegalStateException e) {
            // the mock web server gives up waiting for connections that are closing anyway
            org.slf4j.LoggerFactory.getLogger(EmulatedCluster.class).debug("Stopping the API server: {}",
                    e.getMessage());
        }
        dispatcher.requests.close();
    }
}
