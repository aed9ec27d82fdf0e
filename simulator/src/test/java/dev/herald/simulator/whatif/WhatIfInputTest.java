package dev.herald.simulator.whatif;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input: exit code 2 and a message that says what is wrong, before or without touching a cluster. */
class WhatIfInputTest {
    @TempDir
    Path tmp;

    private WhatIfClusterFixture.Run run(String policy, String... more) throws Exception {
        Path p = tmp.resolve("policy.yaml");
        Files.writeString(p, policy);
        Path kubeconfig = unreachableKubeconfig();
        String[] args = new String[4 + more.length];
        args[0] = "--what-if";
        args[1] = p.toString();
        args[2] = "--kubeconfig";
        args[3] = kubeconfig.toString();
        System.arraycopy(more, 0, args, 4, more.length);
        return WhatIfClusterFixture.runSim(args);
    }

    /** A kubeconfig naming a port nothing listens on. */
    private Path unreachableKubeconfig() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path k = tmp.resolve("kubeconfig");
        Files.writeString(k, """
                apiVersion: v1
                kind: Config
                clusters: [{name: c, cluster: {server: "http://127.0.0.1:%d"}}]
                users: [{name: u, user: {}}]
                contexts: [{name: x, context: {cluster: c, user: u}}]
                current-context: x
                """.formatted(port));
        return k;
    }

    @Test
    void anInvalidPolicyIsRefusedWithTheParsersMessage() throws Exception {
        WhatIfClusterFixture.Run r = run(WhatIfClusterFixture.BASE.replace("64512", "70000"));
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains("herald sim --what-if: ").contains("BGPPolicy base is invalid")
                .contains("localASN").contains("70000");

        r = run(WhatIfClusterFixture.BASE.replace("192.168.77.100", "not-an-ip"));
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("BGPPolicy base is invalid").contains("spec.bgpPeers[0]");
    }

    @Test
    void whatIsNotOneBgpPolicyIsRefused() throws Exception {
        assertThatThrownBy(() -> CandidatePolicy.parse("", "p.yaml")).hasMessageContaining("p.yaml is empty");
        assertThatThrownBy(() -> CandidatePolicy.parse(WhatIfClusterFixture.BASE + "---\n"
                + WhatIfClusterFixture.ZONE_B, "p.yaml")).hasMessageContaining("holds 2 YAML documents");
        assertThatThrownBy(() -> CandidatePolicy.parse("apiVersion: v1\nkind: Service\nmetadata: {name: x}\n",
                "p.yaml")).hasMessageContaining("not a crd.antrea.io/v1alpha1 BGPPolicy");
        assertThatThrownBy(() -> CandidatePolicy.parse(WhatIfClusterFixture.BASE.replace("metadata: {name: base}",
                "metadata: {}"), "p.yaml")).hasMessageContaining("metadata.name is missing");
        assertThatThrownBy(() -> CandidatePolicy.parse("kind: [", "p.yaml"))
                .hasMessageContaining("is not a Kubernetes object");
        // a leading document marker and comments are fine
        assertThat(CandidatePolicy.parse("# mine\n---\n" + WhatIfClusterFixture.BASE, "p.yaml").name())
                .isEqualTo("base");
    }

    @Test
    void anUnreadableFileAnUnreachableClusterAndABadFormatExitWithTwo() throws Exception {
        WhatIfClusterFixture.Run r = WhatIfClusterFixture.runSim("--what-if", tmp.resolve("missing.yaml").toString(),
                "--kubeconfig", unreachableKubeconfig().toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("cannot read").contains("missing.yaml");

        long t0 = System.nanoTime();
        r = run(WhatIfClusterFixture.BASE);
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("cannot reach the Kubernetes API at http://127.0.0.1:");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));

        r = run(WhatIfClusterFixture.BASE, "-o", "xml");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("unknown output format 'xml'");

        r = WhatIfClusterFixture.runSim("--what-if", tmp.resolve("policy.yaml").toString(), "--kubeconfig",
                tmp.resolve("nope").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("cannot read kubeconfig " + tmp.resolve("nope"));

        r = WhatIfClusterFixture.runSim("--kubeconfig", "k");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("go with --what-if");
    }

    @Test
    void theKubeconfigComesFromTheOptionThenKubeconfigThenHome() throws Exception {
        Path given = Files.writeString(tmp.resolve("given"), "x");
        Path env = Files.writeString(tmp.resolve("env"), "x");
        Files.createDirectories(tmp.resolve(".kube"));
        Path home = Files.writeString(tmp.resolve(".kube/config"), "x");
        assertThat(WhatIf.kubeconfig(given, Map.of("KUBECONFIG", env.toString()), tmp)).isEqualTo(given);
        assertThat(WhatIf.kubeconfig(null, Map.of("KUBECONFIG", env.toString()), tmp)).isEqualTo(env);
        assertThat(WhatIf.kubeconfig(null, Map.of(), tmp)).isEqualTo(home);
        assertThat(WhatIf.kubeconfig(null, Map.of("KUBECONFIG", env + java.io.File.pathSeparator + home), tmp))
                .isNull(); // several files: fabric8 merges them
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        assertThat(WhatIf.kubeconfig(null, Map.of("KUBERNETES_SERVICE_HOST", "10.96.0.1"), empty)).isNull();
        assertThatThrownBy(() -> WhatIf.kubeconfig(null, Map.of(), empty))
                .hasMessageContaining("give --kubeconfig FILE, set KUBECONFIG, or create");
    }
}
