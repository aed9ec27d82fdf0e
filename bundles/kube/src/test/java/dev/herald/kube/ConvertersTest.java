package dev.herald.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.api.NodeInfo;
import dev.herald.api.ServiceInfo;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Kubernetes objects to Herald's records: what is skipped, and that each problem names its field. */
class ConvertersTest {
    private final List<String> problems = new ArrayList<>();

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static Secret secret(Map<String, String> data) {
        return new SecretBuilder().withNewMetadata().withNamespace("kube-system").withName("antrea-bgp-passwords")
                .endMetadata().withData(data).build();
    }

    @Test
    void aNullValueIsSkippedWithAProblemNamingTheKeyAndTheOtherEntriesStay() {
        Map<String, String> data = new LinkedHashMap<>();
        // data: {127.0.1.1-65000: null}, kept by an API server that does not validate
        data.put("127.0.1.1-65000", null);
        data.put("127.0.1.2-65000", b64("good-one"));
        assertThat(Converters.passwords(secret(data), problems)).containsExactly(Map.entry("127.0.1.2-65000",
                "good-one"));
        assertThat(problems).containsExactly("data[127.0.1.1-65000] has no value (null)");
    }

    @Test
    void valuesThatCannotBePasswordsAreSkippedEachWithItsReasonAndNeverShown() {
        Map<String, String> data = new LinkedHashMap<>();
        data.put("a-1", "not base64 but a secret!");
        data.put("b-1", b64("x".repeat(81)));
        data.put("c-1", Base64.getEncoder().encodeToString(new byte[] {(byte) 0xff}));
        data.put("d-1", b64("pässwört"));
        assertThat(Converters.passwords(secret(data), problems)).containsExactly(Map.entry("d-1", "pässwört"));
        assertThat(problems).containsExactly("data[a-1] is not base64",
                "data[b-1] is 81 bytes long, TCP-MD5 takes at most 80", "data[c-1] is not UTF-8 text");
        assertThat(String.join("\n", problems)).doesNotContain("secret!").doesNotContain("xxxx");
    }

    @Test
    void serviceIpsThatAreNotAddressesAreNamedByTheirFieldAndTheOthersKept() {
        ServiceInfo s = Converters.service(new ServiceBuilder().withNewMetadata().withNamespace("default")
                .withName("web").endMetadata().withNewSpec().withClusterIPs("10.96.0.10", "fd00::zz")
                .withExternalIPs("999.1.1.1", "", "192.0.2.7").endSpec().withNewStatus().withNewLoadBalancer()
                .addNewIngress().withIp("not-an-ip").endIngress().addNewIngress().withHostname("lb.example")
                .endIngress().endLoadBalancer().endStatus().build(), problems);
        assertThat(s.clusterIps()).extracting(Object::toString).containsExactly("10.96.0.10/32");
        assertThat(s.externalIps()).extracting(Object::toString).containsExactly("192.0.2.7/32");
        assertThat(s.loadBalancerIps()).isEmpty();
        assertThat(problems).hasSize(4);
        assertThat(problems.get(0)).startsWith("spec.clusterIPs[1] 'fd00::zz' is not an IP address");
        assertThat(problems.get(1)).startsWith("spec.externalIPs[0] '999.1.1.1' is not an IP address");
        assertThat(problems.get(2)).isEqualTo("spec.externalIPs[1] is empty");
        assertThat(problems.get(3)).startsWith("status.loadBalancer.ingress[0].ip 'not-an-ip' is not an IP address");
    }

    @Test
    void nodeAddressesAndPodCidrsThatDoNotParseAreNamed() {
        NodeInfo n = Converters.node(new NodeBuilder().withNewMetadata().withName("node1").endMetadata()
                .withNewSpec().withPodCIDRs("10.244.1.0/24", "10.244.2.1/24").endSpec().withNewStatus()
                .addNewAddress().withType("Hostname").withAddress("node1").endAddress()
                .addNewAddress().withType("InternalIP").withAddress("300.0.0.1").endAddress()
                .addNewAddress().withType("InternalIP").withAddress("192.168.0.11").endAddress().endStatus().build(),
                problems);
        assertThat(n.internalIps()).extracting(Object::toString).containsExactly("192.168.0.11");
        assertThat(n.podCidrs()).extracting(Object::toString).containsExactly("10.244.1.0/24");
        assertThat(problems).hasSize(2);
        assertThat(problems.get(0)).startsWith("status.addresses[1].address '300.0.0.1' is not an IP address");
        assertThat(problems.get(1)).startsWith("spec.podCIDRs[1] '10.244.2.1/24' has host bits set");
    }

    @Test
    void anEgressIpThatIsNotOneIsNamed() {
        var egress = Converters.egress(new GenericKubernetesResourceBuilder().withApiVersion("crd.antrea.io/v1beta1")
                .withKind("Egress").withNewMetadata().withName("e1").endMetadata()
                .addToAdditionalProperties("status", Map.of("egressIP", "10.1.2.3.4", "egressNode", "node1"))
                .build(), problems);
        assertThat(egress.egressIp()).isEmpty();
        assertThat(egress.egressNode()).contains("node1");
        assertThat(problems).singleElement().asString().startsWith("status.egressIP '10.1.2.3.4' is not an IP address");
    }
}
