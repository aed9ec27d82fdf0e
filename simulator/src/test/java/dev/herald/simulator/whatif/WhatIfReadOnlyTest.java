package dev.herald.simulator.whatif;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The what-if reads the cluster and writes nothing: every object keeps its resourceVersion, no Event appears. */
class WhatIfReadOnlyTest {
    @TempDir
    Path tmp;

    /** kind/namespace/name -> resourceVersion of every object of every kind Herald reads or could write. */
    private static Map<String, String> everything(KubernetesClient c) {
        Map<String, String> all = new TreeMap<>();
        add(all, c.nodes().list().getItems());
        add(all, c.services().inAnyNamespace().list().getItems());
        add(all, c.discovery().v1().endpointSlices().inAnyNamespace().list().getItems());
        add(all, c.pods().inAnyNamespace().list().getItems());
        add(all, c.secrets().inAnyNamespace().list().getItems());
        add(all, c.configMaps().inAnyNamespace().list().getItems());
        add(all, c.v1().events().inAnyNamespace().list().getItems());
        add(all, c.events().v1().events().inAnyNamespace().list().getItems());
        add(all, c.genericKubernetesResources(ClusterSnapshot.BGP_POLICIES).list().getItems());
        add(all, c.genericKubernetesResources(new ResourceDefinitionContext.Builder().withGroup("crd.antrea.io")
                .withVersion("v1beta1").withPlural("egresses").withKind("Egress").withNamespaced(false).build())
                .list().getItems());
        return all;
    }

    private static void add(Map<String, String> all, List<? extends HasMetadata> items) {
        for (HasMetadata o : items) {
            all.put(o.getKind() + "/" + o.getMetadata().getNamespace() + "/" + o.getMetadata().getName(),
                    o.getMetadata().getResourceVersion() + " " + o.getMetadata().getAnnotations());
        }
    }

    @Test
    void nothingInTheClusterIsWritten() throws Exception {
        try (WhatIfClusterFixture f = new WhatIfClusterFixture(tmp)) {
            f.cluster.apply("""
                    apiVersion: v1
                    kind: Secret
                    metadata: {name: antrea-bgp-passwords, namespace: kube-system}
                    stringData: {192.168.77.100-65000: s3cret}
                    """);
            KubernetesClient c = f.cluster.client();
            Map<String, String> before = everything(c);
            assertThat(before).containsKeys("Node/null/node1", "BGPPolicy/null/base", "Service/default/lb",
                    "Secret/kube-system/antrea-bgp-passwords");

            // the candidate replaces base and would change every node of it: the agents would write Events, the
            // router-ID annotation and a status condition; the what-if must not
            Path p = f.policy("base.yaml", WhatIfClusterFixture.BASE.replace("[ClusterIP]",
                    "[ClusterIP, LoadBalancerIP]").replace("64512", "64999"));
            WhatIfClusterFixture.Run run = f.run("--what-if", p.toString(), "--kubeconfig",
                    f.cluster.kubeconfig().toString(), "--namespace", "kube-system");
            assertThat(run.code()).as(run.err()).isZero();
            assertThat(run.out()).contains("server restarts").doesNotContain("s3cret");

            Map<String, String> after = everything(c);
            assertThat(after).isEqualTo(before);
            assertThat(after.keySet()).noneMatch(k -> k.startsWith("Event/"));
            Map<String, Object> base = c.genericKubernetesResources(ClusterSnapshot.BGP_POLICIES).withName("base")
                    .get().getAdditionalProperties();
            assertThat(base).doesNotContainKey("status");
            assertThat(((Map<?, ?>) base.get("spec")).get("localASN")).isEqualTo(64512);

            // the check itself sees a write: a label on a Node changes its resourceVersion
            f.cluster.label("node3", Map.of("touched", "yes"));
            assertThat(everything(c)).isNotEqualTo(before);
        }
    }
}
