package dev.herald.it.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.it.AgentProcess;
import dev.herald.it.Distribution;
import dev.herald.it.peers.BirdDaemon;
import dev.herald.it.peers.Daemons;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The agent against a real Kubernetes (K3s in a container): Herald's CRD installed with kubectl's semantics (the
 * API server applies the schema's defaults and validation), the real Node as kubelet reports it, ClusterIPs given by
 * the real allocator, and BIRD as the router. Runs only where a Docker engine is available; skipped cleanly
 * elsewhere.
 */
@Testcontainers(disabledWithoutDocker = true)
class K3sEndToEndTest {
    private static final Duration CONVERGE = Duration.ofSeconds(60);
    private static final ResourceDefinitionContext BGP_POLICIES = new ResourceDefinitionContext.Builder()
            .withGroup("crd.antrea.io").withVersion("v1alpha1").withPlural("bgppolicies").withKind("BGPPolicy")
            .withNamespaced(false).build();

    @Container
    private static final K3sContainer K3S = new K3sContainer(DockerImageName.parse("rancher/k3s:v1.31.4-k3s1"));

    @TempDir
    Path tmp;

    @Test
    @SuppressWarnings("unchecked")
    void aPolicyOnARealClusterAdvertisesItsServicesAndPodCidr() throws Exception {
        Daemons.assumeInstalled("bird2", BirdDaemon.installed());
        Path kubeconfig = tmp.resolve("kubeconfig");
        Files.writeString(kubeconfig, K3S.getKubeConfigYaml());
        try (KubernetesClient client = new KubernetesClientBuilder()
                .withConfig(Config.fromKubeconfig(K3S.getKubeConfigYaml())).build()) {
            Path crds = Path.of(System.getProperty("user.dir")).resolve("../deploy/kubernetes/crds");
            for (String f : List.of("bgppolicy-crd.yaml", "egress-crd.yaml")) {
                CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions()
                        .load(crds.resolve(f).toFile()).item();
                client.resource(crd).serverSideApply();
                client.apiextensions().v1().customResourceDefinitions().withName(crd.getMetadata().getName())
                        .waitUntilCondition(c -> c.getStatus() != null && c.getStatus().getConditions().stream()
                                .anyMatch(x -> "Established".equals(x.getType()) && "True".equals(x.getStatus())),
                                60, TimeUnit.SECONDS);
            }
            Node node = client.nodes().list().getItems().get(0);
            String nodeName = node.getMetadata().getName();
            String podCidr = node.getSpec().getPodCIDR();
            client.nodes().withName(nodeName).edit(n -> {
                n.getMetadata().getLabels().put("bgp", "enabled");
                return n;
            });

            int heraldPort = Daemons.freePort();
            int birdPort = Daemons.freePort();
            try (BirdDaemon bird = BirdDaemon.start(tmp.resolve("bird"), "127.0.0.2", "::1", birdPort, 65000,
                    "10.255.0.2", List.of(BirdDaemon.Neighbor.of("127.0.0.1", heraldPort, 64512)), false)) {
                Path home = Distribution.copy(tmp, "herald");
                Distribution.setting(home, "kube.kubeconfig", kubeconfig.toString());
                Distribution.setting(home, "kube.nodeName", nodeName);
                Distribution.setting(home, "bgp.listenAddress", "127.0.0.1");
                // listenPort is left out: the API server fills in the CRD's default (179), which a test cannot bind;
                // so it is given, as Antrea's users may
                client.genericKubernetesResources(BGP_POLICIES).resource(Serialization.unmarshal("""
                        apiVersion: crd.antrea.io/v1alpha1
                        kind: BGPPolicy
                        metadata:
                          name: example-bgp-policy
                        spec:
                          nodeSelector:
                            matchLabels:
                              bgp: enabled
                          localASN: 64512
                          listenPort: %d
                          advertisements:
                            service:
                              ipTypes: [ClusterIP]
                            pod: {}
                          bgpPeers:
                            - address: 127.0.0.2
                              asn: 65000
                              port: %d
                        """.formatted(heraldPort, birdPort), GenericKubernetesResource.class)).create();
                client.resource(Serialization.unmarshal("""
                        apiVersion: v1
                        kind: Service
                        metadata: {name: web, namespace: default}
                        spec:
                          ports: [{port: 80}]
                        """, io.fabric8.kubernetes.api.model.Service.class)).create();
                String clusterIp = client.services().inNamespace("default").withName("web").get().getSpec()
                        .getClusterIP();

                try (AgentProcess agent = AgentProcess.start(home)) {
                    agent.awaitReady(Duration.ofSeconds(90));
                    await("routes in BIRD").atMost(CONVERGE).pollInterval(Duration.ofMillis(500)).until(() ->
                            bird.routes().keySet().containsAll(List.of(clusterIp + "/32", podCidr)));
                    await("status condition").atMost(CONVERGE).until(() -> {
                        var r = client.genericKubernetesResources(BGP_POLICIES).withName("example-bgp-policy").get();
                        Object status = r.getAdditionalProperties().get("status");
                        return status instanceof Map<?, ?> s && String.valueOf(s.get("conditions"))
                                .contains("nodeName=" + nodeName) && String.valueOf(s.get("conditions"))
                                .contains("reason=Applied");
                    });

                    client.services().inNamespace("default").withName("web").delete();
                    await("withdrawn").atMost(CONVERGE).pollInterval(Duration.ofMillis(500)).until(() ->
                            !bird.routes().containsKey(clusterIp + "/32"));
                    assertThat(bird.routes()).containsKey(podCidr);
                    assertThat(agent.terminate(Duration.ofSeconds(10))).isZero();
                }
            }
        }
    }
}
