package dev.herald.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The shipped CRD says what the parser does: same defaults, same ranges, a status subresource. */
class CrdManifestTest {
    /** The manifests live with the others in deploy/kubernetes; the tests run in bundles/kube. */
    private static final Path CRDS = Path.of("../../deploy/kubernetes/crds");

    private static JSONSchemaProps spec() throws IOException {
        CustomResourceDefinition crd = Serialization.unmarshal(Files.readString(CRDS.resolve("bgppolicy-crd.yaml")),
                CustomResourceDefinition.class);
        assertThat(crd.getMetadata().getName()).isEqualTo("bgppolicies.crd.antrea.io");
        var version = crd.getSpec().getVersions().get(0);
        assertThat(version.getName()).isEqualTo("v1alpha1");
        assertThat(version.getSubresources().getStatus()).isNotNull();
        return version.getSchema().getOpenAPIV3Schema().getProperties().get("spec");
    }

    @Test
    void defaultsAndRangesMatchTheParser() throws IOException {
        JSONSchemaProps spec = spec();
        assertThat(spec.getRequired()).containsExactlyInAnyOrder("nodeSelector", "localASN");
        assertThat(spec.getProperties().get("listenPort").getDefault().asInt()).isEqualTo(179);
        assertThat(spec.getProperties().get("localASN").getMaximum()).isEqualTo(65535.0);
        assertThat(spec.getProperties().get("bgpPeers").getMaxItems()).isEqualTo((long) BgpPolicyParser.MAX_PEERS);
        JSONSchemaProps peer = spec.getProperties().get("bgpPeers").getItems().getSchema();
        assertThat(peer.getProperties().get("port").getDefault().asInt()).isEqualTo(179);
        assertThat(peer.getProperties().get("multihopTTL").getDefault().asInt()).isEqualTo(1);
        assertThat(peer.getProperties().get("multihopTTL").getMaximum()).isEqualTo(255.0);
        assertThat(peer.getProperties().get("gracefulRestartTimeSeconds").getDefault().asInt()).isEqualTo(120);
        assertThat(peer.getProperties().get("gracefulRestartTimeSeconds").getMaximum()).isEqualTo(3600.0);
        // timers and BFD (docs/bgp-policy.md, "Timers and BFD")
        assertThat(peer.getProperties().get("holdTimeSeconds").getDefault().asInt())
                .isEqualTo(dev.herald.api.PeerTimers.DEFAULT_HOLD_TIME_SECONDS);
        assertThat(peer.getProperties().get("keepaliveIntervalSeconds").getMinimum()).isEqualTo(1.0);
        assertThat(peer.getProperties().get("connectRetrySeconds").getMaximum()).isEqualTo(65535.0);
        assertThat(peer.getProperties().get("gracefulRestartEnabled").getDefault().asBoolean()).isTrue();
        JSONSchemaProps bfd = peer.getProperties().get("bfd");
        assertThat(bfd.getRequired()).containsExactly("enabled");
        assertThat(bfd.getProperties().get("minReceiveIntervalMilliseconds").getMinimum()).isEqualTo(10.0);
        assertThat(bfd.getProperties().get("minTransmitIntervalMilliseconds").getDefault().asInt())
                .isEqualTo(dev.herald.api.BfdSettings.DEFAULT_INTERVAL_MILLISECONDS);
        assertThat(bfd.getProperties().get("detectionMultiplier").getMaximum()).isEqualTo(255.0);
    }

    @Test
    void theEgressCrdAndRbacParse() throws IOException {
        CustomResourceDefinition egress = Serialization.unmarshal(Files.readString(CRDS.resolve("egress-crd.yaml")),
                CustomResourceDefinition.class);
        assertThat(egress.getSpec().getVersions().get(0).getName()).isEqualTo("v1beta1");
        String rbac = Files.readString(CRDS.resolve("../agent/rbac.yaml"));
        var kinds = java.util.Arrays.stream(rbac.split("\n---\n"))
                .map(doc -> String.valueOf(Serialization.unmarshal(doc, java.util.Map.class).get("kind"))).toList();
        assertThat(kinds).containsExactly("ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role",
                "RoleBinding");
    }
}
