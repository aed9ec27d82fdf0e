package dev.herald.it.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.it.peers.Daemons;
import dev.herald.simulator.peer.EmulatedPeer;
import dev.herald.simulator.peer.LearnedRoute;
import dev.herald.simulator.scenario.Scenario;
import dev.herald.simulator.scenario.ScenarioRunner;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real kubectl against the emulated cluster of the built-in scenario, while its agents run: it reads what Herald
 * reads and writes, and what it changes reaches the routers.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KubectlTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    static Path tmp;
    static ScenarioRunner runner;
    static Path kubeconfig;

    @BeforeAll
    static void startTheBuiltInScenario() throws Exception {
        Daemons.assumeOnPath("kubernetes-client", "kubectl");
        String yaml = Files.readString(ScenarioFilesTest.SCENARIOS.resolve("quickstart.yaml"));
        runner = new ScenarioRunner(Scenario.parse(yaml, "quickstart.yaml"), tmp.resolve("sim"),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), false);
        runner.start();
        ScenarioRunner.Result result = runner.run();
        assertThat(result.passed()).as(result.message()).isTrue();
        kubeconfig = runner.cluster().kubeconfig();
    }

    @AfterAll
    static void stop() {
        if (runner != null) {
            runner.close();
        }
    }

    @Test
    @Order(1)
    void getsTheBgpPolicyByNameAndShortNameWithItsDefaults() throws Exception {
        assertThat(kubectl("get", "bgppolicies")).contains("quickstart");
        assertThat(kubectl("get", "bp", "quickstart", "-o", "jsonpath={.spec.localASN} {.spec.listenPort}"))
                .isEqualTo("64512 1790");
        // the CRD's defaults, filled in as an API server would
        assertThat(kubectl("get", "bgppolicy", "quickstart", "-o",
                "jsonpath={.spec.bgpPeers[0].multihopTTL} {.spec.bgpPeers[0].gracefulRestartTimeSeconds}"))
                .isEqualTo("1 120");
    }

    @Test
    @Order(2)
    void printsEachResourcesOwnColumns() throws Exception {
        // the server's tables: the CRD's printer columns, kube-apiserver's for Services and Nodes
        assertThat(kubectl("get", "bgppolicies")).containsPattern("NAME\\s+LOCAL ASN\\s+LISTEN PORT\\s+AGE")
                .containsPattern("quickstart\\s+64512\\s+1790\\s+\\d+s");
        assertThat(kubectl("get", "services", "-n", "default")).containsPattern(
                "shop\\s+LoadBalancer\\s+10\\.96\\.0\\.20\\s+10\\.200\\.0\\.1,fd00:10:200::1\\s+443/TCP");
        assertThat(kubectl("get", "egresses")).containsPattern("egress-a\\s+10\\.201\\.0\\.5\\s+\\d+s\\s+node3");
        assertThat(kubectl("get", "nodes", "-o", "wide")).containsPattern("node2\\s+Ready\\s+<none>\\s+\\d+s")
                .contains("127.0.0.12,fd00:10::c");
    }

    @Test
    @Order(3)
    void seesWhatTheAgentsWroteBack() throws Exception {
        // each agent wrote its router ID to its Node, and its condition to the policy's status
        assertThat(kubectl("get", "node", "node2", "-o",
                "jsonpath={.metadata.annotations.node\\.antrea\\.io/bgp-router-id}")).isEqualTo("127.0.0.12");
        assertThat(kubectl("get", "bgppolicy", "quickstart", "-o", "yaml")).contains("Applied")
                .contains("node1").contains("node3");
        assertThat(kubectl("get", "services", "-n", "default", "-o",
                "jsonpath={.items[?(@.metadata.name==\"shop\")].status.loadBalancer.ingress[*].ip}"))
                .isEqualTo("10.200.0.1 fd00:10:200::1");
        assertThat(kubectl("get", "egresses")).contains("egress-a");
    }

    @Test
    @Order(4)
    void aServiceCreatedWithKubectlIsAdvertisedAndItsDeletionWithdrawn() throws Exception {
        Path svc = tmp.resolve("extra.yaml");
        Files.writeString(svc, """
                apiVersion: v1
                kind: Service
                metadata: {name: extra, namespace: default}
                spec: {clusterIP: 10.96.0.99, selector: {app: web}, ports: [{port: 81}]}
                """);
        assertThat(kubectl("create", "-f", svc.toString())).contains("created");
        await().atMost(WAIT).until(() -> nodesOf("r1", "10.96.0.99/32").size() == 3);

        assertThat(kubectl("delete", "service", "extra", "-n", "default")).contains("deleted");
        await().atMost(WAIT).until(() -> nodesOf("r1", "10.96.0.99/32").isEmpty());
    }

    @Test
    @Order(5)
    void kubectlApplyUpdatesAsOnARealCluster() throws Exception {
        Path svc = tmp.resolve("applied.yaml");
        String v1 = """
                apiVersion: v1
                kind: Service
                metadata: {name: applied, namespace: default}
                spec: {clusterIP: 10.96.0.98, selector: {app: web}, ports: [{name: a, port: 81}, {name: b, port: 82}]}
                """;
        Files.writeString(svc, v1);
        assertThat(kubectl("apply", "-f", svc.toString())).contains("created");
        // a strategic merge patch for a built-in kind: ports merge by port
        Files.writeString(svc, v1.replace("port: 82}", "port: 82, targetPort: 8082}"));
        assertThat(kubectl("apply", "-f", svc.toString())).contains("configured");
        assertThat(kubectl("get", "service", "applied", "-n", "default", "-o",
                "jsonpath={.spec.ports[*].port} {.spec.ports[1].targetPort}")).isEqualTo("81 82 8082");
        assertThat(kubectl("delete", "-f", svc.toString())).contains("deleted");

        Path policy = tmp.resolve("policy.yaml");
        String two = """
                apiVersion: crd.antrea.io/v1alpha1
                kind: BGPPolicy
                metadata: {name: applied}
                spec:
                  nodeSelector: {matchLabels: {nobody: here}}
                  localASN: 64999
                  bgpPeers: [{address: 127.0.9.1, asn: 65000}, {address: 127.0.9.2, asn: 65000}]
                """;
        Files.writeString(policy, two);
        assertThat(kubectl("apply", "-f", policy.toString())).contains("created");
        // a JSON merge patch for a custom resource: the list is replaced, not appended to
        Files.writeString(policy, two.replace(", {address: 127.0.9.2, asn: 65000}", ""));
        assertThat(kubectl("apply", "-f", policy.toString())).contains("configured");
        assertThat(kubectl("get", "bgppolicy", "applied", "-o", "jsonpath={.spec.bgpPeers[*].address}"))
                .isEqualTo("127.0.9.1");
        assertThat(kubectl("delete", "-f", policy.toString())).contains("deleted");
    }

    @Test
    @Order(6)
    void unlabellingANodeWithKubectlTakesItsRoutesAway() throws Exception {
        assertThat(kubectl("label", "node", "node3", "bgp-")).contains("labeled"); // "unlabeled" since 1.21
        // no policy selects node3 any more: its agent stops its server with a Cease, on both families
        await().atMost(WAIT).until(() -> nodesOf("r1", "10.96.0.10/32").equals(Set.of("127.0.0.11", "127.0.0.12"))
                && nodesOf("r2", "fd00:10:96::a/128").equals(Set.of("127.0.0.11", "127.0.0.12")));
        assertThat(nodesOf("r1", "10.244.3.0/24")).isEmpty();

        assertThat(kubectl("label", "node", "node3", "bgp=enabled")).contains("labeled");
        await().atMost(WAIT).until(() -> nodesOf("r2", "fd00:10:244:3::/64").equals(Set.of("127.0.0.13")));
    }

    /** The router IDs of the agents the peer holds the prefix from. */
    private static Set<String> nodesOf(String peer, String prefix) {
        EmulatedPeer p = runner.peers().get(peer);
        Set<String> from = new TreeSet<>();
        for (Map<String, LearnedRoute> routes : p.table().values()) {
            LearnedRoute r = routes.get(prefix);
            if (r != null) {
                from.add(r.fromRouterId());
            }
        }
        return from;
    }

    private static String kubectl(String... args) throws IOException, InterruptedException {
        return kubectl(kubeconfig, args);
    }

    /**
     * Runs kubectl against the cluster of {@code kubeconfig} (none: for commands that need no cluster, such as
     * {@code kustomize}) and returns its output; the test fails unless it exits 0 within 30 s.
     */
    static String kubectl(Path kubeconfig, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("kubectl"));
        if (kubeconfig != null) {
            cmd.addAll(List.of("--kubeconfig", kubeconfig.toString(), "--request-timeout=10s"));
        }
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        // --request-timeout bounds each call, so the output ends; the wait is a second bound
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        boolean done = p.waitFor(30, TimeUnit.SECONDS);
        if (!done) {
            p.destroyForcibly();
        }
        assertThat(done && p.exitValue() == 0).as("%s exited %s:%n%s", cmd, done ? p.exitValue() : "late", out)
                .isTrue();
        return out;
    }
}
