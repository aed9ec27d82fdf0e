package dev.herald.simulator.whatif;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.kube.KubeClients;
import dev.herald.simulator.cluster.ClusterConfig;
import dev.herald.simulator.cluster.EmulatedCluster;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The snapshot holds the whole cluster. The informers say they have synced before fabric8 has handed every listed
 * object to the state's handlers (seen: 1 to 55 of 300 Services there at that moment), so a one-shot read that
 * trusted it alone would miss objects.
 */
class WhatIfSnapshotTest {
    @TempDir
    Path tmp;

    @Test
    void everyListedObjectIsInTheSnapshot() throws Exception {
        try (EmulatedCluster c = new EmulatedCluster(tmp, ClusterConfig.DEFAULT)) {
            StringBuilder y = new StringBuilder();
            for (int i = 0; i < 50; i++) {
                y.append("apiVersion: v1\nkind: Service\nmetadata: {name: s").append(i)
                        .append("}\nspec: {ports: [{port: 80}]}\n---\n");
            }
            c.apply(y.toString());
            for (int i = 0; i < 5; i++) {
                c.node("n" + i, List.of("127.0.1." + i), Map.of(), List.of("10.244." + i + ".0/24"));
            }
            c.apply(WhatIfClusterFixture.BASE);
            ExecutorService executor = KubeClients.executor("what-if-test");
            try (KubernetesClient client = KubeClients.create(c.kubeconfig(), executor)) {
                ClusterSnapshot s = ClusterSnapshot.read(client, "kube-system", Duration.ofSeconds(10));
                assertThat(s.services()).hasSize(50);
                assertThat(s.nodes()).hasSize(5);
                assertThat(s.bgpPolicies()).hasSize(1);
                assertThat(s.policyCreation()).containsKey("base");
            } finally {
                executor.shutdownNow();
            }
        }
    }
}
