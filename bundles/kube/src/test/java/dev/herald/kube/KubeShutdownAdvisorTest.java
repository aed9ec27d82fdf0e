package dev.herald.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.api.spi.StopMode;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Replaced or removed, as the agent asks at SIGTERM, against a real Kubernetes API over HTTP (fabric8's mock server
 * in CRUD mode): a rolling update bumps the DaemonSet's generation past the Pod's template generation.
 */
class KubeShutdownAdvisorTest {
    private KubernetesMockServer server;
    private KubernetesClient client;
    private ExecutorService executor;

    @BeforeEach
    void setUp() {
        server = StallFreeDispatcher.startServer();
        client = server.createClient();
        executor = Executors.newSingleThreadExecutor();
    }

    @AfterEach
    void tearDown() {
        executor.shutdownNow();
        client.close();
        server.destroy();
    }

    private DaemonSet daemonSet(String image) {
        return new DaemonSetBuilder().withNewMetadata().withName("herald-agent").withNamespace("herald").endMetadata()
                .withNewSpec().withNewSelector().addToMatchLabels("app", "herald").endSelector().withNewTemplate()
                .withNewMetadata().addToLabels("app", "herald").endMetadata().withNewSpec().addNewContainer()
                .withName("agent").withImage(image).endContainer().endSpec().endTemplate().endSpec().build();
    }

    private Pod podOf(DaemonSet ds, long generation) {
        return new PodBuilder().withNewMetadata().withName("herald-agent-x1").withNamespace("herald")
                .addToLabels(PodReplacement.TEMPLATE_GENERATION, Long.toString(generation))
                .addNewOwnerReference().withApiVersion("apps/v1").withKind("DaemonSet").withName("herald-agent")
                .withUid(ds.getMetadata().getUid()).withController(true).endOwnerReference().endMetadata().build();
    }

    private KubeShutdownAdvisor advisor(KubeShutdownAdvisor.Mode mode) {
        return new KubeShutdownAdvisor(mode, client, executor, "herald", "herald-agent-x1");
    }

    @Test
    void aRollingUpdateOfTheDaemonSetIsAGracefulRestart() {
        DaemonSet ds = client.apps().daemonSets().resource(daemonSet("herald:1")).create();
        client.pods().resource(podOf(ds, ds.getMetadata().getGeneration())).create();
        assertThat(advisor(KubeShutdownAdvisor.Mode.AUTO).onAgentStop()).isEqualTo(StopMode.CEASE);

        DaemonSet updated = client.apps().daemonSets().inNamespace("herald").withName("herald-agent")
                .edit(d -> daemonSet("herald:2"));
        assertThat(updated.getMetadata().getGeneration()).isGreaterThan(ds.getMetadata().getGeneration());
        assertThat(advisor(KubeShutdownAdvisor.Mode.AUTO).onAgentStop()).isEqualTo(StopMode.GRACEFUL_RESTART);
    }

    @Test
    void everyBackendThatAsksGetsTheFirstAnswer() {
        DaemonSet ds = client.apps().daemonSets().resource(daemonSet("herald:1")).create();
        client.pods().resource(podOf(ds, ds.getMetadata().getGeneration())).create();
        KubeShutdownAdvisor advisor = advisor(KubeShutdownAdvisor.Mode.AUTO);
        assertThat(advisor.onAgentStop()).isEqualTo(StopMode.CEASE);
        client.apps().daemonSets().inNamespace("herald").withName("herald-agent").edit(d -> daemonSet("herald:2"));
        assertThat(advisor.onAgentStop()).as("asked again by the second backend").isEqualTo(StopMode.CEASE);
    }

    @Test
    void aDeletedDaemonSetOrAPodWithoutOneIsACease() {
        DaemonSet ds = client.apps().daemonSets().resource(daemonSet("herald:1")).create();
        client.pods().resource(podOf(ds, 0)).create();
        client.apps().daemonSets().inNamespace("herald").withName("herald-agent").delete();
        assertThat(advisor(KubeShutdownAdvisor.Mode.AUTO).onAgentStop()).isEqualTo(StopMode.CEASE);

        client.pods().inNamespace("herald").withName("herald-agent-x1").delete();
        assertThat(advisor(KubeShutdownAdvisor.Mode.AUTO).onAgentStop()).isEqualTo(StopMode.CEASE);
    }

    @Test
    void anUnreachableApiServerIsAGracefulRestartNeverAWithdrawal() {
        server.destroy();
        assertThat(advisor(KubeShutdownAdvisor.Mode.AUTO).onAgentStop()).isEqualTo(StopMode.GRACEFUL_RESTART);
    }

    @Test
    void anApiServerThatNoLongerAuthorizesTheAgentMeansAnUninstallSoACease() throws Exception {
        // kubectl delete -k may remove the roles before the Pods: every request is then refused
        HttpServer forbidding = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        forbidding.createContext("/", exchange -> {
            byte[] body = """
                    {"kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": "Forbidden", "code": 403}
                    """.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(403, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        forbidding.start();
        try (KubernetesClient refused = new KubernetesClientBuilder().withConfig(new ConfigBuilder(Config.empty())
                .withMasterUrl("http://127.0.0.1:" + forbidding.getAddress().getPort()).build()).build()) {
            assertThat(new KubeShutdownAdvisor(KubeShutdownAdvisor.Mode.AUTO, refused, executor, "herald",
                    "herald-agent-x1").onAgentStop()).isEqualTo(StopMode.CEASE);
        } finally {
            forbidding.stop(0);
        }
    }

    @Test
    void theSettingOverridesTheCluster() {
        assertThat(advisor(KubeShutdownAdvisor.Mode.parse("graceful-restart")).onAgentStop())
                .isEqualTo(StopMode.GRACEFUL_RESTART);
        assertThat(advisor(KubeShutdownAdvisor.Mode.parse(" Cease ")).onAgentStop()).isEqualTo(StopMode.CEASE);
        assertThat(KubeShutdownAdvisor.Mode.parse("sometimes")).isEqualTo(KubeShutdownAdvisor.Mode.AUTO);
        assertThat(new KubeShutdownAdvisor(KubeShutdownAdvisor.Mode.AUTO, null, null, "herald", null).onAgentStop())
                .as("outside a Pod").isEqualTo(StopMode.CEASE);
    }

    @Test
    void aDaemonSetOfTheSameNameButAnotherUidIsNotThePodsOwner() {
        DaemonSet ds = client.apps().daemonSets().resource(daemonSet("herald:1")).create();
        Pod pod = podOf(ds, 1);
        pod.getMetadata().getOwnerReferences().get(0).setUid("an-earlier-daemonset");
        assertThat(PodReplacement.decide(pod, n -> ds).mode()).isEqualTo(StopMode.CEASE);
    }
}
