package dev.herald.simulator.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Scenario files: what swap steps and peer options mean, and the errors a typo gets. */
class ScenarioParseTest {
    private static String scenario(String agents, String steps) {
        return """
                name: t
                %s
                nodes: [{name: node1}, {name: node2}]
                peers: [{name: r1, address: 127.0.9.1, asn: 65000}]
                steps:
                %s
                """.formatted(agents, steps);
    }

    @Test
    void swapStepsAndHistoryExpectationsParse() {
        Scenario s = Scenario.parse(scenario("agents: framework", """
                  - swap: {update: dev.herald.controller}
                  - swap: {node: node1, uninstall: dev.herald.source.service}
                  - swap: {backend: gobgp}
                  - expectHistory: {peer: r1, withdrawn: [10.96.0.1/32], sessions: kept}
                  - expectHistory: {peer: r1, within: 40s, sessions: renewed}
                """), "t.yaml");
        assertThat(s.frameworkAgents()).isTrue();
        assertThat(s.needsGobgp()).isTrue();
        assertThat(s.steps()).containsExactly(
                new Scenario.Swap("steps[0]", Optional.empty(), Scenario.Swap.Action.UPDATE, "dev.herald.controller"),
                new Scenario.Swap("steps[1]", Optional.of("node1"), Scenario.Swap.Action.UNINSTALL,
                        "dev.herald.source.service"),
                new Scenario.Swap("steps[2]", Optional.empty(), Scenario.Swap.Action.BACKEND, "gobgp"),
                new Scenario.ExpectHistory("steps[3]", "r1", Scenario.DEFAULT_WITHIN, Set.of("10.96.0.1/32"),
                        Scenario.ExpectHistory.Sessions.KEPT),
                new Scenario.ExpectHistory("steps[4]", "r1", java.time.Duration.ofSeconds(40), Set.of(),
                        Scenario.ExpectHistory.Sessions.RENEWED));
    }

    @Test
    void swapsNeedFrameworkAgents() {
        assertThatThrownBy(() -> Scenario.parse(scenario("", "  - swap: {update: dev.herald.controller}"), "t.yaml"))
                .hasMessageContaining("t.yaml: steps[0].swap: bundle swaps need agents: framework");
    }

    @Test
    void aSwapNamesExactlyOneActionAndAKnownNode() {
        assertThatThrownBy(() -> Scenario.parse(scenario("agents: framework",
                "  - swap: {update: a, uninstall: b}"), "t.yaml"))
                .hasMessageContaining("steps[0].swap: expected exactly one of [backend, install, uninstall, update]");
        assertThatThrownBy(() -> Scenario.parse(scenario("agents: framework",
                "  - swap: {node: node9, update: a}"), "t.yaml")).hasMessageContaining("no node named node9");
        assertThatThrownBy(() -> Scenario.parse(scenario("agents: framework",
                "  - swap: {backend: frr}"), "t.yaml")).hasMessageContaining("expected native or gobgp, got 'frr'");
        assertThatThrownBy(() -> Scenario.parse(scenario("agents: framework",
                "  - expectHistory: {peer: r1, sessions: flapped}"), "t.yaml"))
                .hasMessageContaining("expected kept, renewed or any, got 'flapped'");
        assertThatThrownBy(() -> Scenario.parse(scenario("agents: containers", ""), "t.yaml"))
                .hasMessageContaining("agents: expected in-process, framework or none");
    }

    @Test
    void agentsNoneRunsTheClusterAndPeersOnly() {
        Scenario s = Scenario.parse(scenario("agents: none", "  - expectEstablished: {peer: r1, nodes: [node1]}"),
                "t.yaml");
        assertThat(s.noAgents()).isTrue();
        assertThat(s.frameworkAgents()).isFalse();
        assertThat(Scenario.parse(scenario("", ""), "t.yaml").noAgents()).isFalse();
        assertThatThrownBy(() -> Scenario.parse(scenario("agents: none\ninformers: shared", ""), "t.yaml"))
                .hasMessageContaining("informers: shared informers are for in-process agents");
        assertThatThrownBy(() -> Scenario.parse(scenario("agents: none", "  - swap: {update: a}"), "t.yaml"))
                .hasMessageContaining("bundle swaps need agents: framework");
    }

    @Test
    void aPeerThatConnectsNamesTheAgentsPortAndIsOnIpv4() {
        String peers = "peers: [{name: r1, address: 127.0.9.1, asn: 65000}]";
        Scenario s = Scenario.parse(scenario("", "").replace(peers,
                "peers: [{name: r1, address: 127.0.9.1, asn: 65000, connect: 1790}, {address: '::1', asn: 65001}]"),
                "t.yaml");
        assertThat(s.peers()).extracting(Scenario.PeerSpec::connect).containsExactly(Optional.of(1790),
                Optional.empty());
        assertThatThrownBy(() -> Scenario.parse(scenario("", "").replace(peers,
                "peers: [{address: '::1', asn: 65001, connect: 1790}]"), "t.yaml"))
                .hasMessageContaining("peers[0].connect").hasMessageContaining("127.0.0.x");
        assertThatThrownBy(() -> Scenario.parse(scenario("", "").replace(peers,
                "peers: [{address: 127.0.9.1, asn: 65001, connect: 0}]"), "t.yaml"))
                .hasMessageContaining("peers[0].connect").hasMessageContaining("1..65535");
    }

    @Test
    void eventAndConditionExpectationsNameTheTextsTheirMessageMustHold() {
        Scenario s = Scenario.parse(scenario("", """
                  - expectEvent: {kind: Service, namespace: default, name: web, reason: InvalidField,
                                  message: "spec.externalIPs[0]", within: 5s}
                  - expectEvent: {kind: Node, name: node1, message: [status.addresses, spec.podCIDRs]}
                  - expectCondition: {policy: p, node: node1, status: "False", reason: InvalidSpec,
                                      message: spec.bgpPeers}
                """), "t.yaml");
        assertThat(s.steps()).containsExactly(
                new Scenario.ExpectEvent("steps[0]", "Service", Optional.of("default"), "web",
                        Optional.of("InvalidField"), List.of("spec.externalIPs[0]"), Duration.ofSeconds(5)),
                new Scenario.ExpectEvent("steps[1]", "Node", Optional.empty(), "node1", Optional.empty(),
                        List.of("status.addresses", "spec.podCIDRs"), Scenario.DEFAULT_WITHIN),
                new Scenario.ExpectCondition("steps[2]", "p", "node1", Scenario.DEFAULT_WITHIN, "False",
                        "InvalidSpec", List.of("spec.bgpPeers")));
        assertThatThrownBy(() -> Scenario.parse(scenario("", "  - expectEvent: {kind: Node}"), "t.yaml"))
                .hasMessageContaining("steps[0].expectEvent.name: is required");
    }

    @Test
    void generateFillsListsAndTextsWithinBounds() {
        Scenario s = Scenario.parse(scenario("", """
                  - generate:
                      object: |
                        kind: BGPPolicy
                        metadata: {name: many}
                      set:
                        - {path: [spec, bgpPeers], repeat: 3, item: {address: "fd00:99::{i}", asn: 65010}}
                        - {path: [data, 127.0.1.1-65000], bytes: 10, base64: true}
                """), "t.yaml");
        Scenario.Generate g = (Scenario.Generate) s.steps().get(0);
        assertThat(g.fills()).containsExactly(
                new Scenario.Repeat(List.of("spec", "bgpPeers"), 3, Map.of("address", "fd00:99::{i}", "asn", 65010)),
                new Scenario.Text(List.of("data", "127.0.1.1-65000"), 10, true));
        String base = "  - generate:\n      object: 'kind: Secret'\n      set: [%s]\n";
        assertThatThrownBy(() -> Scenario.parse(scenario("", base.formatted("{path: [a], repeat: 0, item: x}")),
                "t.yaml")).hasMessageContaining("steps[0].generate.set[0].repeat: expected 1 to 100000, got 0");
        assertThatThrownBy(() -> Scenario.parse(scenario("", base.formatted("{path: [a], bytes: 20000000}")),
                "t.yaml")).hasMessageContaining("set[0].bytes: expected 1 to 16777216");
        assertThatThrownBy(() -> Scenario.parse(scenario("", base.formatted("{path: [a], repeat: 2}")), "t.yaml"))
                .hasMessageContaining("repeat takes an item");
        assertThatThrownBy(() -> Scenario.parse(scenario("", base.formatted("{path: [a], repeat: 2, bytes: 3}")),
                "t.yaml")).hasMessageContaining("expected either repeat (with item) or bytes");
        assertThatThrownBy(() -> Scenario.parse(scenario("", base.formatted("{bytes: 3}")), "t.yaml"))
                .hasMessageContaining("set[0].path: a list of mapping keys is required");
        assertThatThrownBy(() -> Scenario.parse(scenario("", "  - generate: {object: 'kind: Secret'}\n"), "t.yaml"))
                .hasMessageContaining("generate.set: at least one generated value is needed");
    }
}
