package dev.herald.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the agent writes back, against a real Kubernetes API over HTTP (fabric8's mock server in CRUD mode). */
class KubeClusterWriterTest {
    private KubernetesMockServer server;
    private KubernetesClient client;
    private ExecutorService executor;

    @BeforeEach
    void setUp() {
        server = StallFreeDispatcher.startServer();
        client = server.createClient();
        executor = Executors.newSingleThreadExecutor();
        client.genericKubernetesResources(InformerClusterState.BGP_POLICIES).resource(Serialization.unmarshal("""
                apiVersion: crd.antrea.io/v1alpha1
                kind: BGPPolicy
                metadata: {name: p}
                spec: {localASN: 64512, nodeSelector: {}}
                """, GenericKubernetesResource.class)).create();
    }

    @AfterEach
    void tearDown() {
        executor.shutdownNow();
        client.close();
        server.destroy();
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> conditions() {
        GenericKubernetesResource r = client.genericKubernetesResources(InformerClusterState.BGP_POLICIES)
                .withName("p").get();
        Object status = r.getAdditionalProperties().get("status");
        return status == null ? List.of()
                : (List<Map<String, Object>>) ((Map<String, Object>) status).getOrDefault("conditions", List.of());
    }

    @Test
    void eachNodeKeepsItsOwnConditionInTheSharedList() {
        KubeClusterWriter node1 = new KubeClusterWriter(client, executor);
        KubeClusterWriter node2 = new KubeClusterWriter(client, executor);
        node1.policyCondition("p", "node1", true, "Applied", "BGP server running");
        node2.policyCondition("p", "node2", false, "BgpServerFailed", "port 179 in use");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(conditions()).hasSize(2));
        assertThat(conditions()).extracting(c -> c.get("nodeName") + " " + c.get("type") + " " + c.get("status")
                + " " + c.get("reason") + ": " + c.get("message")).containsExactly(
                "node1 Effective True Applied: BGP server running",
                "node2 Effective False BgpServerFailed: port 179 in use");

        node1.clearPolicyCondition("p", "node1");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(conditions())
                .extracting(c -> c.get("nodeName")).containsExactly("node2"));
    }

    @Test
    void theTransitionTimeMovesOnlyWhenTheStatusChanges() throws Exception {
        KubeClusterWriter w = new KubeClusterWriter(client, executor);
        w.policyCondition("p", "node1", true, "Applied", "1 peer(s)");
        await().atMost(Duration.ofSeconds(10)).until(() -> conditions().size() == 1);
        Object since = conditions().get(0).get("lastTransitionTime");
        Thread.sleep(1100); // the time has a one-second resolution
        w.policyCondition("p", "node1", true, "Applied", "2 peer(s)");
        await().atMost(Duration.ofSeconds(10)).until(() -> "2 peer(s)".equals(conditions().get(0).get("message")));
        assertThat(conditions().get(0).get("lastTransitionTime")).isEqualTo(since);
    }

    @Test
    void aMissingPolicyIsNotAnError() {
        KubeClusterWriter w = new KubeClusterWriter(client, executor);
        w.policyCondition("gone", "node1", true, "Applied", "x");
        w.policyCondition("p", "node1", true, "Applied", "y");
        await().atMost(Duration.ofSeconds(10)).until(() -> conditions().size() == 1);
    }

    @Test
    void anUnchangedConditionIsNotRewritten() {
        GenericKubernetesResource r = Serialization.unmarshal("""
                metadata: {name: p}
                status:
                  conditions:
                  - {type: Effective, nodeName: node1, status: "True", reason: Applied, message: ok}
                """, GenericKubernetesResource.class);
        assertThat(KubeClusterWriter.replaceCondition(r, "node1", java.util.Optional.of(Map.of("type", "Effective",
                "nodeName", "node1", "status", "True", "reason", "Applied", "message", "ok")))).isFalse();
        assertThat(KubeClusterWriter.replaceCondition(r, "node2", java.util.Optional.empty())).isFalse();
        assertThat(KubeClusterWriter.replaceCondition(r, "node1", java.util.Optional.empty())).isTrue();
    }
}
