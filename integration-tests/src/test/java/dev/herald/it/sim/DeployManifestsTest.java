package dev.herald.it.sim;

import static dev.herald.it.sim.KubectlTest.kubectl;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.it.peers.Daemons;
import dev.herald.simulator.cluster.ApiRequest;
import dev.herald.simulator.scenario.Scenario;
import dev.herald.simulator.scenario.ScenarioRunner;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The manifests of deploy/kubernetes: kustomize renders the base and the goBGP variant, the rendered DaemonSet,
 * ConfigMap and roles say what docs/deploy.md promises, and a real kubectl applies the base to an emulated cluster
 * (a scenario with {@code agents: none}), where kubectl finds every object again.
 */
class DeployManifestsTest {
    /** The checkout's root: the tests run in integration-tests/. */
    static final Path REPO = Path.of(System.getProperty("user.dir")).resolve("..").normalize();
    static final Path BASE = REPO.resolve("deploy/kubernetes");
    static final Path GOBGP = BASE.resolve("variants/gobgp");
    private static final String NS = "herald";

    @TempDir
    static Path tmp;
    static ScenarioRunner runner;

    @BeforeAll
    static void kubectlIsThere() {
        Daemons.assumeOnPath("kubernetes-client", "kubectl");
    }

    @AfterAll
    static void stop() {
        if (runner != null) {
            runner.close();
        }
    }

    /** What {@code kubectl kustomize dir} renders, as objects. */
    static List<HasMetadata> render(Path dir) throws IOException, InterruptedException {
        List<HasMetadata> out = new ArrayList<>();
        for (String doc : kubectl(null, "kustomize", dir.toString()).split("(?m)^---$")) {
            if (!doc.isBlank()) {
                out.add(Serialization.unmarshal(doc));
            }
        }
        return out;
    }

    private static <T extends HasMetadata> T one(List<HasMetadata> objects, Class<T> type) {
        List<T> found = objects.stream().filter(type::isInstance).map(type::cast).toList();
        assertThat(found).as(type.getSimpleName()).hasSize(1);
        return found.get(0);
    }

    private static String config(List<HasMetadata> objects) {
        ConfigMap cm = one(objects, ConfigMap.class);
        assertThat(cm.getMetadata().getName()).isEqualTo("herald-config");
        assertThat(cm.getMetadata().getNamespace()).isEqualTo(NS);
        return cm.getData().get("herald.cfg");
    }

    @Test
    void theBaseAndTheGobgpVariantRender() throws Exception {
        List<HasMetadata> base = render(BASE);
        assertThat(base).extracting(o -> o.getKind() + " " + o.getMetadata().getName()).containsExactlyInAnyOrder(
                "Namespace herald", "CustomResourceDefinition bgppolicies.crd.antrea.io",
                "CustomResourceDefinition egresses.crd.antrea.io", "ServiceAccount herald-agent",
                "ClusterRole herald-agent", "ClusterRoleBinding herald-agent", "Role herald-agent",
                "RoleBinding herald-agent", "ConfigMap herald-config", "DaemonSet herald-agent");
        assertThat(base).filteredOn(o -> !o.getKind().startsWith("Cluster") && !o.getKind().equals("Namespace")
                && !o.getKind().equals("CustomResourceDefinition")).allMatch(o -> NS.equals(o.getMetadata()
                .getNamespace()));
        assertThat(image(base)).isEqualTo("herald:0.1.0");
        assertThat(config(base)).containsPattern("(?m)^backend = native$");

        List<HasMetadata> gobgp = render(GOBGP);
        assertThat(gobgp).hasSameSizeAs(base);
        assertThat(image(gobgp)).isEqualTo("herald-gobgp:0.1.0");
        assertThat(config(gobgp)).containsPattern("(?m)^backend = gobgp$")
                .isEqualTo(config(base).replace("backend = native", "backend = gobgp"));
        // without the CRDs, for clusters where Antrea installed its own
        assertThat(render(BASE.resolve("agent"))).noneMatch(o -> o.getKind().equals("CustomResourceDefinition"))
                .hasSize(base.size() - 2);
    }

    private static String image(List<HasMetadata> objects) {
        return one(objects, DaemonSet.class).getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
    }

    @Test
    void theDaemonSetRunsOnTheHostNetworkWithLeastPrivilege() throws Exception {
        DaemonSet ds = one(render(BASE), DaemonSet.class);
        assertThat(ds.getMetadata().getName()).isEqualTo("herald-agent");
        assertThat(ds.getSpec().getUpdateStrategy().getType()).isEqualTo("RollingUpdate");
        assertThat(ds.getSpec().getUpdateStrategy().getRollingUpdate().getMaxUnavailable().getIntVal()).isEqualTo(1);
        PodSpec pod = ds.getSpec().getTemplate().getSpec();
        assertThat(pod.getHostNetwork()).isTrue();
        assertThat(pod.getDnsPolicy()).isEqualTo("ClusterFirstWithHostNet");
        assertThat(pod.getServiceAccountName()).isEqualTo("herald-agent");
        assertThat(pod.getPriorityClassName()).isEqualTo("system-node-critical");
        assertThat(pod.getTerminationGracePeriodSeconds()).isEqualTo(30L);
        assertThat(pod.getNodeSelector()).isEqualTo(Map.of("kubernetes.io/os", "linux"));
        assertThat(pod.getTolerations()).singleElement().satisfies(t -> {
            assertThat(t.getOperator()).isEqualTo("Exists");
            assertThat(t.getKey()).isNull();
            assertThat(t.getEffect()).isNull();
        });
        assertThat(pod.getContainers()).hasSize(1);
        Container c = pod.getContainers().get(0);
        assertThat(c.getCommand()).containsExactly("/opt/herald/bin/herald");
        assertThat(c.getEnv()).extracting(e -> e.getName() + "=" + e.getValueFrom().getFieldRef().getFieldPath())
                .containsExactlyInAnyOrder("NODE_NAME=spec.nodeName", "POD_NAMESPACE=metadata.namespace",
                        "POD_NAME=metadata.name");
        // the one declared port, a host port on the host network: the metrics endpoint the PodMonitor scrapes
        assertThat(c.getPorts()).singleElement().satisfies(p -> {
            assertThat(p.getName()).isEqualTo("metrics");
            assertThat(p.getContainerPort()).isEqualTo(9179);
            assertThat(p.getProtocol()).isEqualTo("TCP");
        });
        probe(c.getLivenessProbe(), "/healthz");
        probe(c.getReadinessProbe(), "/readyz");
        assertThat(c.getResources().getRequests()).isEqualTo(Map.of("memory", new Quantity("128Mi"), "cpu",
                new Quantity("50m")));
        assertThat(c.getResources().getLimits()).isEqualTo(Map.of("memory", new Quantity("256Mi"), "cpu",
                new Quantity("1")));

        SecurityContext sc = c.getSecurityContext();
        assertThat(sc.getRunAsUser()).isZero();
        assertThat(sc.getPrivileged()).isFalse();
        assertThat(sc.getAllowPrivilegeEscalation()).isFalse();
        assertThat(sc.getReadOnlyRootFilesystem()).isTrue();
        assertThat(sc.getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(sc.getCapabilities().getAdd()).containsExactly("NET_BIND_SERVICE");

        // the folders the agent writes are emptyDirs; herald.cfg comes from the ConfigMap; no Secret is mounted
        assertThat(emptyDirAt(pod, c, "/opt/herald/data")).isTrue();
        assertThat(emptyDirAt(pod, c, "/opt/herald/log")).isTrue();
        VolumeMount cfg = mountAt(c, "/opt/herald/etc/herald.cfg");
        assertThat(cfg.getSubPath()).isEqualTo("herald.cfg");
        assertThat(volume(pod, cfg.getName()).getConfigMap().getName()).isEqualTo("herald-config");
        assertThat(pod.getVolumes()).noneMatch(v -> v.getSecret() != null);
    }

    private static void probe(Probe p, String path) {
        assertThat(p.getHttpGet().getHost()).isEqualTo("127.0.0.1");
        assertThat(p.getHttpGet().getPort().getIntVal()).isEqualTo(8179);
        assertThat(p.getHttpGet().getPath()).isEqualTo(path);
    }

    private static VolumeMount mountAt(Container c, String path) {
        return c.getVolumeMounts().stream().filter(m -> m.getMountPath().equals(path)).findFirst()
                .orElseThrow(() -> new AssertionError("nothing mounted at " + path));
    }

    private static Volume volume(PodSpec pod, String name) {
        return pod.getVolumes().stream().filter(v -> v.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no volume " + name));
    }

    private static boolean emptyDirAt(PodSpec pod, Container c, String path) {
        return volume(pod, mountAt(c, path).getName()).getEmptyDir() != null;
    }

    @Test
    void theConfigMapHasEveryKeyOfTheDistributionsHeraldCfgAndStopsInAutoMode() throws Exception {
        String config = config(render(BASE));
        Set<String> distribution = keys(Files.readString(REPO.resolve("distribution/src/main/dist/etc/herald.cfg")));
        assertThat(distribution).contains("backend", "status.address");
        assertThat(keys(config)).containsAll(distribution);
        assertThat(config).containsPattern("(?m)^shutdown\\.mode = auto$")
                .containsPattern("(?m)^status\\.address = 127\\.0\\.0\\.1:8179$") // where the probes ask
                .containsPattern("(?m)^metrics\\.address = :9179$");               // the port named metrics
    }

    /** The keys a .cfg file sets or shows commented out ({@code # key = example}). */
    private static Set<String> keys(String cfg) {
        Set<String> keys = new TreeSet<>();
        Matcher m = Pattern.compile("(?m)^#?\\s*([a-z][A-Za-z]*(?:\\.[A-Za-z]+)*)\\s*=").matcher(cfg);
        while (m.find()) {
            keys.add(m.group(1));
        }
        return keys;
    }

    /**
     * The PodMonitor of deploy/prometheus/operator finds every agent: its namespace, its selector matches the
     * DaemonSet's Pods, its port is the container's port named metrics, and its job label is "herald", the job the
     * alert HeraldAgentDown watches.
     */
    @Test
    void thePodMonitorScrapesEveryAgentOnItsMetricsPort() throws Exception {
        DaemonSet ds = one(render(BASE), DaemonSet.class);
        List<GenericKubernetesResource> monitors = render(REPO.resolve("deploy/prometheus/operator")).stream()
                .filter(o -> o.getKind().equals("PodMonitor")).map(GenericKubernetesResource.class::cast).toList();
        assertThat(monitors).hasSize(1);
        GenericKubernetesResource monitor = monitors.get(0);
        assertThat(monitor.getApiVersion()).isEqualTo("monitoring.coreos.com/v1");
        assertThat(monitor.getMetadata().getNamespace()).isEqualTo(ds.getMetadata().getNamespace());
        assertThat(monitor.<List<String>>get("spec", "namespaceSelector", "matchNames")).containsExactly(NS);

        Map<String, String> podLabels = ds.getSpec().getTemplate().getMetadata().getLabels();
        Map<String, String> selector = monitor.get("spec", "selector", "matchLabels");
        assertThat(selector).isNotEmpty().isEqualTo(ds.getSpec().getSelector().getMatchLabels());
        assertThat(podLabels).containsAllEntriesOf(selector);
        assertThat(monitor.<Object>get("spec", "selector", "matchExpressions")).isNull();
        assertThat(podLabels.get(monitor.<String>get("spec", "jobLabel"))).isEqualTo("herald");
        assertThat(Files.readString(REPO.resolve("deploy/prometheus/herald-rules.yaml")))
                .contains("expr: up{job=\"herald\"} == 0");

        List<Map<String, Object>> endpoints = monitor.get("spec", "podMetricsEndpoints");
        assertThat(endpoints).singleElement().satisfies(e -> {
            assertThat(e.get("path")).isEqualTo("/metrics");
            assertThat(ds.getSpec().getTemplate().getSpec().getContainers().get(0).getPorts())
                    .anyMatch(p -> p.getName().equals(e.get("port")) && p.getContainerPort() == 9179);
        });
    }

    @Test
    void theRolesGrantWhatTheAgentDoesAndNoMore() throws Exception {
        List<HasMetadata> base = render(BASE);
        assertThat(rules(one(base, ClusterRole.class).getRules())).containsExactlyInAnyOrder(
                "core nodes [get, list, watch, patch]", "core services [list, watch]",
                "discovery.k8s.io endpointslices [list, watch]", "crd.antrea.io bgppolicies [get, list, watch]",
                "crd.antrea.io bgppolicies/status [update]", "crd.antrea.io egresses [list, watch]",
                "core events [create]");
        Role role = one(base, Role.class);
        assertThat(role.getMetadata().getNamespace()).isEqualTo(NS);
        assertThat(rules(role.getRules())).containsExactlyInAnyOrder(
                "core secrets named [antrea-bgp-passwords] [list, watch]", "core pods [get]",
                "apps daemonsets named [herald-agent] [get]");
    }

    private static List<String> rules(List<PolicyRule> rules) {
        List<String> out = new ArrayList<>();
        for (PolicyRule r : rules) {
            for (String g : r.getApiGroups()) {
                for (String res : r.getResources()) {
                    out.add((g.isEmpty() ? "core" : g) + " " + res + (r.getResourceNames() == null
                            || r.getResourceNames().isEmpty() ? "" : " named " + r.getResourceNames()) + " "
                            + r.getVerbs());
                }
            }
        }
        return out;
    }

    @Test
    void kubectlAppliesTheBaseToAnEmulatedCluster() throws Exception {
        Scenario cluster = Scenario.parse("""
                name: deploy
                agents: none
                nodes: [{name: node1}]
                """, "deploy.yaml");
        runner = new ScenarioRunner(cluster, tmp.resolve("sim"),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), false);
        runner.start();
        assertThat(runner.agents()).isEmpty();
        Path kubeconfig = runner.cluster().kubeconfig();

        assertThat(kubectl(kubeconfig, "apply", "-k", BASE.toString())).contains("daemonset.apps/herald-agent created",
                "namespace/herald created", "configmap/herald-config created");
        assertThat(kubectl(kubeconfig, "get", "namespace", NS)).contains(NS);
        assertThat(kubectl(kubeconfig, "get", "ds", "-n", NS)).containsPattern("herald-agent\\s+\\d+s");
        assertThat(kubectl(kubeconfig, "get", "serviceaccount,role,rolebinding,configmap", "-n", NS))
                .contains("serviceaccount/herald-agent", "role.rbac.authorization.k8s.io/herald-agent",
                        "rolebinding.rbac.authorization.k8s.io/herald-agent", "configmap/herald-config");
        assertThat(kubectl(kubeconfig, "get", "clusterrole,clusterrolebinding", "herald-agent"))
                .contains("clusterrole.rbac.authorization.k8s.io/herald-agent",
                        "clusterrolebinding.rbac.authorization.k8s.io/herald-agent");
        assertThat(kubectl(kubeconfig, "get", "crd")).contains("bgppolicies.crd.antrea.io", "egresses.crd.antrea.io");

        // applied again: nothing changes; a new image is a new generation of the DaemonSet, as on a real cluster
        String generation = "jsonpath={.metadata.generation}";
        assertThat(kubectl(kubeconfig, "get", "ds", "herald-agent", "-n", NS, "-o", generation)).isEqualTo("1");
        assertThat(kubectl(kubeconfig, "apply", "-k", BASE.toString()))
                .contains("daemonset.apps/herald-agent unchanged");
        assertThat(kubectl(kubeconfig, "get", "ds", "herald-agent", "-n", NS, "-o", generation)).isEqualTo("1");
        kubectl(kubeconfig, "-n", NS, "set", "image", "daemonset/herald-agent", "herald-agent=herald:0.1.1");
        assertThat(kubectl(kubeconfig, "get", "ds", "herald-agent", "-n", NS, "-o", generation)).isEqualTo("2");

        // the API server's record: kubectl created the DaemonSet in herald
        assertThat(runner.cluster().requests()).anyMatch(r -> r.userAgent() != null
                && r.userAgent().startsWith("kubectl") && r.verb().equals("create") && "apps".equals(r.group())
                && "daemonsets".equals(r.resource()) && NS.equals(r.namespace()));
        assertThat(runner.cluster().requests()).filteredOn(ApiRequest::isResourceRequest)
                .noneMatch(r -> r.userAgent() != null && r.userAgent().startsWith("fabric8-kubernetes-client"));
    }
}
