package dev.herald.simulator.whatif;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.api.BgpPolicy;
import dev.herald.api.Route;
import dev.herald.api.RouteType;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The what-if against an emulated cluster: election, routes and peers as the agents would have them. */
class WhatIfTest {
    @TempDir
    Path tmp;
    private WhatIfClusterFixture f;

    @BeforeEach
    void setUp() throws Exception {
        f = new WhatIfClusterFixture(tmp);
    }

    @AfterEach
    void tearDown() {
        f.close();
    }

    private static NodeOutcome node(WhatIfReport r, String name) {
        return r.nodes().stream().filter(n -> n.name().equals(name)).findFirst().orElseThrow();
    }

    private static List<String> prefixes(List<Route> routes) {
        return routes.stream().map(x -> x.prefix().toCanonicalString()).distinct().toList();
    }

    private static String policy(NodeOutcome n, boolean whatIf) {
        return (whatIf ? n.whatIf() : n.now()).map(BgpPolicy::name).orElse("<none>");
    }

    @Test
    void aNewPolicyThatSelectsMoreNodesAddsPrefixesOnlyWhereNoOlderPolicyIsEffective() throws Exception {
        // named to sort first: were it not the newest, it would win ties by name
        Path p = f.policy("everywhere.yaml", """
                apiVersion: crd.antrea.io/v1alpha1
                kind: BGPPolicy
                metadata: {name: aaa-everywhere}
                spec:
                  nodeSelector: {}
                  localASN: 64513
                  advertisements: {service: {ipTypes: [ClusterIP]}, pod: {}, egress: {}}
                  bgpPeers: [{address: 192.168.77.100, asn: 65000}, {address: "fd00:77::1", asn: 65000}]
                """);
        f.cluster.node("node4", List.of("127.0.0.14"), Map.of(), List.of("10.244.4.0/24"));

        WhatIfReport r = f.report(p);

        assertThat(r.replaces()).isFalse();
        assertThat(r.candidate().creationTimestamp()).isAfter(r.inForce().get(1).creationTimestamp());
        assertThat(r.effectiveOn()).extracting(NodeOutcome::name).containsExactly("node4");
        assertThat(r.losesOn()).extracting(NodeOutcome::name).containsExactly("node1", "node2", "node3");
        for (String kept : List.of("node1", "node2", "node3")) {
            NodeOutcome n = node(r, kept);
            assertThat(policy(n, true)).isEqualTo(policy(n, false));
            assertThat(n.changes()).as(kept).isFalse();
        }
        NodeOutcome n4 = node(r, "node4");
        assertThat(policy(n4, false)).isEqualTo("<none>");
        assertThat(policy(n4, true)).isEqualTo("aaa-everywhere");
        // IPv4-only node: the IPv6 ClusterIP of web and the IPv6 peer are not its family; the Egress is node3's
        assertThat(prefixes(n4.added())).containsExactlyInAnyOrder(f.ip("web") + "/32", f.ip("lb") + "/32",
                "10.244.4.0/24");
        assertThat(n4.peersAdded()).extracting(ReportPrinter::peer).containsExactly("192.168.77.100:179");
        assertThat(n4.serverChange()).hasValueSatisfying(s -> assertThat(s).startsWith("would start"));

        WhatIfClusterFixture.Run run = f.run("--what-if", p.toString(), "--kubeconfig", f.cluster.kubeconfig()
                .toString());
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out()).containsPattern("(?m)^NODE +NOW +WHAT-IF +PEERS +PREFIXES +ADDED +REMOVED +NOTES$")
                .containsPattern("(?m)^node1 +base +base +192\\.168\\.77\\.100:179 +3 +0 +0 "
                        + "+aaa-everywhere loses to older base$")
                .containsPattern("(?m)^node4 +<none> +aaa-everywhere +192\\.168\\.77\\.100:179 +3 +3 +0 +server "
                        + "starts, peers \\+1 -0$")
                .contains("It also selects node1, node2, where the older base stays effective")
                .contains("It also selects node3, where the older zone-b stays effective")
                .containsPattern("(?m)^  10\\.244\\.4\\.0/24 +NodeIPAMPodCIDR +<NONE> +added$")
                .containsPattern("(?m)^  " + f.ip("lb").replace(".", "\\.") + "/32 +ServiceClusterIP +default/lb "
                        + "+added$")
                .doesNotContain("Node node1:")
                .endsWith(ReportPrinter.NOTHING_WRITTEN + System.lineSeparator());
    }

    @Test
    void addingLoadBalancerIpsToTheNewerPolicyChangesOnlyTheNodesWhereItIsEffective() throws Exception {
        Path p = f.policy("zone-b.yaml", WhatIfClusterFixture.ZONE_B.replace("[ClusterIP]",
                "[ClusterIP, LoadBalancerIP]"));

        WhatIfReport r = f.report(p);

        assertThat(r.replaces()).isTrue();
        // node2 is in zone b too, but base is older there: the candidate would not be effective on it
        assertThat(r.losesOn()).extracting(NodeOutcome::name).containsExactly("node2");
        assertThat(r.effectiveOn()).extracting(NodeOutcome::name).containsExactly("node3");
        NodeOutcome n2 = node(r, "node2");
        assertThat(n2.changes()).isFalse();
        assertThat(prefixes(n2.routesWhatIf())).doesNotContain(f.loadBalancerIp("lb") + "/32");
        NodeOutcome n3 = node(r, "node3");
        assertThat(n3.added()).containsExactly(Route.of(f.loadBalancerIp("lb"), RouteType.SERVICE_LOAD_BALANCER_IP,
                "default/lb"));
        assertThat(n3.removed()).isEmpty();
        assertThat(n3.serverChange()).isEmpty();
        assertThat(n3.peersAdded()).isEmpty();
        assertThat(r.changed()).extracting(NodeOutcome::name).containsExactly("node3");

        WhatIfClusterFixture.Run run = f.run("--what-if", p.toString(), "--kubeconfig", f.cluster.kubeconfig()
                .toString());
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out()).contains("replaces the BGPPolicy zone-b in the cluster")
                .containsPattern("(?m)^node2 +base +base +192\\.168\\.77\\.100:179 +2 +0 +0 "
                        + "+zone-b loses to older base$")
                .containsPattern("(?m)^node3 +zone-b +zone-b +192\\.168\\.77\\.200:179 +3 +1 +0 +-$")
                .contains("zone-b would be effective on 1 of 3 node(s): node3.")
                .contains("Node node3: zone-b with the new spec")
                .containsPattern("(?m)^  " + f.loadBalancerIp("lb").replace(".", "\\.")
                        + "/32 +ServiceLoadBalancerIP +default/lb +added$");
    }

    @Test
    void aReplacementKeepsTheCreationTimeOfThePolicyItReplaces() throws Exception {
        // base with LoadBalancer IPs and a second peer: as the older policy it keeps node2 from zone-b
        Path p = f.policy("base.yaml", WhatIfClusterFixture.BASE.replace("[ClusterIP]", "[ClusterIP, LoadBalancerIP]")
                .replace("asn: 65000}]", "asn: 65000}, {address: 192.168.77.101, asn: 65000, port: 1179}]"));

        WhatIfReport r = f.report(p);

        assertThat(r.replaces()).isTrue();
        BgpPolicy old = r.inForce().stream().filter(x -> x.name().equals("base")).findFirst().orElseThrow();
        assertThat(r.candidate().creationTimestamp()).isEqualTo(old.creationTimestamp());
        assertThat(r.candidate().generation()).isEqualTo(old.generation() + 1);
        assertThat(r.effectiveOn()).extracting(NodeOutcome::name).containsExactly("node1", "node2");
        for (String name : List.of("node1", "node2")) {
            NodeOutcome n = node(r, name);
            assertThat(policy(n, true)).isEqualTo("base");
            assertThat(prefixes(n.added())).containsExactly(f.loadBalancerIp("lb") + "/32");
            assertThat(n.peersAdded()).extracting(ReportPrinter::peer).containsExactly("192.168.77.101:1179");
            assertThat(n.serverChange()).isEmpty();
        }
        assertThat(node(r, "node3").changes()).isFalse();

        // and a replacement that stops selecting node2 hands it to zone-b: peers and prefixes change
        Path q = f.policy("base-a.yaml", WhatIfClusterFixture.BASE.replace("{bgp: \"on\"}", "{zone: a}"));
        WhatIfReport s = f.report(q);
        NodeOutcome n2 = node(s, "node2");
        assertThat(policy(n2, false)).isEqualTo("base");
        assertThat(policy(n2, true)).isEqualTo("zone-b");
        assertThat(n2.peersAdded()).extracting(ReportPrinter::peer).containsExactly("192.168.77.200:179");
        assertThat(n2.peersRemoved()).extracting(ReportPrinter::peer).containsExactly("192.168.77.100:179");
        assertThat(n2.addedPrefixes()).isZero();
        assertThat(n2.removedPrefixes()).isZero();
    }

    @Test
    void aChangedLocalAsnRestartsTheServerAndAPolicyThatSelectsNothingStopsIt() throws Exception {
        Path p = f.policy("zone-b.yaml", WhatIfClusterFixture.ZONE_B.replace("64512", "64600")
                .replace("asn: 65001}", "asn: 65001, port: 1179}"));
        NodeOutcome n3 = node(f.report(p), "node3");
        assertThat(n3.serverChange()).hasValueSatisfying(s -> assertThat(s).contains("local ASN 64512 -> 64600"));
        assertThat(n3.peersChanged()).containsValue("port 179 -> 1179");

        Path q = f.policy("zone-b-gone.yaml", WhatIfClusterFixture.ZONE_B.replace("zone: b", "zone: nowhere"));
        NodeOutcome gone = node(f.report(q), "node3");
        assertThat(policy(gone, true)).isEqualTo("<none>");
        assertThat(gone.serverChange()).hasValueSatisfying(s -> assertThat(s).startsWith("would stop"));
        assertThat(gone.removedPrefixes()).isEqualTo(2);
        assertThat(gone.peersRemoved()).hasSize(1);
    }

    @Test
    void aPolicyThatIsInvalidTodayIsReplacedInItsPlace() throws Exception {
        f.cluster.apply(WhatIfClusterFixture.BASE.replace("name: base", "name: zzz-broken")
                .replace("192.168.77.100", "not-an-address").replace("bgp: \"on\"", "zone: b"));
        Path p = f.policy("zzz-broken.yaml", WhatIfClusterFixture.BASE.replace("name: base", "name: zzz-broken")
                .replace("bgp: \"on\"", "zone: b").replace("[ClusterIP]", "[LoadBalancerIP]"));

        WhatIfReport r = f.report(p);

        assertThat(r.invalid()).containsKey("zzz-broken");
        assertThat(r.replaces()).isTrue();
        assertThat(r.replacedInvalid()).contains("spec.bgpPeers[0]");
        // created after base and zone-b (or in the same second, and last by name), so effective nowhere
        assertThat(r.effectiveOn()).isEmpty();
        assertThat(r.losesOn()).extracting(NodeOutcome::name).containsExactly("node2", "node3");
        assertThat(r.changed()).isEmpty();
        WhatIfClusterFixture.Run run = f.run("--what-if", p.toString(), "--kubeconfig",
                f.cluster.kubeconfig().toString());
        assertThat(run.out()).contains("invalid, ignored by every agent: zzz-broken: ")
                .contains("No node would change.");
    }

    @Test
    void jsonAndYamlCarryTheSameReport() throws Exception {
        Path p = f.policy("zone-b.yaml", WhatIfClusterFixture.ZONE_B.replace("[ClusterIP]",
                "[ClusterIP, LoadBalancerIP]"));
        WhatIfClusterFixture.Run json = f.run("--what-if", p.toString(), "--kubeconfig",
                f.cluster.kubeconfig().toString(), "-o", "json");
        assertThat(json.code()).as(json.err()).isZero();
        @SuppressWarnings("unchecked")
        Map<String, Object> m = io.fabric8.kubernetes.client.utils.Serialization.unmarshal(json.out(), Map.class);
        assertThat(m).containsEntry("clusterChanged", false);
        assertThat((Map<String, Object>) m.get("candidate")).containsEntry("name", "zone-b")
                .containsEntry("replaces", true).containsEntry("notEffectiveOn", List.of("node2"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> nodes = (List<Map<String, Object>>) m.get("nodes");
        assertThat(nodes).extracting(n -> n.get("node")).containsExactly("node1", "node2", "node3");
        assertThat(nodes.get(2)).containsEntry("added", List.of(Map.of("route", f.loadBalancerIp("lb") + "/32",
                "type", "ServiceLoadBalancerIP", "k8sObjRef", "default/lb")));

        WhatIfClusterFixture.Run yaml = f.run("--what-if", p.toString(), "--kubeconfig",
                f.cluster.kubeconfig().toString(), "-o", "yaml");
        assertThat(yaml.code()).as(yaml.err()).isZero();
        Object fromYaml = io.fabric8.kubernetes.client.utils.Serialization.unmarshal(yaml.out(), Map.class);
        assertThat(fromYaml).isEqualTo(m);
    }
}
