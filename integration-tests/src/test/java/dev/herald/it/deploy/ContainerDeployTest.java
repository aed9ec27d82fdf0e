package dev.herald.it.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.it.Distribution;
import dev.herald.it.peers.BirdDaemon;
import dev.herald.it.peers.Commands;
import dev.herald.it.peers.Daemons;
import dev.herald.it.peers.RouteCountWatch;
import dev.herald.simulator.cluster.ClusterConfig;
import dev.herald.simulator.cluster.EmulatedCluster;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The installed form, proven: the manifests of deploy/kubernetes rendered by kustomize and applied by kubectl to an
 * emulated cluster, and the rendered DaemonSet's container run by podman (playing kubelet, {@link PodmanKubelet})
 * from the image deploy/container builds, on the host network, against a real BIRD. 110,000 routes reach BIRD with
 * the node's address as next hop inside the 256 MiB limit; a rolling update to a new image tag loses none of them at
 * BIRD; a removal ends the session with a Cease; every request the agent made is allowed by the manifests' RBAC,
 * and every permission they grant was used. docs/deploy.md describes what this proves.
 */
class ContainerDeployTest {
    private static final String NAMESPACE = "herald";
    private static final String NODE = "node1";
    /** The node's address: the agent on the host network reaches BIRD (127.0.0.82) from it. */
    private static final String NODE_IP = "127.0.0.1";
    private static final String BIRD_IP = "127.0.0.82";
    private static final String PASSWORD = "deploy-test-md5";
    private static final int SERVICES = 1_100;
    private static final int IPS_PER_SERVICE = 100;
    private static final long ROUTES = (long) SERVICES * IPS_PER_SERVICE;
    private static final Duration CONVERGE = Duration.ofSeconds(180);
    private static final Duration KUBECTL = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    @Test
    void theRenderedDaemonSetRunsUpgradesWithoutAFlapStopsWithACeaseAndNeedsExactlyItsRbac() throws Exception {
        Daemons.assumeOnPath("kubernetes-client", "kubectl");
        Daemons.assumeOnPath("podman", "podman");
        Daemons.assumeInstalled("bird2", BirdDaemon.installed());
        Daemons.assumeRootWithIpCommand("running containers on the host network");
        Path repo = repositoryRoot();
        String rendered = Commands.run(KUBECTL, List.of("kubectl", "kustomize", repo.resolve("deploy/kubernetes")
                .toString()));
        ContainerImages.buildBoth(repo, Distribution.built(), tmp);

        // the Pod listens on the node's ports as rendered: BGP 179 and the status API 8179
        assertPortFree(179);
        assertPortFree(8179);
        int birdPort = Daemons.freePort();
        try (EmulatedCluster cluster = new EmulatedCluster(tmp.resolve("cluster"), ClusterConfig.DEFAULT);
             BirdDaemon bird = BirdDaemon.start(tmp.resolve("bird"), BIRD_IP, "::1", birdPort, 65000,
                     "10.255.0.82", List.of(new BirdDaemon.Neighbor(NODE_IP, 179, 64512, PASSWORD, false)), true)) {
            String kubeconfig = cluster.kubeconfig().toString();
            Commands.run(KUBECTL, List.of("kubectl", "--kubeconfig", kubeconfig, "apply", "-k",
                    repo.resolve("deploy/kubernetes").toString()));
            cluster.node(NODE, List.of(NODE_IP), Map.of("bgp", "on"), List.of("10.244.1.0/24"));
            cluster.apply(clusterObjects(birdPort));
            cluster.apply(services());

            PodmanKubelet kubelet = new PodmanKubelet(cluster.client(), apiUrl(cluster), tmp.resolve("kubelet"),
                    NODE);
            DaemonSet ds = daemonSet(cluster);
            PodmanKubelet.RunningPod first = kubelet.start(ds, "herald-agent-a");
            long peakRss;
            try {
                awaitReady(kubelet, first);
                await("all routes at BIRD").atMost(CONVERGE).pollInterval(Duration.ofMillis(500))
                        .until(() -> bird.routeCount() == ROUTES);
                assertThat(bird.birdc("show route for 10.100.0.1 all")).contains("BGP.next_hop: " + NODE_IP);
                peakRss = peakRssKiB(first);
                System.out.printf("[deploy] %d routes at BIRD from the container; agent's peak RSS %d MiB under a "
                        + "%s limit%n", ROUTES, peakRss / 1024, memoryLimit(ds));

                // a rolling update: the DaemonSet gets a new image, the controller replaces the Pod
                String since = bird.protocolSince("peer1");
                try (RouteCountWatch watch = RouteCountWatch.start(bird)) {
                    Commands.run(KUBECTL, List.of("kubectl", "--kubeconfig", kubeconfig, "-n", NAMESPACE, "set",
                            "image", "daemonset/" + ds.getMetadata().getName(), ds.getSpec().getTemplate().getSpec()
                                    .getContainers().get(0).getName() + "=" + ContainerImages.NEXT));
                    PodmanKubelet.Stopped old = kubelet.stop(first);
                    assertThat(old.runningUntilStopped()).as("the first agent ran until it was replaced").isTrue();
                    assertThat(old.exitCode()).as("exit code of the replaced agent").isZero();
                    assertThat(old.took()).isLessThan(Duration.ofSeconds(first.gracePeriodSeconds()));
                    DaemonSet updated = daemonSet(cluster);
                    assertThat(updated.getMetadata().getGeneration()).isGreaterThan(ds.getMetadata().getGeneration());
                    PodmanKubelet.RunningPod second = kubelet.start(updated, "herald-agent-b");
                    try {
                        awaitReady(kubelet, second);
                        await("a new session with the whole table").atMost(CONVERGE)
                                .pollInterval(Duration.ofMillis(200)).until(() ->
                                        bird.protocolState("peer1").equals("Established")
                                                && !bird.protocolSince("peer1").equals(since)
                                                && bird.routeCount() == ROUTES
                                                && !bird.birdc("show route for 10.100.0.1 all").contains("stale"));
                        watch.close();
                        System.out.printf("[deploy] rolling update: %s stopped in %d ms (exit %d), BIRD's count "
                                + "polled %d times, never below %d%n", first.name(), old.took().toMillis(),
                                old.exitCode(), watch.polls(), watch.min());
                        assertThat(watch.min()).as("BIRD's route count during the rolling update").isEqualTo(ROUTES);
                        peakRss = Math.max(peakRss, peakRssKiB(second));
                        // BIRD's own reconnection attempts from the restart may still replace the session once (the
                        // agent then sends its table again); a removal comes later than that on a real node
                        String[] seen = {""};
                        await("the session settles").atMost(CONVERGE).pollInterval(Duration.ofSeconds(3)).until(() -> {
                            String now = bird.protocolSince("peer1");
                            boolean settled = now.equals(seen[0]) && bird.protocolState("peer1").equals("Established")
                                    && bird.routeCount() == ROUTES;
                            seen[0] = now;
                            return settled;
                        });

                        // a removal (the DaemonSet unchanged): a Cease, BIRD drops the routes at once
                        PodmanKubelet.Stopped removed = kubelet.stop(second);
                        assertThat(removed.runningUntilStopped()).as("the second agent ran until removed").isTrue();
                        assertThat(removed.exitCode()).isZero();
                        assertThat(removed.oomKilled()).isFalse();
                        assertThat(removed.took()).isLessThan(Duration.ofSeconds(second.gracePeriodSeconds()));
                        await("BIRD drops the routes after the Cease").atMost(Duration.ofSeconds(5))
                                .until(() -> bird.routeCount() == 0);
                        // BIRD names the Cease by its subcode: 2, Administrative Shutdown (RFC 4486)
                        assertThat(bird.protocolDetails("peer1")).contains("Received: Administrative shutdown");
                    } finally {
                        kubelet.remove(second);
                    }
                }
            } catch (AssertionError | RuntimeException e) {
                System.out.println(kubelet.logs(first));
                throw e;
            } finally {
                kubelet.remove(first);
            }
            System.out.printf("[deploy] peak RSS of the agent over the run: %d MiB%n", peakRss / 1024);
            assertThat(peakRss * 1024).isLessThan(memoryLimitBytes(ds));

            assertExactRbac(rendered, cluster, kubelet.token());
        }
    }

    private void assertExactRbac(String rendered, EmulatedCluster cluster, String token) {
        List<HasMetadata> manifests = cluster.client().load(new ByteArrayInputStream(
                rendered.getBytes(StandardCharsets.UTF_8))).items();
        RbacCheck rbac = new RbacCheck(manifests, NAMESPACE, "herald-agent");
        List<RbacCheck.Access> made = ApiRequests.madeWith(cluster, token);
        assertThat(made).as("requests the agent made").isNotEmpty();
        assertThat(rbac.denied(made)).as("requests the roles do not allow").isEmpty();
        assertThat(rbac.unused(made)).as("permissions the agent never used").isEmpty();
    }

    private static void assertPortFree(int port) {
        try (java.net.ServerSocket s = new java.net.ServerSocket()) {
            s.bind(new java.net.InetSocketAddress("0.0.0.0", port));
        } catch (IOException e) {
            throw new AssertionError("port " + port + " is taken on this machine (" + e.getMessage() + "): the "
                    + "rendered Pod runs on the host network and needs it", e);
        }
    }

    private static void awaitReady(PodmanKubelet kubelet, PodmanKubelet.RunningPod pod) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        await("readiness probe " + pod.probeUrl(true)).atMost(CONVERGE).pollInterval(Duration.ofMillis(500))
                .ignoreExceptions().until(() -> status(http, pod.probeUrl(true)) == 200
                        && status(http, pod.probeUrl(false)) == 200);
    }

    private static int status(HttpClient http, URI uri) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** The highest resident set of the container's JVM so far (VmHWM), in KiB. */
    private static long peakRssKiB(PodmanKubelet.RunningPod pod) throws IOException, InterruptedException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pod.hostPid()), "status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmHWM for " + pod.name());
    }

    private static String memoryLimit(DaemonSet ds) {
        return ds.getSpec().getTemplate().getSpec().getContainers().get(0).getResources().getLimits().get("memory")
                .toString();
    }

    private static long memoryLimitBytes(DaemonSet ds) {
        return io.fabric8.kubernetes.api.model.Quantity.getAmountInBytes(ds.getSpec().getTemplate().getSpec()
                .getContainers().get(0).getResources().getLimits().get("memory")).longValueExact();
    }

    private static DaemonSet daemonSet(EmulatedCluster cluster) {
        List<DaemonSet> all = cluster.client().apps().daemonSets().inNamespace(NAMESPACE).list().getItems();
        assertThat(all).as("DaemonSets in " + NAMESPACE).hasSize(1);
        return all.get(0);
    }

    /** The API's URL as the kubeconfig gives it to clients (through the emulated cluster's proxy). */
    private static String apiUrl(EmulatedCluster cluster) throws IOException {
        for (String line : Files.readAllLines(cluster.kubeconfig())) {
            if (line.trim().startsWith("server:")) {
                return line.trim().substring("server:".length()).trim();
            }
        }
        throw new IllegalStateException("no server in " + cluster.kubeconfig());
    }

    private static String clusterObjects(int birdPort) {
        return """
                apiVersion: crd.antrea.io/v1alpha1
                kind: BGPPolicy
                metadata: {name: deploy-test}
                spec:
                  nodeSelector: {matchLabels: {bgp: "on"}}
                  localASN: 64512
                  advertisements: {service: {ipTypes: [ExternalIP]}}
                  bgpPeers: [{address: %s, asn: 65000, port: %d}]
                ---
                apiVersion: v1
                kind: Secret
                metadata: {name: antrea-bgp-passwords, namespace: %s}
                stringData: {"%s-65000": "%s"}
                """.formatted(BIRD_IP, birdPort, NAMESPACE, BIRD_IP, PASSWORD);
    }

    /** 1,100 Services of 100 external IPs each: 110,000 routes from few objects. */
    private static String services() {
        StringBuilder yaml = new StringBuilder();
        for (int s = 0; s < SERVICES; s++) {
            List<String> ips = new ArrayList<>();
            for (int i = 0; i < IPS_PER_SERVICE; i++) {
                ips.add("10." + (100 + s / 250) + "." + (s % 250) + "." + (i + 1));
            }
            yaml.append("---\napiVersion: v1\nkind: Service\nmetadata: {name: svc").append(s)
                    .append(", namespace: default}\nspec: {externalIPs: [").append(String.join(", ", ips))
                    .append("], ports: [{port: 80}]}\n");
        }
        return yaml.toString();
    }

    /** The checkout's root: the tests run in integration-tests/, wherever the checkout is. */
    static Path repositoryRoot() {
        Path root = Path.of("").toAbsolutePath().getParent();
        assertThat(root.resolve("deploy/kubernetes/kustomization.yaml")).exists();
        return root;
    }
}
