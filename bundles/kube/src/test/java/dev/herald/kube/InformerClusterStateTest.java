package dev.herald.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.api.spi.ClusterState;
import dev.herald.api.spi.Telemetry;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The informers against a real Kubernetes API over HTTP with watches: fabric8's mock server in CRUD mode. */
class InformerClusterStateTest {
    private KubernetesMockServer server;
    private KubernetesClient client;
    private InformerClusterState state;
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final List<String> watched = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        server = StallFreeDispatcher.startServer();
        client = server.createClient();
        state = new InformerClusterState(client, "node1", "kube-system").telemetry(new Telemetry() {
            @Override
            public void watchEvent(String kind, String type) {
                watched.add(kind + " " + type);
            }
        });
        state.addListener((kind, keys) -> events.add(kind + " " + keys));
        state.start();
        await().atMost(Duration.ofSeconds(10)).until(state::synced);
    }

    @AfterEach
    void stop() {
        state.close();
        client.close();
        server.destroy();
    }

    private static GenericKubernetesResource policy(String name, Map<String, Object> spec) {
        return new GenericKubernetesResourceBuilder().withApiVersion("crd.antrea.io/v1alpha1").withKind("BGPPolicy")
                .withNewMetadata().withName(name).endMetadata().addToAdditionalProperties("spec", spec).build();
    }

    @Test
    void everyWatchEventIsCountedByKindAndTypeAndTheApiIsReachable() {
        assertThat(state.apiReachable()).isTrue();
        var svc = client.services().inNamespace("default").resource(new ServiceBuilder().withNewMetadata()
                .withName("web").endMetadata().withNewSpec().withClusterIPs("10.96.0.10").endSpec().build()).create();
        client.services().inNamespace("default").resource(new ServiceBuilder(svc).editSpec()
                .withExternalIPs("203.0.113.10").endSpec().build()).update();
        client.services().inNamespace("default").withName("web").delete();
        await().atMost(Duration.ofSeconds(5)).until(() -> watched.contains("Service DELETED"));
        assertThat(watched).containsSubsequence("Service ADDED", "Service MODIFIED", "Service DELETED");
    }

    @Test
    void theLocalNodeOnlyWithItsAddressesLabelsAndPodCidrs() {
        client.nodes().resource(new NodeBuilder().withNewMetadata().withName("node1").addToLabels("bgp", "on")
                .endMetadata().withNewSpec().withPodCIDRs("10.244.1.0/24", "fd00:10:244:1::/64").endSpec()
                .withNewStatus().addNewAddress().withType("InternalIP").withAddress("192.168.0.11").endAddress()
                .addNewAddress().withType("Hostname").withAddress("node1").endAddress().endStatus().build()).create();
        client.nodes().resource(new NodeBuilder().withNewMetadata().withName("node2").endMetadata().build()).create();
        await().atMost(Duration.ofSeconds(5)).until(() -> state.localNode().isPresent());
        var n = state.localNode().orElseThrow();
        assertThat(n.name()).isEqualTo("node1");
        assertThat(n.labels()).containsEntry("bgp", "on");
        assertThat(n.internalIps()).extracting(Object::toString).containsExactly("192.168.0.11");
        assertThat(n.podCidrs()).extracting(a -> a.toCanonicalString())
                .containsExactly("10.244.1.0/24", "fd00:10:244:1::/64");
        assertThat(events).contains("NODE [node1]").noneMatch(e -> e.contains("node2"));
    }

    @Test
    void servicesAndTheirEndpointSlices() {
        client.services().inNamespace("default").resource(new ServiceBuilder().withNewMetadata().withName("web")
                .endMetadata().withNewSpec().withType("LoadBalancer").withClusterIPs("10.96.0.10", "fd00:96::10")
                .withExternalIPs("203.0.113.10").withExternalTrafficPolicy("Local").endSpec().withNewStatus()
                .withNewLoadBalancer().addNewIngress().withIp("198.51.100.7").endIngress().addNewIngress()
                .withHostname("lb.example.com").endIngress().endLoadBalancer().endStatus().build()).create();
        client.discovery().v1().endpointSlices().inNamespace("default").resource(new EndpointSliceBuilder()
                .withNewMetadata().withName("web-abc").addToLabels("kubernetes.io/service-name", "web").endMetadata()
                .withAddressType("IPv4").addNewEndpoint().withAddresses("10.244.1.5").withNodeName("node1")
                .withNewConditions().withReady(false).withServing(true).withTerminating(true).endConditions()
                .endEndpoint().addNewEndpoint().withAddresses("10.244.2.5").withNodeName("node2").endEndpoint()
                .build()).create();
        await().atMost(Duration.ofSeconds(5)).until(() -> state.endpoints("default/web").size() == 2);
        var svc = state.service("default/web").orElseThrow();
        assertThat(svc.isLoadBalancer()).isTrue();
        assertThat(svc.clusterIps()).hasSize(2);
        assertThat(svc.loadBalancerIps()).extracting(Object::toString).containsExactly("198.51.100.7/32");
        assertThat(svc.externalTrafficLocal()).isTrue();
        var eps = state.endpoints("default/web");
        assertThat(eps).anySatisfy(e -> {
            assertThat(e.nodeName()).contains("node1");
            assertThat(e.usableOn("node1")).isTrue(); // serving while terminating
        });
        assertThat(eps).anySatisfy(e -> assertThat(e.ready()).isTrue()); // absent conditions count as ready
        assertThat(events).contains("SERVICE [default/web]", "ENDPOINT_SLICE [default/web]");

        client.discovery().v1().endpointSlices().inNamespace("default").withName("web-abc").delete();
        await().atMost(Duration.ofSeconds(5)).until(() -> state.endpoints("default/web").isEmpty());
        client.services().inNamespace("default").withName("web").delete();
        await().atMost(Duration.ofSeconds(5)).until(() -> state.service("default/web").isEmpty());
    }

    @Test
    void policiesValidAndInvalid() {
        client.genericKubernetesResources(InformerClusterState.BGP_POLICIES).resource(policy("good",
                Map.of("nodeSelector", Map.of(), "localASN", 64512))).create();
        client.genericKubernetesResources(InformerClusterState.BGP_POLICIES).resource(policy("bad",
                Map.of("nodeSelector", Map.of(), "localASN", 99999))).create();
        await().atMost(Duration.ofSeconds(5)).until(() -> state.bgpPolicies().size() == 1
                && state.invalidPolicies().size() == 1);
        assertThat(state.bgpPolicies().get(0).name()).isEqualTo("good");
        assertThat(state.invalidPolicies()).containsEntry("bad", "spec.localASN 99999 is not in 1..65535");

        // every node writes its condition into the status: the invalid spec is not read (and logged) again for that
        var policies = client.genericKubernetesResources(InformerClusterState.BGP_POLICIES);
        events.clear();
        watched.clear();
        for (int i = 0; i < 3; i++) {
            var bad = policies.withName("bad").get();
            bad.getAdditionalProperties().put("status", Map.of("conditions", List.of(Map.of("type", "Effective",
                    "status", "False", "nodeName", "node" + i))));
            policies.resource(bad).updateStatus();
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> watched.stream()
                .filter(w -> w.equals("BGPPolicy MODIFIED")).count() == 3);
        assertThat(events).doesNotContain("BGP_POLICY [bad]");
        // a spec change is read again: fixed, the policy is valid
        policies.withName("bad").edit(p -> {
            p.getAdditionalProperties().put("spec", Map.of("nodeSelector", Map.of(), "localASN", 64513));
            return p;
        });
        await().atMost(Duration.ofSeconds(5)).until(() -> state.bgpPolicies().size() == 2);
        assertThat(state.invalidPolicies()).isEmpty();

        client.genericKubernetesResources(InformerClusterState.BGP_POLICIES).withName("good").delete();
        await().atMost(Duration.ofSeconds(5)).until(() -> state.bgpPolicies().size() == 1);
    }

    @Test
    void passwordsComeAndGoWithTheSecret() {
        client.secrets().inNamespace("kube-system").resource(new SecretBuilder().withNewMetadata()
                .withName("antrea-bgp-passwords").endMetadata().addToData("192.168.77.100-65000",
                        Base64.getEncoder().encodeToString("s3cret".getBytes(StandardCharsets.UTF_8))).build()).create();
        client.secrets().inNamespace("kube-system").resource(new SecretBuilder().withNewMetadata()
                .withName("other").endMetadata().addToData("x", "eA==").build()).create();
        await().atMost(Duration.ofSeconds(5)).until(() -> !state.bgpPasswords().isEmpty());
        assertThat(state.bgpPasswords()).containsExactly(Map.entry("192.168.77.100-65000", "s3cret"));
        client.secrets().inNamespace("kube-system").withName("antrea-bgp-passwords").delete();
        await().atMost(Duration.ofSeconds(5)).until(() -> state.bgpPasswords().isEmpty());
    }

    @Test
    void egressesWithTheirNode() {
        client.genericKubernetesResources(InformerClusterState.EGRESSES).resource(new GenericKubernetesResourceBuilder()
                .withApiVersion("crd.antrea.io/v1beta1").withKind("Egress").withNewMetadata().withName("eg1")
                .endMetadata().addToAdditionalProperties("status", Map.of("egressIP", "172.18.0.5",
                        "egressNode", "node1")).build()).create();
        await().atMost(Duration.ofSeconds(5)).until(() -> !state.egresses().isEmpty());
        var e = state.egresses().iterator().next();
        assertThat(e.egressIp().orElseThrow().toString()).isEqualTo("172.18.0.5");
        assertThat(e.egressNode()).contains("node1");
        assertThat(events).contains(ClusterState.Kind.EGRESS + " [eg1]");
    }

    @Test
    void syncedMeansEveryListedObjectIsInTheState() {
        for (int i = 0; i < 300; i++) {
            client.services().inNamespace("default").resource(new ServiceBuilder().withNewMetadata()
                    .withName("s" + i).endMetadata().withNewSpec().withClusterIP("10.96.1." + (i % 250))
                    .endSpec().build()).create();
        }
        // one round: closing an informer's watches stalls fabric8's mock server (its event loop waits on itself),
        // so a second fresh informer here would measure the mock
        try (InformerClusterState fresh = new InformerClusterState(client, "node1", "kube-system")) {
            fresh.start();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!fresh.synced()) {
                assertThat(System.nanoTime()).as("synced within 30 s").isLessThan(deadline);
                Thread.onSpinWait();
            }
            // fabric8 reports a sync when its store has the list; the handlers may still be receiving it
            assertThat(fresh.services()).hasSize(300);
        }
        // let the other state's watch deliver everything too: a watch closed with events still queued stalls the mock
        await().atMost(Duration.ofSeconds(30)).until(() -> state.services().size() == 300);
    }
}
