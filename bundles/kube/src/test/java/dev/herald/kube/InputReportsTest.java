package dev.herald.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Values the informers skip become Warning Events on their objects, naming the field (docs/robustness.md,
 * "Hostile cluster input"): once per problem, not on every event about the object.
 */
class InputReportsTest {
    private KubernetesMockServer server;
    private KubernetesClient client;
    private ExecutorService executor;
    private InformerClusterState state;

    @BeforeEach
    void start() {
        server = StallFreeDispatcher.startServer();
        client = server.createClient();
        executor = KubeClients.executor("test-writer");
        state = new InformerClusterState(client, "node1", "kube-system")
                .reportingTo(new KubeClusterWriter(client, executor)).start();
        await().atMost(Duration.ofSeconds(10)).until(state::synced);
    }

    @AfterEach
    void stop() {
        state.close();
        executor.shutdownNow();
        client.close();
        server.destroy();
    }

    private List<Event> eventsAbout(String kind, String name) {
        return client.v1().events().inAnyNamespace().list().getItems().stream()
                .filter(e -> kind.equals(e.getInvolvedObject().getKind())
                        && name.equals(e.getInvolvedObject().getName())).toList();
    }

    @Test
    void aServiceIpThatIsNotOneIsAWarningOnTheServiceOnceInItsNamespace() {
        var created = client.services().inNamespace("shop").resource(new ServiceBuilder().withNewMetadata()
                .withName("web").endMetadata().withNewSpec().withClusterIPs("10.96.0.10")
                .withExternalIPs("999.1.1.1", "192.0.2.7").endSpec().build()).create();
        await().atMost(Duration.ofSeconds(5)).until(() -> !eventsAbout("Service", "web").isEmpty());
        Event e = eventsAbout("Service", "web").get(0);
        assertThat(e.getType()).isEqualTo("Warning");
        assertThat(e.getReason()).isEqualTo("InvalidField");
        assertThat(e.getMessage()).startsWith("spec.externalIPs[0] '999.1.1.1' is not an IP address")
                .endsWith("; ignored");
        assertThat(e.getMetadata().getNamespace()).isEqualTo("shop");
        assertThat(e.getInvolvedObject().getUid()).isEqualTo(created.getMetadata().getUid());
        assertThat(e.getSource().getHost()).isEqualTo("node1");
        assertThat(state.service("shop/web").orElseThrow().externalIps()).hasSize(1);

        // another change that leaves the problem as it was: no second Event
        client.services().inNamespace("shop").withName("web").edit(s -> {
            s.getMetadata().setLabels(Map.of("tier", "front"));
            return s;
        });
        client.services().inNamespace("shop").resource(new ServiceBuilder().withNewMetadata().withName("other")
                .endMetadata().withNewSpec().withClusterIPs("10.96.0.11").withExternalIPs("fd00::zz").endSpec()
                .build()).create();
        await().atMost(Duration.ofSeconds(5)).until(() -> !eventsAbout("Service", "other").isEmpty());
        assertThat(eventsAbout("Service", "web")).hasSize(1);

        // a second agent sees the same problem: its Event has the same name, so the cluster keeps one
        try (InformerClusterState node2 = new InformerClusterState(client, "node2", "kube-system")
                .reportingTo(new KubeClusterWriter(client, executor)).start()) {
            await().atMost(Duration.ofSeconds(10)).until(() -> node2.service("shop/other").isPresent());
            client.services().inNamespace("shop").resource(new ServiceBuilder().withNewMetadata().withName("third")
                    .endMetadata().withNewSpec().withClusterIPs("10.96.0.12").withExternalIPs("1.2.3").endSpec()
                    .build()).create();
            await().atMost(Duration.ofSeconds(5)).until(() -> node2.service("shop/third").isPresent()
                    && state.service("shop/third").isPresent());
            await().pollDelay(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
                    .until(() -> !eventsAbout("Service", "third").isEmpty());
        }
        assertThat(eventsAbout("Service", "web")).hasSize(1);
        assertThat(eventsAbout("Service", "other")).hasSize(1);
        assertThat(eventsAbout("Service", "third")).hasSize(1);
    }

    @Test
    void anEgressOnANodeThatDoesNotExistIsAWarningOnTheEgress() {
        var egresses = client.genericKubernetesResources(InformerClusterState.EGRESSES);
        egresses.resource(new GenericKubernetesResourceBuilder().withApiVersion("crd.antrea.io/v1beta1")
                .withKind("Egress").withNewMetadata().withName("e1").endMetadata().addToAdditionalProperties("status",
                        Map.of("egressIP", "10.201.0.9", "egressNode", "ghost")).build()).create();
        client.nodes().resource(new io.fabric8.kubernetes.api.model.NodeBuilder().withNewMetadata().withName("node3")
                .endMetadata().build()).create();
        egresses.resource(new GenericKubernetesResourceBuilder().withApiVersion("crd.antrea.io/v1beta1")
                .withKind("Egress").withNewMetadata().withName("e2").endMetadata().addToAdditionalProperties("status",
                        Map.of("egressIP", "10.201.0.10", "egressNode", "node3")).build()).create();
        await().atMost(Duration.ofSeconds(5)).until(() -> !eventsAbout("Egress", "e1").isEmpty());
        Event e = eventsAbout("Egress", "e1").get(0);
        assertThat(e.getReason()).isEqualTo("UnknownNode");
        assertThat(e.getMessage()).isEqualTo("status.egressNode 'ghost' names no Node: status.egressIP 10.201.0.9 is "
                + "advertised by no Node");
        await().atMost(Duration.ofSeconds(5)).until(() -> state.egresses().size() == 2);
        assertThat(eventsAbout("Egress", "e2")).as("node3 exists").isEmpty();
    }

    @Test
    void unknownPolicyFieldsAndUnusablePasswordsAreNamedAndTheValueNeverShown() {
        client.genericKubernetesResources(InformerClusterState.BGP_POLICIES).resource(
                new GenericKubernetesResourceBuilder().withApiVersion("crd.antrea.io/v1alpha1").withKind("BGPPolicy")
                        .withNewMetadata().withName("typo").endMetadata()
                        .addToAdditionalProperties("spec", Map.of("nodeSelector", Map.of(), "localASN", 64512,
                                "listenPrt", 1790, "bgpPeers", List.of(Map.of("address", "10.0.0.1", "asn", 65000,
                                        "passwrd", "hunter2-hunter2"))))
                        .build()).create();
        client.secrets().inNamespace("kube-system").resource(new SecretBuilder().withNewMetadata()
                .withName("antrea-bgp-passwords").endMetadata().addToData("10.0.0.1-65000",
                        Base64.getEncoder().encodeToString("y".repeat(100).getBytes())).build()).create();
        await().atMost(Duration.ofSeconds(5)).until(() -> !eventsAbout("BGPPolicy", "typo").isEmpty()
                && !eventsAbout("Secret", "antrea-bgp-passwords").isEmpty());
        assertThat(eventsAbout("BGPPolicy", "typo").get(0).getMessage()).isEqualTo(
                "fields Herald does not know: spec.listenPrt, spec.bgpPeers[0].passwrd; ignored");
        assertThat(eventsAbout("BGPPolicy", "typo").get(0).getReason()).isEqualTo("UnknownField");
        // the policy itself is valid: unknown fields do not make it invalid
        assertThat(state.bgpPolicies()).extracting(p -> p.name()).containsExactly("typo");
        Event secret = eventsAbout("Secret", "antrea-bgp-passwords").get(0);
        assertThat(secret.getMetadata().getNamespace()).isEqualTo("kube-system");
        assertThat(secret.getMessage()).isEqualTo(
                "data[10.0.0.1-65000] is 100 bytes long, TCP-MD5 takes at most 80; ignored").doesNotContain("yyyy");
    }
}
