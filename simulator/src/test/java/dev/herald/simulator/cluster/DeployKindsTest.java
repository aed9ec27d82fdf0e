package dev.herald.simulator.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What deploy/kubernetes needs from the emulated cluster: discovery of its kinds, a DaemonSet's generation counted
 * as an API server counts it, and a record of every request with who made it.
 */
class DeployKindsTest {
    @TempDir
    Path tmp;
    private EmulatedCluster cluster;

    @BeforeEach
    void setUp() throws Exception {
        cluster = new EmulatedCluster(tmp, ClusterConfig.DEFAULT);
    }

    @AfterEach
    void tearDown() {
        cluster.close();
    }

    private String discovery(String path) throws Exception {
        String server = Files.readAllLines(cluster.kubeconfig()).stream().filter(l -> l.trim().startsWith("server:"))
                .findFirst().orElseThrow().trim().substring("server:".length()).trim();
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server + path))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path).isEqualTo(200);
        return r.body();
    }

    @Test
    void discoveryAndOpenApiKnowTheKindsOfTheManifests() throws Exception {
        assertThat(discovery("/api/v1")).contains("\"serviceaccounts\"", "\"pods/status\"");
        assertThat(discovery("/apis/apps/v1")).contains("\"daemonsets\"", "\"ds\"", "\"daemonsets/status\"");
        assertThat(discovery("/apis/rbac.authorization.k8s.io/v1")).contains("\"clusterroles\"",
                "\"clusterrolebindings\"", "\"roles\"", "\"rolebindings\"");
        assertThat(discovery("/apis/scheduling.k8s.io/v1")).contains("\"priorityclasses\"");
        assertThat(discovery("/apis")).contains("\"apps\"", "\"rbac.authorization.k8s.io\"", "\"scheduling.k8s.io\"");
        assertThat(discovery("/openapi/v3")).contains("apis/apps/v1", "apis/rbac.authorization.k8s.io/v1");
        assertThat(discovery("/openapi/v3/apis/apps/v1"))
                .contains("/apis/apps/v1/namespaces/{namespace}/daemonsets/{name}");
    }

    private DaemonSet daemonSet() {
        return cluster.client().apps().daemonSets().inNamespace("herald").withName("herald-agent").get();
    }

    @Test
    void aDaemonSetsGenerationStartsAtOneAndCountsSpecChangesOnly() {
        cluster.client().apps().daemonSets().inNamespace("herald").resource(new DaemonSetBuilder().withNewMetadata()
                .withName("herald-agent").withNamespace("herald").endMetadata().withNewSpec().withNewSelector()
                .addToMatchLabels("app", "herald").endSelector().withNewTemplate().withNewMetadata()
                .addToLabels("app", "herald").endMetadata().withNewSpec().addNewContainer().withName("agent")
                .withImage("herald:0.1.0").endContainer().endSpec().endTemplate().endSpec().build()).create();
        assertThat(daemonSet().getMetadata().getGeneration()).isEqualTo(1L);

        // a label is metadata: no new generation
        cluster.client().apps().daemonSets().inNamespace("herald").withName("herald-agent")
                .edit(d -> new DaemonSetBuilder(d).editMetadata().addToLabels("tier", "node").endMetadata().build());
        assertThat(daemonSet().getMetadata().getGeneration()).isEqualTo(1L);

        // a new image, as kubectl set image sends it (a strategic merge patch), and as an update
        cluster.client().apps().daemonSets().inNamespace("herald").withName("herald-agent").patch(
                PatchContext.of(PatchType.STRATEGIC_MERGE), """
                        {"spec":{"template":{"spec":{"containers":[{"name":"agent","image":"herald:0.1.1"}]}}}}""");
        assertThat(daemonSet().getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                .isEqualTo("herald:0.1.1");
        assertThat(daemonSet().getMetadata().getGeneration()).isEqualTo(2L);
        cluster.client().apps().daemonSets().inNamespace("herald").withName("herald-agent").edit(d ->
                new DaemonSetBuilder(d).editSpec().withMinReadySeconds(5).endSpec().build());
        assertThat(daemonSet().getMetadata().getGeneration()).isEqualTo(3L);
    }

    @Test
    void everyRequestIsRecordedWithItsClientAndWrittenAsJsonLines() throws Exception {
        Config cfg = new ConfigBuilder(Config.empty()).withMasterUrl(cluster.client().getMasterUrl().toString())
                .withOauthToken("sa-token-test").build();
        try (KubernetesClient agent = new KubernetesClientBuilder().withConfig(cfg).build()) {
            agent.secrets().inNamespace("herald").withName("antrea-bgp-passwords").get();
        }
        List<ApiRequest> all = cluster.requests();
        ApiRequest secret = all.stream().filter(r -> "secrets".equals(r.resource())).findFirst().orElseThrow();
        assertThat(secret.verb()).isEqualTo("get");
        assertThat(secret.namespace()).isEqualTo("herald");
        assertThat(secret.name()).isEqualTo("antrea-bgp-passwords");
        assertThat(secret.userAgent()).startsWith("fabric8-kubernetes-client");
        assertThat(secret.user()).isEqualTo(ApiRequest.identityOf("sa-token-test"));
        // the cluster's own client says who it is
        cluster.client().nodes().list();
        assertThat(cluster.requests()).anyMatch(r -> "nodes".equals(r.resource()) && r.verb().equals("list")
                && EmulatedCluster.USER_AGENT.equals(r.userAgent()) && r.user() == null);

        Path file = tmp.resolve("api-requests.jsonl");
        cluster.writeRequests(file);
        int before = Files.readAllLines(file).size();
        assertThat(before).isEqualTo(cluster.requests().size());
        cluster.client().services().inNamespace("default").list();
        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(before + 1);
        assertThat(lines.get(lines.size() - 1)).contains("\"verb\":\"list\"", "\"resource\":\"services\"",
                "\"namespace\":\"default\"", "\"userAgent\":\"herald-simulator\"");
    }
}
