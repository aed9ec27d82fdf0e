package dev.herald.simulator.whatif;

import dev.herald.kube.KubeClients;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;

/**
 * {@code bin/herald sim --what-if policy.yaml}: reads a cluster (live or emulated) read-only and prints which Nodes
 * would advertise which prefixes to which peers with that BGPPolicy applied, and what would change compared with the
 * policies in force. No BGP session is touched and nothing is written to the cluster: the cluster is only listed
 * and watched, and the candidate only ever exists in this process.
 *
 * @param policyFile the candidate BGPPolicy (YAML or JSON)
 * @param kubeconfig the cluster; null: {@code $KUBECONFIG}, else {@code ~/.kube/config}, else in-cluster
 * @param namespace where the agents' password Secret is (the agents' {@code kube.namespace})
 * @param format {@code table}, {@code json} or {@code yaml}
 * @param timeout how long reading the cluster may take
 */
public record WhatIf(Path policyFile, Path kubeconfig, String namespace, String format, Duration timeout) {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    public static final List<String> FORMATS = List.of("table", "json", "yaml");

    /** Runs it; returns the exit code: 0 printed, 2 the input is bad or the cluster cannot be read. */
    public int run(PrintStream out, PrintStream err) {
        try {
            WhatIfReport report = report(System.getenv(), Path.of(System.getProperty("user.home")));
            ReportPrinter.print(report, format, out);
            out.flush();
            return 0;
        } catch (WhatIfException e) {
            err.println("herald sim --what-if: " + e.getMessage());
            return 2;
        }
    }

    /** Reads the candidate and the cluster, and compares. */
    WhatIfReport report(Map<String, String> env, Path home) throws WhatIfException {
        if (!FORMATS.contains(format)) {
            throw new WhatIfException("unknown output format '" + format + "': one of " + FORMATS);
        }
        CandidatePolicy candidate = CandidatePolicy.read(policyFile); // invalid: said before any cluster is asked
        Path config = kubeconfig(kubeconfig, env, home);
        ExecutorService executor = KubeClients.executor("what-if");
        try (KubernetesClient client = client(config, executor)) {
            ClusterSnapshot cluster = ClusterSnapshot.read(client, namespace, timeout);
            return WhatIfAnalysis.analyse(cluster, candidate);
        } finally {
            executor.shutdownNow();
        }
    }

    private static KubernetesClient client(Path config, ExecutorService executor) throws WhatIfException {
        try {
            return KubeClients.create(config, executor);
        } catch (IOException e) {
            throw new WhatIfException("cannot read kubeconfig " + config + ": " + e);
        } catch (RuntimeException e) {
            throw new WhatIfException("no usable cluster configuration" + (config == null ? "" : " in " + config)
                    + ": " + e.getMessage());
        }
    }

    /**
     * The kubeconfig to read: the one given, else {@code $KUBECONFIG} (several files: fabric8 merges them), else
     * {@code ~/.kube/config}, else none inside a Pod (the service account).
     *
     * @return a file, or null to let fabric8 configure itself (several files in KUBECONFIG, or in-cluster)
     */
    static Path kubeconfig(Path given, Map<String, String> env, Path home) throws WhatIfException {
        if (given != null) {
            if (!Files.isReadable(given)) {
                throw new WhatIfException("cannot read kubeconfig " + given);
            }
            return given;
        }
        String fromEnv = env.get("KUBECONFIG");
        if (fromEnv != null && !fromEnv.isBlank()) {
            if (fromEnv.contains(File.pathSeparator)) {
                return null;
            }
            Path p = Path.of(fromEnv);
            if (!Files.isReadable(p)) {
                throw new WhatIfException("cannot read kubeconfig " + p + " (from KUBECONFIG)");
            }
            return p;
        }
        Path dflt = home.resolve(".kube").resolve("config");
        if (Files.isReadable(dflt)) {
            return dflt;
        }
        if (env.containsKey("KUBERNETES_SERVICE_HOST")) {
            return null;
        }
        throw new WhatIfException("no cluster to read: give --kubeconfig FILE, set KUBECONFIG, or create " + dflt);
    }
}
