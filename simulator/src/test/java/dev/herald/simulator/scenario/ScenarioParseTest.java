package dev.herald.simulator.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
                new Scenario.Swap("steps[0]", Optional.empty(), "update", "dev.herald.controller"),
                new Scenario.Swap("steps[1]", Optional.of("node1"), "uninstall", "dev.herald.source.service"),
                new Scenario.Swap("steps[2]", Optional.empty(), "backend", "gobgp"),
                new Scenario.ExpectHistory("steps[3]", "r1", Scenario.DEFAULT_WITHIN, Set.of("10.96.0.1/32"), "kept"),
                new Scenario.ExpectHistory("steps[4]", "r1", java.time.Duration.ofSeconds(40), Set.of(), "renewed"));
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
}
