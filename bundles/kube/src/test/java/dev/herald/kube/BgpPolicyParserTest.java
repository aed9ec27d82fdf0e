package dev.herald.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.api.BfdSettings;
import dev.herald.api.BgpPolicy;
import dev.herald.api.PeerTimers;
import dev.herald.api.ServiceIPType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BgpPolicyParserTest {
    @SuppressWarnings("unchecked")
    private static BgpPolicy parse(String yaml) {
        Map<String, Object> obj = Serialization.unmarshal(yaml, Map.class);
        Map<String, Object> meta = (Map<String, Object>) obj.get("metadata");
        return BgpPolicyParser.parse((String) meta.get("name"), (String) meta.get("creationTimestamp"),
                meta.get("generation") == null ? null : ((Number) meta.get("generation")).longValue(),
                (Map<String, Object>) obj.get("spec"));
    }

    /** The example of Antrea's BGPPolicy documentation, unchanged except for the timestamp. */
    private static final String ANTREA_EXAMPLE = """
            apiVersion: crd.antrea.io/v1alpha1
            kind: BGPPolicy
            metadata:
              name: example-bgp-policy
              creationTimestamp: "2026-11-01T10:00:00Z"
              generation: 3
            spec:
              nodeSelector:
                matchLabels:
                  bgp: enabled
              localASN: 64512
              listenPort: 179
              confederation:
                identifier: 65000
                memberASNs: [64513, 64514]
              advertisements:
                service:
                  ipTypes: [ClusterIP, LoadBalancerIP]
                pod: {}
                egress: {}
              bgpPeers:
                - address: 192.168.77.200
                  asn: 65001
                  port: 179
                  gracefulRestartTimeSeconds: 120
                - address: 192.168.77.201
                  asn: 65001
                  port: 179
                  multihopTTL: 2
                  gracefulRestartTimeSeconds: 120
            """;

    @Test
    void antreasExampleParsesUnchanged() {
        BgpPolicy p = parse(ANTREA_EXAMPLE);
        assertThat(p.name()).isEqualTo("example-bgp-policy");
        assertThat(p.generation()).isEqualTo(3);
        assertThat(p.spec().localAsn()).isEqualTo(64512);
        assertThat(p.spec().nodeSelector().matches(Map.of("bgp", "enabled"))).isTrue();
        assertThat(p.spec().nodeSelector().matches(Map.of("bgp", "off"))).isFalse();
        assertThat(p.spec().confederation().orElseThrow().memberAsns()).containsExactlyInAnyOrder(64513L, 64514L);
        assertThat(p.spec().advertisements().serviceIpTypes())
                .containsExactlyInAnyOrder(ServiceIPType.CLUSTER_IP, ServiceIPType.LOAD_BALANCER_IP);
        assertThat(p.spec().advertisements().pod()).isTrue();
        assertThat(p.spec().advertisements().egress()).isTrue();
        assertThat(p.spec().bgpPeers()).hasSize(2);
        assertThat(p.spec().bgpPeers().get(1).multihopTtl()).isEqualTo(2);
    }

    @Test
    void defaultsAreAppliedWhenTheApiServerDidNot() {
        BgpPolicy p = parse("""
                metadata: {name: minimal}
                spec:
                  nodeSelector: {}
                  localASN: 64512
                  bgpPeers:
                    - {address: "fd00::1", asn: 65001}
                """);
        assertThat(p.spec().listenPort()).isEqualTo(179);
        assertThat(p.spec().advertisements().serviceIpTypes()).isEmpty();
        assertThat(p.spec().advertisements().pod()).isFalse();
        var peer = p.spec().bgpPeers().get(0);
        assertThat(peer.port()).isEqualTo(179);
        assertThat(peer.multihopTtl()).isEqualTo(1);
        assertThat(peer.gracefulRestartTimeSeconds()).isEqualTo(120);
        assertThat(peer.address().isIPv6()).isTrue();
    }

    @Test
    void matchExpressionsAreSupported() {
        BgpPolicy p = parse("""
                metadata: {name: x}
                spec:
                  nodeSelector:
                    matchExpressions:
                      - {key: zone, operator: In, values: [a, b]}
                      - {key: edge, operator: DoesNotExist}
                  localASN: 64512
                """);
        assertThat(p.spec().nodeSelector().matches(Map.of("zone", "a"))).isTrue();
        assertThat(p.spec().nodeSelector().matches(Map.of("zone", "a", "edge", "1"))).isFalse();
    }

    @Test
    void timersGracefulRestartAndBfdAsAntreasProposalsNameThem() {
        BgpPolicy p = parse("""
                metadata: {name: fast}
                spec:
                  nodeSelector: {}
                  localASN: 64512
                  bgpPeers:
                    - address: 10.0.0.1
                      asn: 65001
                      holdTimeSeconds: 9
                      keepaliveIntervalSeconds: 3
                      connectRetrySeconds: 10
                      gracefulRestartEnabled: false
                      bfd: {enabled: true, minReceiveIntervalMilliseconds: 100, minTransmitIntervalMilliseconds: 50,
                            detectionMultiplier: 5}
                    - {address: 10.0.0.2, asn: 65001, bfd: {enabled: true}}
                    - {address: 10.0.0.3, asn: 65001}
                """);
        var fast = p.spec().bgpPeers().get(0);
        assertThat(fast.timers()).isEqualTo(new PeerTimers(9, 3, 10));
        assertThat(fast.gracefulRestart()).isFalse();
        assertThat(fast.bfd()).isEqualTo(BfdSettings.enabled(100, 50, 5));
        assertThat(p.spec().bgpPeers().get(1).bfd()).isEqualTo(BfdSettings.enabled(300, 300, 3));
        var plain = p.spec().bgpPeers().get(2);
        assertThat(plain.timers()).isEqualTo(PeerTimers.DEFAULT);
        assertThat(plain.gracefulRestart()).isTrue();
        assertThat(plain.bfd()).isEqualTo(BfdSettings.DISABLED);
        assertThat(fast.toPeerConfig(java.util.Optional.empty()).bfd().enabled()).isTrue();
    }

    @Test
    void invalidTimersAndBfdAreNamedWithTheirPeer() {
        String head = "metadata: {name: x}\nspec: {nodeSelector: {}, localASN: 1, bgpPeers: [{address: 10.0.0.1, "
                + "asn: 65001, ";
        assertThatThrownBy(() -> parse(head + "holdTimeSeconds: 2}]}"))
                .hasMessage("spec.bgpPeers[0].holdTimeSeconds 2 is neither 0 nor in 3..65535");
        assertThatThrownBy(() -> parse(head + "holdTimeSeconds: 70000}]}"))
                .hasMessage("spec.bgpPeers[0].holdTimeSeconds 70000 is not in 0..65535");
        assertThatThrownBy(() -> parse(head + "holdTimeSeconds: 9, keepaliveIntervalSeconds: 9}]}"))
                .hasMessage("spec.bgpPeers[0].keepaliveIntervalSeconds 9 must be less than holdTimeSeconds 9");
        assertThatThrownBy(() -> parse(head + "connectRetrySeconds: 0}]}"))
                .hasMessage("spec.bgpPeers[0].connectRetrySeconds 0 is not in 1..65535");
        assertThatThrownBy(() -> parse(head + "gracefulRestartEnabled: yes please}]}"))
                .hasMessage("spec.bgpPeers[0].gracefulRestartEnabled must be true or false, not 'yes please'");
        assertThatThrownBy(() -> parse(head + "bfd: {minReceiveIntervalMilliseconds: 100}}]}"))
                .hasMessage("spec.bgpPeers[0].bfd.enabled is required");
        assertThatThrownBy(() -> parse(head + "bfd: {enabled: true, minTransmitIntervalMilliseconds: 5}}]}"))
                .hasMessage("spec.bgpPeers[0].bfd.minTransmitIntervalMilliseconds 5 is not in 10..60000");
        assertThatThrownBy(() -> parse(head + "bfd: {enabled: true, detectionMultiplier: 0}}]}"))
                .hasMessage("spec.bgpPeers[0].bfd.detectionMultiplier 0 is not in 1..255");
        assertThatThrownBy(() -> parse(head + "bfd: on}]}"))
                .hasMessage("spec.bgpPeers[0].bfd must be an object");
    }

    @Test
    void invalidFieldsAreNamed() {
        assertThatThrownBy(() -> parse("metadata: {name: x}\nspec: {nodeSelector: {}, localASN: 70000}"))
                .hasMessage("spec.localASN 70000 is not in 1..65535");
        assertThatThrownBy(() -> parse("metadata: {name: x}\nspec: {localASN: 1}"))
                .hasMessage("spec.nodeSelector is required");
        assertThatThrownBy(() -> parse("metadata: {name: x}\nspec: {nodeSelector: {}, localASN: 1, "
                + "bgpPeers: [{address: 10.0.0.1, asn: 65001, multihopTTL: 0}]}"))
                .hasMessage("spec.bgpPeers[0].multihopTTL 0 is not in 1..255");
        assertThatThrownBy(() -> parse("metadata: {name: x}\nspec: {nodeSelector: {}, localASN: 1, "
                + "bgpPeers: [{address: not-an-ip, asn: 65001}]}"))
                .hasMessageStartingWith("spec.bgpPeers[0].address 'not-an-ip' is not an IP address");
        assertThatThrownBy(() -> parse("metadata: {name: x}\nspec: {nodeSelector: {matchExpressions: "
                + "[{key: a, operator: Near}]}, localASN: 1}"))
                .hasMessageContaining("spec.nodeSelector.matchExpressions[0]").hasMessageContaining("Near");
        assertThatThrownBy(() -> parse("metadata: {name: x}\nspec: {nodeSelector: {}, localASN: 1, "
                + "advertisements: {service: {ipTypes: [NodePort]}}}"))
                .hasMessageContaining("spec.advertisements.service.ipTypes").hasMessageContaining("NodePort");
        assertThatThrownBy(() -> parse("metadata: {name: x}\nspec: {nodeSelector: {}, localASN: \"64512\"}"))
                .hasMessage("spec.localASN must be an integer, not '64512'");
        // 2^64 + 1: its low 64 bits are 1, which was accepted as AS 1 (BgpPolicyParserFuzzTest)
        assertThatThrownBy(() -> parse("metadata: {name: x}\nspec: {nodeSelector: {}, localASN: 18446744073709551617}"))
                .hasMessage("spec.localASN 18446744073709551617 is not in 1..65535");
        assertThat(parse("metadata: {name: x}\nspec: {nodeSelector: {}, localASN: 64512.0}").spec().localAsn())
                .isEqualTo(64512);
        assertThatThrownBy(() -> parse("metadata: {name: x}\nspec: {nodeSelector: {}, localASN: 64512.5}"))
                .hasMessage("spec.localASN must be an integer, not '64512.5'");
    }

    @Test
    void aPeerAddressIsOneUnicastAddressListedOnce() {
        String head = "metadata: {name: x}\nspec: {nodeSelector: {}, localASN: 1, bgpPeers: [";
        for (String bad : new String[] {"0.0.0.0", "'::'", "224.0.0.5", "'ff02::1'", "255.255.255.255"}) {
            assertThatThrownBy(() -> parse(head + "{address: " + bad + ", asn: 65001}]}"))
                    .hasMessage("spec.bgpPeers[0].address '" + bad.replace("'", "") + "' is not a unicast address");
        }
        assertThat(parse(head + "{address: 127.0.0.2, asn: 65001}, {address: 'fe80::1', asn: 65001}]}").spec()
                .bgpPeers()).hasSize(2);
        // the same router twice, or one address with two AS numbers: a router runs one session per address
        assertThatThrownBy(() -> parse(head + "{address: 10.0.0.1, asn: 65001}, {address: 10.0.0.2, asn: 65001}, "
                + "{address: 10.0.0.1, asn: 65002}]}"))
                .hasMessage("spec.bgpPeers[2].address 10.0.0.1 repeats spec.bgpPeers[0]'s: one session per peer "
                        + "address");
        assertThatThrownBy(() -> parse(head + "{address: 10.0.0.1, asn: 65001}, {address: 10.0.0.1, asn: 65001, "
                + "port: 1179}]}")).hasMessageStartingWith("spec.bgpPeers[1].address 10.0.0.1 repeats");
    }

    @Test
    void moreThanAHundredPeersAreRefusedBeforeAnyIsRead() {
        StringBuilder peers = new StringBuilder();
        for (int i = 0; i <= BgpPolicyParser.MAX_PEERS; i++) {
            // none of them valid: the count is checked first, so a huge list costs nothing to refuse
            peers.append(i == 0 ? "" : ", ").append("{address: nowhere}");
        }
        assertThatThrownBy(() -> parse("metadata: {name: x}\nspec: {nodeSelector: {}, localASN: 1, bgpPeers: ["
                + peers + "]}")).hasMessage("spec.bgpPeers has 101 entries; at most 100 peers are supported per "
                + "BGPPolicy");
    }
}
