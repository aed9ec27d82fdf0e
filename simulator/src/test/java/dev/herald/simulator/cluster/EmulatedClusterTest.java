package dev.herald.simulator.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The emulated cluster behaves like a cluster, seen through a real client over HTTP. */
class EmulatedClusterTest {
    @TempDir
    Path tmp;
    private EmulatedCluster cluster;

    @BeforeEach
    void setUp() throws Exception {
        cluster = new EmulatedCluster(tmp, ClusterConfig.DEFAULT);
        cluster.node("node1", List.of("127.0.0.11"), Map.of("bgp", "on"), List.of("10.244.1.0/24", "fd00:10:244:1::/64"));
        cluster.node("node2", List.of("127.0.0.12"), Map.of("bgp", "on"), List.of("10.244.2.0/24", "fd00:10:244:2::/64"));
    }

    @AfterEach
    void tearDown() {
        cluster.close();
    }

    private Service service(String name) {
        return cluster.client().services().inNamespace("default").withName(name).get();
    }

    @Test
    void servicesGetClusterIpsOfTheirFamiliesAndKeepThemAcrossUpdates() {
        cluster.apply("""
                apiVersion: v1
                kind: Service
                metadata: {name: web}
                spec: {ports: [{port: 80}]}
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: dual}
                spec: {ipFamilyPolicy: PreferDualStack, ports: [{port: 80}]}
                """);
        assertThat(service("web").getSpec().getClusterIP()).startsWith("10.96.");
        assertThat(service("dual").getSpec().getClusterIPs()).hasSize(2).anyMatch(ip -> ip.startsWith("fd00:10:96::"));
        String ip = service("web").getSpec().getClusterIP();
        cluster.apply("""
                apiVersion: v1
                kind: Service
                metadata: {name: web, labels: {changed: "yes"}}
                spec: {ports: [{port: 8080}]}
                """);
        assertThat(service("web").getSpec().getClusterIP()).isEqualTo(ip);
        assertThat(service("web").getSpec().getClusterIP()).isNotEqualTo(service("dual").getSpec().getClusterIP());
    }

    @Test
    void aSecretsStringDataIsStoredAsData() {
        cluster.apply("""
                apiVersion: v1
                kind: Secret
                metadata: {name: antrea-bgp-passwords, namespace: kube-system}
                data: {"10.0.0.1-65000": b2xk}
                stringData: {"10.0.0.2-65000": s3cret}
                """);
        var secret = cluster.client().secrets().inNamespace("kube-system").withName("antrea-bgp-passwords").get();
        assertThat(secret.getStringData()).isNullOrEmpty();
        assertThat(secret.getData()).containsEntry("10.0.0.1-65000", "b2xk")
                .containsEntry("10.0.0.2-65000", "czNjcmV0");
    }

    @Test
    void loadBalancersGetIngressIpsFromThePool() {
        cluster.apply("""
                apiVersion: v1
                kind: Service
                metadata: {name: lb}
                spec: {type: LoadBalancer, ipFamilyPolicy: RequireDualStack, ports: [{port: 443}]}
                """);
        assertThat(service("lb").getStatus().getLoadBalancer().getIngress()).extracting(i -> i.getIp())
                .hasSize(2).anyMatch(ip -> ip.startsWith("10.200.0.")).anyMatch(ip -> ip.startsWith("fd00:10:200::"));
    }

    @Test
    void podsYieldEndpointSlicesWithTheirConditions() {
        cluster.apply("""
                apiVersion: v1
                kind: Service
                metadata: {name: web}
                spec: {selector: {app: web}, ports: [{port: 80}]}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: web-1, labels: {app: web}}
                spec: {nodeName: node1, containers: [{name: c, image: x}]}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: web-2, labels: {app: web}}
                spec: {nodeName: node2, containers: [{name: c, image: x}]}
                status: {conditions: [{type: Ready, status: "False"}]}
                """);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            List<EndpointSlice> slices = cluster.client().discovery().v1().endpointSlices().inNamespace("default")
                    .withLabel("kubernetes.io/service-name", "web").list().getItems();
            assertThat(slices).hasSize(1);
            assertThat(slices.get(0).getEndpoints()).extracting(e -> e.getNodeName() + " "
                    + e.getConditions().getReady() + " " + e.getAddresses().get(0).substring(0, 9))
                    .containsExactly("node1 true 10.244.1.", "node2 false 10.244.2.");
        });
        cluster.terminate("default", "web-1");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(cluster.client().discovery().v1()
                .endpointSlices().inNamespace("default").withName("web-ipv4").get().getEndpoints().get(0)
                .getConditions().getTerminating()).isTrue());
    }

    @SuppressWarnings("unchecked")
    private String egressNode(String name) {
        GenericKubernetesResource e = cluster.client().genericKubernetesResources(EmulatedCluster.EGRESSES)
                .withName(name).get();
        return String.valueOf(((Map<String, Object>) e.getAdditionalProperties().get("status")).get("egressNode"));
    }

    @Test
    void egressesGetAnIpAndANodeAndMoveWhenTheNodeGoes() {
        cluster.apply("""
                apiVersion: crd.antrea.io/v1beta1
                kind: Egress
                metadata: {name: egress-a}
                spec: {appliedTo: {podSelector: {matchLabels: {app: web}}}}
                """);
        String first = egressNode("egress-a");
        assertThat(first).isIn("node1", "node2");
        cluster.delete("Node", null, first);
        await().atMost(Duration.ofSeconds(10)).until(() -> !egressNode("egress-a").equals(first));
        assertThat(egressNode("egress-a")).isIn("node1", "node2");
    }

    @Test
    @SuppressWarnings("unchecked")
    void bgpPoliciesGetTheCrdDefaults() {
        cluster.apply("""
                apiVersion: crd.antrea.io/v1alpha1
                kind: BGPPolicy
                metadata: {name: p}
                spec:
                  nodeSelector: {}
                  localASN: 64512
                  bgpPeers: [{address: 127.0.1.1, asn: 65000}]
                """);
        Map<String, Object> spec = (Map<String, Object>) cluster.client()
                .genericKubernetesResources(EmulatedCluster.BGP_POLICIES).withName("p").get()
                .getAdditionalProperties().get("spec");
        assertThat(spec).containsEntry("listenPort", 179);
        assertThat((List<Map<String, Object>>) spec.get("bgpPeers")).first().asInstanceOf(
                org.assertj.core.api.InstanceOfAssertFactories.MAP).containsEntry("port", 179)
                .containsEntry("multihopTTL", 1).containsEntry("gracefulRestartTimeSeconds", 120);
    }

    @Test
    void discoveryIsServedForKubectlAndTheKubeconfigWorks() throws Exception {
        String server = Files.readAllLines(cluster.kubeconfig()).stream().filter(l -> l.contains("server:"))
                .findFirst().orElseThrow().replace("server:", "").trim();
        HttpClient http = HttpClient.newHttpClient();
        String apis = http.send(HttpRequest.newBuilder(URI.create(server + "/apis")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(apis).contains("\"crd.antrea.io\"").contains("discovery.k8s.io/v1");
        String group = http.send(HttpRequest.newBuilder(URI.create(server + "/apis/crd.antrea.io/v1alpha1")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(group).contains("\"bgppolicies\"").contains("\"BGPPolicy\"");
        assertThat(http.send(HttpRequest.newBuilder(URI.create(server + "/api/v1/nodes")).build(),
                HttpResponse.BodyHandlers.ofString()).body()).contains("node1");
        // kubectl create/apply look here for the server's field validation before they send anything
        String index = http.send(HttpRequest.newBuilder(URI.create(server + "/openapi/v3")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(index).contains("\"apis/crd.antrea.io/v1alpha1\"").contains("\"api/v1\"");
        String v3 = http.send(HttpRequest.newBuilder(URI.create(server + "/openapi/v3/apis/crd.antrea.io/v1alpha1"))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
        assertThat(v3).contains("/apis/crd.antrea.io/v1alpha1/bgppolicies/{name}").contains("fieldValidation")
                .contains("\"kind\":\"BGPPolicy\"");
    }

    @Test
    void aMergePatchWithNullRemovesTheKeyAsKubectlLabelExpects() {
        var merge = io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE);
        cluster.client().nodes().withName("node1").patch(merge, "{\"metadata\":{\"labels\":{\"zone\":\"a\"}}}");
        cluster.client().nodes().withName("node1").patch(merge, "{\"metadata\":{\"labels\":{\"bgp\":null}}}");
        assertThat(cluster.client().nodes().withName("node1").get().getMetadata().getLabels())
                .containsExactly(Map.entry("zone", "a"));
        assertThat(MergePatches.json(Map.of("a", Map.of("b", 1, "c", 2), "d", List.of(1)),
                new java.util.HashMap<>(Map.of("a", new java.util.HashMap<>(java.util.Collections.singletonMap("b",
                        null)), "d", List.of(2))))).isEqualTo(Map.of("a", Map.of("c", 2), "d", List.of(2)));
    }

    @Test
    void metadataWrittenThroughNodeStatusIsKept() {
        cluster.client().nodes().withName("node1").subresource("status").patch(
                io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                        io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
                "{\"metadata\":{\"annotations\":{\"node.antrea.io/bgp-router-id\":\"10.0.0.1\"}}}");
        assertThat(cluster.client().nodes().withName("node1").get().getMetadata().getAnnotations())
                .containsEntry("node.antrea.io/bgp-router-id", "10.0.0.1");
    }

    @Test
    void anUpdateOfAStaleVersionIsAConflict() {
        cluster.apply("""
                apiVersion: v1
                kind: Service
                metadata: {name: web}
                spec: {ports: [{port: 80}]}
                """);
        Service first = service("web");
        Service changed = service("web");
        changed.getMetadata().setLabels(Map.of("changed", "yes"));
        cluster.client().services().inNamespace("default").resource(changed).update();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> cluster.client().services().inNamespace("default")
                .resource(first).update()).hasMessageContaining("409");
    }
}
