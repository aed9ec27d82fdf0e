package dev.herald.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.api.Addresses;
import dev.herald.api.Advertisements;
import dev.herald.api.BfdSettings;
import dev.herald.api.BgpPeerSpec;
import dev.herald.api.BgpPolicy;
import dev.herald.api.BgpPolicySpec;
import dev.herald.api.Confederation;
import dev.herald.api.LabelSelector;
import dev.herald.api.NodeInfo;
import dev.herald.api.PeerTimers;
import dev.herald.api.ReconcileStep;
import dev.herald.api.RouteType;
import dev.herald.api.ServiceIPType;
import dev.herald.api.spi.RouteSource;
import dev.herald.api.spi.StopMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The reconciler over plain objects: one test or more per rule of the BGPPolicy spec. */
class BgpPolicyReconcilerTest {
    private final Fakes.Cluster cluster = new Fakes.Cluster();
    private final Fakes.Backend backend = new Fakes.Backend();
    private final Fakes.Writer writer = new Fakes.Writer();
    private final Fakes.Source services = new Fakes.Source(RouteType.SERVICE_CLUSTER_IP);
    private final List<RouteSource> sources = new ArrayList<>(List.of(services));
    private BgpPolicyReconciler reconciler;

    @BeforeEach
    void setUp() {
        cluster.node = Fakes.node("node1", Map.of("bgp", "on"), Map.of(), "192.168.0.11");
        reconciler = new BgpPolicyReconciler(cluster, writer, () -> Optional.of(backend), () -> List.copyOf(sources),
                BgpPolicyReconciler.Settings.DEFAULT);
    }

    static BgpPolicy policy(String name, long createdSecond, long asn, int port, BgpPeerSpec... peers) {
        return policy(name, createdSecond, asn, port, Optional.empty(), LabelSelector.ALL, peers);
    }

    static BgpPolicy policy(String name, long createdSecond, long asn, int port, Optional<Confederation> confed,
                            LabelSelector selector, BgpPeerSpec... peers) {
        return new BgpPolicy(name, Instant.ofEpochSecond(createdSecond), 1, new BgpPolicySpec(selector, asn, port,
                confed, new Advertisements(Set.of(ServiceIPType.CLUSTER_IP), false, false), List.of(peers)));
    }

    static BgpPeerSpec peer(String address, long asn) {
        return new BgpPeerSpec(Addresses.address(address, "peer"), asn, 179, 1, 120);
    }

    private List<String> pass() {
        int before = backend.log.size();
        reconciler.reconcile();
        return List.copyOf(backend.log.subList(before, backend.log.size()));
    }

    // ---- election (docs/bgp-policy.md, Behaviour §2) ----

    @Test
    void theOldestMatchingPolicyIsEffectiveAndTheNextTakesOverWhenItGoes() {
        cluster.policies.add(policy("young", 200, 65002, 179));
        cluster.policies.add(policy("old", 100, 65001, 179));
        assertThat(pass()).containsExactly("start AS 65001 id 192.168.0.11 port 179");
        assertThat(reconciler.status().policy()).contains("old");
        assertThat(writer.events).contains("Normal PolicyEffective: BGPPolicy old is effective on Node node1");

        cluster.policies.removeIf(p -> p.name().equals("old"));
        reconciler.invalidate();
        assertThat(pass()).containsExactly("stop AS 65001", "start AS 65002 id 192.168.0.11 port 179");
        assertThat(reconciler.status().policy()).contains("young");
    }

    @Test
    void equalTimestampsAreBrokenByName() {
        cluster.policies.add(policy("b", 100, 65002, 179));
        cluster.policies.add(policy("a", 100, 65001, 179));
        pass();
        assertThat(reconciler.status().policy()).contains("a");
    }

    @Test
    void aSelectorChangeOrANodeRelabelMovesTheNodeToAnotherPolicyOrToNone() {
        var onlyBgp = new LabelSelector(Map.of("bgp", "on"), List.of());
        cluster.policies.add(policy("selective", 100, 65001, 179, Optional.empty(), onlyBgp));
        cluster.policies.add(policy("fallback", 200, 65002, 179, Optional.empty(),
                new LabelSelector(Map.of("zone", "a"), List.of())));
        pass();
        assertThat(reconciler.status().policy()).contains("selective");

        cluster.node = Fakes.node("node1", Map.of("zone", "a"), Map.of(), "192.168.0.11");
        reconciler.invalidate();
        assertThat(pass()).containsExactly("stop AS 65001", "start AS 65002 id 192.168.0.11 port 179");

        cluster.node = Fakes.node("node1", Map.of(), Map.of(), "192.168.0.11");
        reconciler.invalidate();
        assertThat(pass()).containsExactly("stop AS 65002");
        assertThat(reconciler.status()).isEqualTo(BgpPolicyReconciler.Status.NONE);
    }

    @Test
    void aMissingNodeMeansNoPolicy() {
        cluster.policies.add(policy("p", 100, 65001, 179));
        pass();
        cluster.node = null;
        reconciler.invalidate();
        assertThat(pass()).containsExactly("stop AS 65001");
    }

    @Test
    void nothingIsDoneBeforeTheInformersHaveSynced() {
        cluster.policies.add(policy("p", 100, 65001, 179));
        cluster.synced = false;
        assertThat(pass()).isEmpty();
        cluster.synced = true;
        assertThat(pass()).containsExactly("start AS 65001 id 192.168.0.11 port 179");
    }

    // ---- router ID (docs/bgp-policy.md, Behaviour §3) ----

    @Test
    void routerIdComesFromTheAnnotationElseTheNodeIpv4AndIsWrittenBack() {
        cluster.policies.add(policy("p", 100, 65001, 179));
        pass();
        assertThat(writer.annotations).containsExactly("node1=192.168.0.11");

        cluster.node = Fakes.node("node1", Map.of(), Map.of(NodeInfo.ROUTER_ID_ANNOTATION, "10.9.9.9"), "192.168.0.11");
        reconciler.invalidate();
        assertThat(pass()).containsExactly("stop AS 65001", "start AS 65001 id 10.9.9.9 port 179");
        assertThat(writer.annotations).hasSize(1);
    }

    @Test
    void anInvalidRouterIdAnnotationFailsThePassAndLeavesTheServerAlone() {
        cluster.policies.add(policy("p", 100, 65001, 179));
        pass();
        cluster.node = Fakes.node("node1", Map.of(), Map.of(NodeInfo.ROUTER_ID_ANNOTATION, "fd00::1"), "192.168.0.11");
        reconciler.invalidate();
        assertThatThrownBy(reconciler::reconcile).hasMessageContaining("invalid node.antrea.io/bgp-router-id");
        assertThat(backend.current().stopped).isFalse();
        assertThat(writer.events).anyMatch(e -> e.startsWith("Warning InvalidRouterID"));
    }

    @Test
    void anIpv6OnlyNodeGetsTheFnvHashOfItsName() {
        assertThat(RouterIds.hashed("local").toString()).isEqualTo("156.67.103.8");
        assertThat(RouterIds.hashed("node1").toString()).isEqualTo("15.78.40.116");
        cluster.node = Fakes.node("node1", Map.of(), Map.of(), "fd00::11");
        cluster.policies.add(policy("p", 100, 65001, 179));
        assertThat(pass()).containsExactly("start AS 65001 id 15.78.40.116 port 179");
    }

    // ---- restarts (docs/bgp-policy.md, Behaviour §3) ----

    @Test
    void asnPortRouterIdAndConfederationRestartTheServer() {
        cluster.policies.add(policy("p", 100, 65001, 179));
        pass();
        cluster.policies.set(0, policy("p", 100, 65001, 1179));
        reconciler.invalidate();
        assertThat(pass()).containsExactly("stop AS 65001", "start AS 65001 id 192.168.0.11 port 1179");
        cluster.policies.set(0, policy("p", 100, 65009, 1179));
        reconciler.invalidate();
        assertThat(pass()).containsExactly("stop AS 65001", "start AS 65009 id 192.168.0.11 port 1179");
        cluster.policies.set(0, policy("p", 100, 65009, 1179, Optional.of(new Confederation(100, Set.of(1L, 2L))),
                LabelSelector.ALL));
        reconciler.invalidate();
        assertThat(pass()).hasSize(2);
        // the same member set in another order: nothing restarts
        cluster.policies.set(0, policy("p", 100, 65009, 1179, Optional.of(new Confederation(100,
                new java.util.LinkedHashSet<>(List.of(2L, 1L, 2L)))), LabelSelector.ALL));
        reconciler.invalidate();
        assertThat(pass()).isEmpty();
        cluster.policies.set(0, policy("p", 100, 65009, 1179, Optional.of(new Confederation(200, Set.of(1L, 2L))),
                LabelSelector.ALL));
        reconciler.invalidate();
        assertThat(pass()).hasSize(2).first().isEqualTo("stop AS 65009");
    }

    @Test
    void anotherPolicyWithTheSameParametersOnlyDiffsPeers() {
        cluster.policies.add(policy("first", 100, 65001, 179, peer("10.0.0.1", 65000)));
        pass();
        cluster.policies.clear();
        cluster.policies.add(policy("second", 200, 65001, 179, peer("10.0.0.1", 65000), peer("10.0.0.2", 65000)));
        reconciler.invalidate();
        assertThat(pass()).containsExactly(
                "addPeer PeerConfig[10.0.0.2-65000 port=179 ttl=1 grTime=120s]");
        assertThat(reconciler.status().policy()).contains("second");
    }

    // ---- peers (docs/bgp-policy.md, Behaviour §4) ----

    @Test
    void peersAreAddedUpdatedAndRemovedRemovalsFirst() {
        cluster.policies.add(policy("p", 100, 65001, 179, peer("10.0.0.1", 65000), peer("10.0.0.2", 65000)));
        assertThat(pass()).containsExactly("start AS 65001 id 192.168.0.11 port 179",
                "addPeer PeerConfig[10.0.0.1-65000 port=179 ttl=1 grTime=120s]",
                "addPeer PeerConfig[10.0.0.2-65000 port=179 ttl=1 grTime=120s]");

        // port and TTL change on one, ASN change at the same address on the other
        cluster.policies.set(0, policy("p", 100, 65001, 179,
                new BgpPeerSpec(Addresses.address("10.0.0.1", "a"), 65000, 1179, 3, 60), peer("10.0.0.2", 65100)));
        reconciler.invalidate();
        assertThat(pass()).containsExactly("removePeer 10.0.0.2-65000",
                "updatePeer PeerConfig[10.0.0.1-65000 port=1179 ttl=3 grTime=60s]",
                "addPeer PeerConfig[10.0.0.2-65100 port=179 ttl=1 grTime=120s]");
    }

    @Test
    void peersOfAFamilyTheNodeDoesNotRunAreIgnored() {
        cluster.policies.add(policy("p", 100, 65001, 179, peer("10.0.0.1", 65000), peer("fd00::1", 65000)));
        assertThat(pass()).containsExactly("start AS 65001 id 192.168.0.11 port 179",
                "addPeer PeerConfig[10.0.0.1-65000 port=179 ttl=1 grTime=120s]");
    }

    @Test
    void passwordsFollowTheSecret() {
        cluster.policies.add(policy("p", 100, 65001, 179, peer("10.0.0.1", 65000), peer("10.0.0.2", 65000)));
        pass();
        cluster.passwords.put("10.0.0.2-65000", "s3cret");
        reconciler.invalidate();
        assertThat(pass()).containsExactly(
                "updatePeer PeerConfig[10.0.0.2-65000 port=179 ttl=1 grTime=120s password=<set>]");
        assertThat(backend.current().peers.get(dev.herald.api.PeerKey.of("10.0.0.2", 65000)).password())
                .contains("s3cret");
        cluster.passwords.clear();
        reconciler.invalidate();
        assertThat(pass()).containsExactly("updatePeer PeerConfig[10.0.0.2-65000 port=179 ttl=1 grTime=120s]");
        // the Secret deleted while in use (Antrea's agent crashed there, antrea#7042): said, never the password
        assertThat(writer.events).filteredOn(e -> e.startsWith("Warning BgpPeerPasswordRemoved: peer 10.0.0.2-65000"))
                .hasSize(1).noneMatch(e -> e.contains("s3cret"));
        reconciler.invalidate();
        pass();
        assertThat(writer.events).filteredOn(e -> e.contains("BgpPeerPasswordRemoved")).hasSize(1);
    }

    // ---- what a Node cannot run (docs/robustness.md, "Hostile cluster input") ----

    @Test
    void aNodeWithoutAnyAddressOrPodCidrFailsThePassAndKeepsWhatRuns() {
        cluster.policies.add(policy("p", 100, 65001, 179, peer("10.0.0.1", 65000)));
        services.set("ns/a", "10.96.0.1");
        pass();
        cluster.node = new NodeInfo("node1", Map.of("bgp", "on"), Map.of(), List.of(), List.of());
        reconciler.invalidate();
        int before = backend.log.size();
        assertThatThrownBy(reconciler::reconcile).hasMessageContaining("status.addresses")
                .hasMessageContaining("spec.podCIDRs");
        assertThat(backend.log.subList(before, backend.log.size())).as("nothing stopped or withdrawn").isEmpty();
        assertThat(writer.conditions.get("p")).startsWith("node1 False NodeAddressesMissing: Node node1 has no "
                + "InternalIP in status.addresses and no spec.podCIDRs");
        assertThat(writer.events).anyMatch(e -> e.startsWith("Warning NodeAddressesMissing"));

        cluster.node = Fakes.node("node1", Map.of("bgp", "on"), Map.of(), "192.168.0.11");
        reconciler.invalidate();
        pass();
        assertThat(writer.conditions.get("p")).startsWith("node1 True Applied");
    }

    @Test
    void peersAndRoutesOfAFamilyTheNodeDoesNotRunAreNamedInTheCondition() {
        cluster.policies.add(policy("p", 100, 65001, 179, peer("10.0.0.1", 65000), peer("2001:db8::1", 65000)));
        services.set("ns/v4", "10.96.0.1");
        services.set("ns/v6", "2001:db8::10");
        assertThat(pass()).doesNotContain("addPeer PeerConfig[2001:db8::1-65000 port=179 ttl=1 grTime=120s]")
                .noneMatch(c -> c.contains("2001:db8::10"));
        assertThat(writer.conditions.get("p")).startsWith("node1 True Applied: BGP server running")
                .contains("1 peer(s) of a family this Node does not run left out (no InternalIP of that family in "
                        + "status.addresses): [2001:db8::1-65000]")
                .contains("1 route(s) of a family this Node does not run not advertised: 2001:db8::10/128 "
                        + "ServiceClusterIP ns/v6");

        // the Service changes family in an incremental pass: the condition follows
        services.set("ns/v6", "10.96.0.6");
        reconciler.routesChanged(services, Set.of("ns/v6"));
        pass();
        assertThat(writer.conditions.get("p")).doesNotContain("route(s) of a family").contains("[2001:db8::1-65000]");
    }

    @Test
    void podAdvertisementOnANodeWithoutPodCidrsIsNamed() {
        cluster.policies.add(new BgpPolicy("p", Instant.ofEpochSecond(100), 1, new BgpPolicySpec(LabelSelector.ALL,
                65001, 179, Optional.empty(), new Advertisements(Set.of(), true, false), List.of())));
        pass();
        assertThat(writer.conditions.get("p")).startsWith("node1 True Applied")
                .endsWith("advertisements.pod: this Node has no usable spec.podCIDRs to advertise");
    }

    // ---- routes (docs/bgp-policy.md, Behaviour §5) ----

    @Test
    void routesAreDiffedAndANewServerGetsThemAll() {
        cluster.policies.add(policy("p", 100, 65001, 179));
        services.set("ns/a", "10.96.0.1");
        services.set("ns/b", "10.96.0.2");
        assertThat(pass()).containsExactly("start AS 65001 id 192.168.0.11 port 179",
                "advertise [10.96.0.1/32, 10.96.0.2/32]");
        services.set("ns/a");
        services.set("ns/c", "10.96.0.3");
        reconciler.invalidate();
        assertThat(pass()).containsExactly("withdraw [10.96.0.1/32]", "advertise [10.96.0.3/32]");

        cluster.policies.set(0, policy("p", 100, 65002, 179));
        reconciler.invalidate();
        assertThat(pass()).containsExactly("stop AS 65001", "start AS 65002 id 192.168.0.11 port 179",
                "advertise [10.96.0.2/32, 10.96.0.3/32]");
    }

    @Test
    void anOwnerChangeAsksTheSourceForThatOwnerOnly() {
        cluster.policies.add(policy("p", 100, 65001, 179));
        for (int i = 0; i < 100; i++) {
            services.set("ns/s" + i, "10.96.1." + i);
        }
        pass();
        int fullQueries = services.fullQueries;
        services.set("ns/s7", "10.96.2.7");
        reconciler.routesChanged(services, Set.of("ns/s7"));
        assertThat(pass()).containsExactly("withdraw [10.96.1.7/32]", "advertise [10.96.2.7/32]");
        assertThat(services.fullQueries).isEqualTo(fullQueries);
        assertThat(services.ownerQueries).containsExactly(List.of("ns/s7"));
    }

    @Test
    void aPrefixWantedByTwoOwnersStaysUntilBothAreGone() {
        cluster.policies.add(policy("p", 100, 65001, 179));
        services.set("ns/a", "10.96.0.9");
        services.set("ns/b", "10.96.0.9");
        assertThat(pass()).containsExactly("start AS 65001 id 192.168.0.11 port 179", "advertise [10.96.0.9/32]");
        services.set("ns/a");
        reconciler.routesChanged(services, Set.of("ns/a"));
        assertThat(pass()).isEmpty();
        services.set("ns/b");
        reconciler.routesChanged(services, Set.of("ns/b"));
        assertThat(pass()).containsExactly("withdraw [10.96.0.9/32]");
    }

    // ---- timers and BFD (docs/bgp-policy.md, "Timers and BFD") ----

    @Test
    void aBackendWithoutBfdRunsThePeerWithoutItAndSaysSoInTheConditionAndAnEvent() {
        BgpPeerSpec bfdPeer = new BgpPeerSpec(Addresses.address("10.0.0.1", "a"), 65000, 179, 1, 120,
                new PeerTimers(9, 3, 0), true, BfdSettings.enabled(100, 100, 3));
        cluster.policies.add(policy("p", 100, 65001, 179, bfdPeer, peer("10.0.0.2", 65100)));
        assertThat(pass()).anySatisfy(call -> assertThat(call).startsWith("addPeer PeerConfig[10.0.0.1-65000")
                .contains("hold=9s keepalive=3s").contains("bfd=100/100ms x3"));
        assertThat(writer.conditions.get("p")).startsWith("node1 True BfdUnsupported: BGP server running")
                .contains("cannot run BFD, asked for peer(s) [10.0.0.1-65000]");
        assertThat(writer.events).filteredOn(e -> e.startsWith("Warning BfdUnsupported")).hasSize(1);

        reconciler.invalidate();
        pass(); // nothing changed: no second Event
        assertThat(writer.events).filteredOn(e -> e.startsWith("Warning BfdUnsupported")).hasSize(1);

        cluster.policies.clear();
        cluster.policies.add(policy("p", 100, 65001, 179, peer("10.0.0.1", 65000), peer("10.0.0.2", 65100)));
        reconciler.invalidate();
        pass();
        assertThat(writer.conditions.get("p")).startsWith("node1 True Applied");
    }

    @Test
    void aTimerChangeUpdatesThatPeerOnly() {
        cluster.policies.add(policy("p", 100, 65001, 179, peer("10.0.0.1", 65000), peer("10.0.0.2", 65100)));
        pass();
        BgpPeerSpec faster = new BgpPeerSpec(Addresses.address("10.0.0.1", "a"), 65000, 179, 1, 120,
                new PeerTimers(3, 1, 0), true, BfdSettings.DISABLED);
        cluster.policies.clear();
        cluster.policies.add(policy("p", 100, 65001, 179, faster, peer("10.0.0.2", 65100)));
        reconciler.invalidate();
        assertThat(pass()).singleElement().asString().startsWith("updatePeer PeerConfig[10.0.0.1-65000")
                .contains("hold=3s keepalive=1s");
    }

    // ---- counts for metrics (docs/metrics.md) ----

    @Test
    void routeCountsByTypeFollowFullAndIncrementalPassesAndFailedAnnouncements() {
        cluster.policies.add(policy("p", 100, 65001, 179));
        Fakes.Source egress = new Fakes.Source(RouteType.EGRESS_IP);
        sources.add(egress);
        services.set("ns/a", "10.96.0.9");
        services.set("ns/b", "10.96.0.9", "10.96.0.10");
        egress.set("eg1", "172.18.0.5");
        pass();
        assertThat(reconciler.desiredRoutes()).containsEntry(RouteType.SERVICE_CLUSTER_IP, 3)
                .containsEntry(RouteType.EGRESS_IP, 1).containsEntry(RouteType.SERVICE_LOAD_BALANCER_IP, 0);
        assertThat(reconciler.advertisedRoutes()).isEqualTo(reconciler.desiredRoutes());
        assertThat(reconciler.selectingPolicies()).isEqualTo(1);

        services.set("ns/a");
        reconciler.routesChanged(services, Set.of("ns/a"));
        pass();
        assertThat(reconciler.desiredRoutes()).containsEntry(RouteType.SERVICE_CLUSTER_IP, 2);
        assertThat(reconciler.advertisedRoutes()).containsEntry(RouteType.SERVICE_CLUSTER_IP, 2);

        backend.fail("advertise");
        services.set("ns/c", "10.96.0.11");
        reconciler.routesChanged(services, Set.of("ns/c"));
        assertThatThrownBy(reconciler::reconcile).hasMessageContaining("injected failure of advertise");
        assertThat(reconciler.failedStep()).isEqualTo(ReconcileStep.ROUTES);
        assertThat(reconciler.desiredRoutes()).containsEntry(RouteType.SERVICE_CLUSTER_IP, 3);
        assertThat(reconciler.advertisedRoutes()).containsEntry(RouteType.SERVICE_CLUSTER_IP, 2);

        pass(); // the retry is a full pass
        assertThat(reconciler.advertisedRoutes()).isEqualTo(reconciler.desiredRoutes());

        cluster.policies.clear();
        reconciler.invalidate();
        pass();
        assertThat(reconciler.desiredRoutes()).containsEntry(RouteType.SERVICE_CLUSTER_IP, 0)
                .containsEntry(RouteType.EGRESS_IP, 0);
        assertThat(reconciler.advertisedRoutes()).containsEntry(RouteType.SERVICE_CLUSTER_IP, 0);
        assertThat(reconciler.selectingPolicies()).isZero();
    }

    @Test
    void routesOfAFamilyTheNodeDoesNotRunAreDropped() {
        cluster.policies.add(policy("p", 100, 65001, 179));
        services.set("ns/a", "10.96.0.1", "fd00:96::1");
        assertThat(pass()).containsExactly("start AS 65001 id 192.168.0.11 port 179", "advertise [10.96.0.1/32]");
    }

    @Test
    void removingASourceWithdrawsItsRoutesAndAddingItBackReadvertises() {
        cluster.policies.add(policy("p", 100, 65001, 179));
        Fakes.Source egress = new Fakes.Source(RouteType.EGRESS_IP);
        egress.set("eg1", "172.18.0.5");
        sources.add(egress);
        pass();
        sources.remove(egress);
        assertThat(pass()).containsExactly("withdraw [172.18.0.5/32]");
        sources.add(egress);
        assertThat(pass()).containsExactly("advertise [172.18.0.5/32]");
    }

    // ---- failures (docs/bgp-policy.md, Behaviour §3, §6) ----

    @Test
    void aFailedStopKeepsTheStateAndIsRetried() {
        cluster.policies.add(policy("p", 100, 65001, 179));
        pass();
        cluster.policies.set(0, policy("p", 100, 65002, 179));
        reconciler.invalidate();
        backend.fail("stop");
        assertThatThrownBy(reconciler::reconcile).hasMessageContaining("injected failure of stop");
        assertThat(pass()).containsExactly("stop AS 65001", "start AS 65002 id 192.168.0.11 port 179");
    }

    @Test
    void aFailedStartLeavesNoServerAndIsRetried() {
        cluster.policies.add(policy("p", 100, 65001, 179, peer("10.0.0.1", 65000)));
        backend.fail("start");
        assertThatThrownBy(reconciler::reconcile).hasMessageContaining("injected failure of start");
        assertThat(pass()).containsExactly("start AS 65001 id 192.168.0.11 port 179",
                "addPeer PeerConfig[10.0.0.1-65000 port=179 ttl=1 grTime=120s]");
    }

    @Test
    void aFailedPeerAddKeepsThePeersAddedBeforeIt() {
        cluster.policies.add(policy("p", 100, 65001, 179, peer("10.0.0.1", 65000), peer("10.0.0.2", 65000)));
        pass();
        cluster.policies.set(0, policy("p", 100, 65001, 179, peer("10.0.0.1", 65000), peer("10.0.0.2", 65000),
                peer("10.0.0.3", 65000), peer("10.0.0.4", 65000)));
        reconciler.invalidate();
        backend.fail("addPeer");
        assertThatThrownBy(reconciler::reconcile).hasMessageContaining("10.0.0.3-65000");
        assertThat(writer.events).anyMatch(e -> e.startsWith("Warning BgpPeerError: peer 10.0.0.3-65000"));
        // the next pass adds only what is missing
        assertThat(pass()).containsExactly("addPeer PeerConfig[10.0.0.3-65000 port=179 ttl=1 grTime=120s]",
                "addPeer PeerConfig[10.0.0.4-65000 port=179 ttl=1 grTime=120s]");
    }

    @Test
    void aFailedAdvertiseIsCompletedByTheNextPass() {
        cluster.policies.add(policy("p", 100, 65001, 179));
        pass();
        services.set("ns/a", "10.96.0.1");
        reconciler.routesChanged(services, Set.of("ns/a"));
        backend.fail("advertise");
        assertThatThrownBy(reconciler::reconcile).hasMessageContaining("injected failure of advertise");
        assertThat(pass()).containsExactly("advertise [10.96.0.1/32]");
        assertThat(backend.current().routes).containsOnlyKeys("10.96.0.1/32");
    }

    @Test
    void withoutABackendThePassFailsWithAClearError() {
        reconciler = new BgpPolicyReconciler(cluster, writer, Optional::empty, () -> List.copyOf(sources),
                BgpPolicyReconciler.Settings.DEFAULT);
        cluster.policies.add(policy("p", 100, 65001, 179));
        reconciler.endBackendWait(); // after the first 15 s, when it is no longer just being bound
        assertThatThrownBy(reconciler::reconcile).hasMessageContaining("no BGP backend is available");
    }

    // ---- per-node condition in the BGPPolicy status (docs/bgp-policy.md, Behaviour §7) ----

    @Test
    void theEffectivePolicyShowsThisNodeAppliedAndTheLoserShowsWhoWon() {
        cluster.policies.add(policy("old", 100, 65001, 179, peer("10.0.0.1", 65000)));
        cluster.policies.add(policy("young", 200, 65002, 179));
        pass();
        assertThat(writer.conditions).containsOnly(
                Map.entry("old", "node1 True Applied: BGP server running: AS 65001, router ID 192.168.0.11, "
                        + "listen port 179, 1 peer(s)"),
                Map.entry("young", "node1 False Superseded: BGPPolicy old is effective on this Node "
                        + "(the oldest policy that selects a Node wins)"));
    }

    @Test
    void conditionsAreWrittenOnlyWhenTheyChange() {
        cluster.policies.add(policy("p", 100, 65001, 179));
        pass();
        int writes = writer.conditionWrites;
        reconciler.invalidate();
        pass();
        pass();
        assertThat(writer.conditionWrites).isEqualTo(writes);
    }

    @Test
    void aFailedPassNamesTheStepThatFailedAndAGoodPassClearsIt() {
        cluster.policies.add(policy("p", 100, 65001, 179, peer("10.0.0.1", 65000)));
        pass();
        cluster.policies.set(0, policy("p", 100, 65001, 179, peer("10.0.0.1", 65000), peer("10.0.0.2", 65000)));
        reconciler.invalidate();
        backend.fail("addPeer");
        assertThatThrownBy(reconciler::reconcile);
        assertThat(writer.conditions.get("p")).startsWith("node1 False BgpPeerFailed: ").contains("10.0.0.2-65000");
        pass();
        assertThat(writer.conditions.get("p")).startsWith("node1 True Applied: ").endsWith("2 peer(s)");
    }

    @Test
    void anInvalidRouterIdShowsInTheCondition() {
        cluster.policies.add(policy("p", 100, 65001, 179));
        cluster.node = Fakes.node("node1", Map.of(), Map.of(NodeInfo.ROUTER_ID_ANNOTATION, "not-an-ip"),
                "192.168.0.11");
        assertThatThrownBy(reconciler::reconcile);
        assertThat(writer.conditions.get("p")).startsWith("node1 False InvalidRouterID: ");
    }

    @Test
    void aPolicyThatNoLongerSelectsTheNodeLosesItsCondition() {
        cluster.policies.add(policy("p", 100, 65001, 179));
        pass();
        assertThat(writer.conditions).containsKey("p");
        cluster.policies.set(0, policy("p", 100, 65001, 179, Optional.empty(),
                new LabelSelector(Map.of("bgp", "off"), List.of())));
        reconciler.invalidate();
        pass();
        assertThat(writer.conditions).isEmpty();
    }

    @Test
    void anInvalidPolicyIsReportedWithoutDisturbingTheEffectiveOne() {
        cluster.policies.add(policy("p", 100, 65001, 179));
        pass();
        cluster.invalid.put("broken", "spec.localASN: must be between 1 and 65535, got 0");
        reconciler.invalidate();
        assertThat(pass()).isEmpty();
        assertThat(writer.conditions.get("broken"))
                .isEqualTo("node1 False InvalidSpec: BGPPolicy is invalid and ignored: spec.localASN: must be "
                        + "between 1 and 65535, got 0");
        assertThat(writer.conditions.get("p")).startsWith("node1 True Applied");
    }

    @Test
    void nothingIsReportedBeforeTheInformersHaveSynced() {
        cluster.synced = false;
        cluster.policies.add(policy("p", 100, 65001, 179));
        reconciler.reconcile();
        assertThat(writer.conditionWrites).isZero();
    }

    // ---- backend swap (issue 7): a graceful restart, never a withdrawal ----

    private final Fakes.Backend nativeBackend = new Fakes.Backend("native");
    private final Fakes.Backend gobgpBackend = nativeBackend.other("gobgp");
    private Fakes.Backend selected = nativeBackend;

    /** A reconciler whose backend the test switches, as editing {@code backend} in etc/herald.cfg does. */
    private BgpPolicyReconciler swappable() {
        return new BgpPolicyReconciler(cluster, writer, () -> Optional.ofNullable(selected),
                () -> List.copyOf(sources), BgpPolicyReconciler.Settings.DEFAULT);
    }

    /** One policy, one peer, one route, applied on the native backend: where the swap tests start. */
    private BgpPolicyReconciler runningOnNativeWithOneRoute() {
        BgpPolicyReconciler r = swappable();
        cluster.policies.add(policy("p", 100, 65001, 179, peer("10.0.0.2", 65000)));
        services.set("ns/a", "10.96.0.1");
        swapPass(r);
        return r;
    }

    private List<String> swapPass(BgpPolicyReconciler r) {
        int before = nativeBackend.log.size();
        r.reconcile();
        return List.copyOf(nativeBackend.log.subList(before, nativeBackend.log.size()));
    }

    @Test
    void aBackendSwapStopsTheOldServerForAGracefulRestartAndStartsTheNewOneAsARestartWithEverything() {
        BgpPolicyReconciler r = swappable();
        cluster.policies.add(policy("p", 100, 65001, 179, peer("10.0.0.2", 65000)));
        services.set("ns/a", "10.96.0.1");
        services.set("ns/b", "10.96.0.2");
        assertThat(swapPass(r)).hasSize(3).first().isEqualTo("start AS 65001 id 192.168.0.11 port 179");
        Fakes.Backend.Server first = nativeBackend.current();
        assertThat(first.startMode).isEqualTo(dev.herald.api.spi.StartMode.FRESH);

        selected = gobgpBackend;
        r.invalidate();
        List<String> calls = swapPass(r);
        assertThat(calls).hasSize(5);
        // the new server gets ready before the old one stops: peers reconnecting at once find it there
        assertThat(calls.get(0)).isEqualTo("prepare AS 65001 on gobgp");
        assertThat(calls.get(1)).isEqualTo("stop AS 65001 gracefully");
        assertThat(calls.get(2)).isEqualTo("start AS 65001 id 192.168.0.11 port 179 on gobgp as a graceful restart");
        // the whole table before the peers: End-of-RIB must not go out ahead of the routes
        assertThat(calls.get(3)).isEqualTo("advertise [10.96.0.1/32, 10.96.0.2/32]");
        assertThat(calls.get(4)).startsWith("addPeer ");
        assertThat(calls).noneMatch(c -> c.startsWith("withdraw"));
        assertThat(first.stopMode).isEqualTo(StopMode.GRACEFUL_RESTART);
        Fakes.Backend.Server second = nativeBackend.current();
        assertThat(second.backendName).isEqualTo("gobgp");
        assertThat(second.startMode).isEqualTo(dev.herald.api.spi.StartMode.GRACEFUL_RESTART);
        assertThat(second.routes).containsOnlyKeys("10.96.0.1/32", "10.96.0.2/32");
        assertThat(writer.events).anyMatch(e -> e.contains("backend gobgp replacing native (graceful restart)"));
        assertThat(r.status().routes()).hasSize(2);

        // and back; then steady passes change nothing
        selected = nativeBackend;
        r.invalidate();
        assertThat(swapPass(r)).startsWith("prepare AS 65001 on native", "stop AS 65001 gracefully",
                "start AS 65001 id 192.168.0.11 port 179 on native as a graceful restart");
        assertThat(nativeBackend.current().routes).hasSize(2);
        r.invalidate();
        assertThat(swapPass(r)).isEmpty();

        // the next server for other reasons is fresh again, and its predecessor ends with a Cease
        cluster.policies.set(0, policy("p", 100, 65002, 179, peer("10.0.0.2", 65000)));
        r.invalidate();
        assertThat(swapPass(r)).startsWith("stop AS 65001", "start AS 65002 id 192.168.0.11 port 179");
        assertThat(nativeBackend.servers.get(2).stopMode).isEqualTo(StopMode.CEASE);
        assertThat(nativeBackend.current().startMode).isEqualTo(dev.herald.api.spi.StartMode.FRESH);
    }

    @Test
    void aNodeLeavingItsPolicyStillCeasesAfterASwap() {
        BgpPolicyReconciler r = runningOnNativeWithOneRoute();
        selected = gobgpBackend;
        r.invalidate();
        swapPass(r);

        cluster.policies.clear();
        r.invalidate();
        assertThat(swapPass(r)).containsExactly("stop AS 65001");
        assertThat(nativeBackend.current().stopMode).isEqualTo(StopMode.CEASE);
    }

    @Test
    void aSwapWhoseNewServerFailsToStartIsStillARestartOnTheRetry() {
        BgpPolicyReconciler r = runningOnNativeWithOneRoute();
        selected = gobgpBackend;
        r.invalidate();
        nativeBackend.fail("start");
        assertThatThrownBy(() -> r.reconcile()).hasMessageContaining("injected failure of start");
        assertThat(nativeBackend.servers.get(0).stopMode).isEqualTo(StopMode.GRACEFUL_RESTART);

        List<String> retry = swapPass(r);
        assertThat(retry.get(0)).isEqualTo("start AS 65001 id 192.168.0.11 port 179 on gobgp as a graceful restart");
        assertThat(retry).contains("advertise [10.96.0.1/32]").noneMatch(c -> c.startsWith("withdraw"));
    }

    @Test
    void aSwapWhoseNewServerCannotPrepareStartsItAfterTheOldOneStopped() {
        BgpPolicyReconciler r = runningOnNativeWithOneRoute();
        selected = gobgpBackend;
        r.invalidate();
        nativeBackend.fail("prepare");
        List<String> calls = swapPass(r);
        assertThat(calls).startsWith("FAILED prepare AS 65001", "stop AS 65001 gracefully",
                "start AS 65001 id 192.168.0.11 port 179 on gobgp as a graceful restart");
        assertThat(nativeBackend.current().started).isTrue();
    }

    @Test
    void aSwapWhoseOldServerFailsToStopEndsWhatTheNewOnePrepared() {
        BgpPolicyReconciler r = runningOnNativeWithOneRoute();
        selected = gobgpBackend;
        r.invalidate();
        nativeBackend.fail("stop");
        assertThatThrownBy(() -> r.reconcile()).hasMessageContaining("injected failure of stop");
        Fakes.Backend.Server prepared = nativeBackend.current();
        assertThat(prepared.backendName).isEqualTo("gobgp");
        assertThat(prepared.started).isFalse();
        assertThat(prepared.stopMode).as("a prepared daemon must not outlive the failed pass")
                .isEqualTo(StopMode.CEASE);
    }

    /**
     * A server whose start failed (its port taken) is stopped: the native one had already started the thread of its
     * event loop, and each retry of the reconcile loop left one more behind.
     */
    @Test
    void aServerThatFailedToStartIsStoppedSoThatNothingItOpenedLeaks() {
        BgpPolicyReconciler r = swappable();
        cluster.policies.add(policy("p", 100, 65001, 179, peer("10.0.0.2", 65000)));
        nativeBackend.fail("start");
        assertThatThrownBy(() -> r.reconcile()).hasMessageContaining("injected failure of start");
        assertThat(nativeBackend.current().stopMode).isEqualTo(StopMode.CEASE);
        assertThat(nativeBackend.log).containsExactly("FAILED start AS 65001", "stop AS 65001");
    }

    @Test
    void aBackendChangeTogetherWithNewParametersIsAnOrdinaryRestartWithACease() {
        BgpPolicyReconciler r = swappable();
        cluster.policies.add(policy("p", 100, 65001, 179));
        swapPass(r);
        selected = gobgpBackend;
        cluster.policies.set(0, policy("p", 100, 65001, 1179));
        r.invalidate();
        assertThat(swapPass(r)).containsExactly("stop AS 65001", "start AS 65001 id 192.168.0.11 port 1179");
        assertThat(nativeBackend.current().backendName).isEqualTo("gobgp");
        assertThat(nativeBackend.current().startMode).isEqualTo(dev.herald.api.spi.StartMode.FRESH);
    }

    @Test
    void anUpdatedBackendBundleIsAGracefulSwapToItsNewInstance() {
        BgpPolicyReconciler r = runningOnNativeWithOneRoute();
        Fakes.Backend.Server old = nativeBackend.current();

        // the old instance is unregistered and stops its servers itself (the controller must not race that: at
        // shutdown it is a Cease); the new one is not there yet, which is no failure to report
        r.factoryGone(nativeBackend);
        selected = null;
        int conditionWrites = writer.conditionWrites;
        assertThat(r.reconcile().waitingFor()).contains("the BGP backend to register");
        assertThat(old.stopped).isFalse();
        assertThat(writer.conditionWrites).isEqualTo(conditionWrites);

        selected = nativeBackend.other("native");
        List<String> calls = swapPass(r);
        assertThat(calls).containsExactly("start AS 65001 id 192.168.0.11 port 179 on native as a graceful restart",
                "advertise [10.96.0.1/32]", "addPeer " + nativeBackend.current().peers.values().iterator().next());
        assertThat(r.lastSwap()).hasValueSatisfying(s -> assertThat(s.server()).isSameAs(nativeBackend.current()));
    }

    @Test
    void anotherInstanceOfTheSameBackendIsASwapEvenWithoutBeingToldTheOldOneWent() {
        BgpPolicyReconciler r = runningOnNativeWithOneRoute();
        selected = nativeBackend.other("native");
        r.invalidate();
        assertThat(swapPass(r)).startsWith("prepare AS 65001 on native", "stop AS 65001 gracefully",
                "start AS 65001 id 192.168.0.11 port 179 on native as a graceful restart", "advertise [10.96.0.1/32]")
                .noneMatch(c -> c.startsWith("withdraw"));
    }

    // ---- a replaced controller (issue 7): adopt the running server, send only the difference ----

    /** A reconciler as a new controller instance builds it: it may adopt what the backend still runs. */
    private BgpPolicyReconciler adopting(BgpPolicyReconciler.Settings settings) {
        return new BgpPolicyReconciler(cluster, writer, () -> Optional.of(backend), () -> List.copyOf(sources),
                settings, () -> List.of(backend));
    }

    private void runningServerWithTwoRoutes() {
        cluster.policies.add(policy("p", 100, 65001, 179, peer("10.0.0.2", 65000)));
        services.set("ns/a", "10.96.0.1");
        services.set("ns/b", "10.96.0.2");
        assertThat(pass()).hasSize(3); // start, addPeer, advertise
    }

    @Test
    void aNewControllerAdoptsTheRunningServerAndSendsOnlyWhatChangedMeanwhile() {
        runningServerWithTwoRoutes();
        Fakes.Backend.Server running = backend.current();

        // the controller bundle is updated; meanwhile one Service went and another came
        services.set("ns/b");
        services.set("ns/c", "10.96.0.3");
        reconciler = adopting(BgpPolicyReconciler.Settings.DEFAULT);
        assertThat(pass()).containsExactly("withdraw [10.96.0.2/32]", "advertise [10.96.0.3/32]");
        assertThat(reconciler.server()).isSameAs(running);
        assertThat(reconciler.backendName()).contains("recording");
        assertThat(reconciler.status().routes()).extracting(rt -> rt.prefix().toCanonicalString())
                .containsExactlyInAnyOrder("10.96.0.1/32", "10.96.0.3/32");
        reconciler.invalidate();
        assertThat(pass()).isEmpty();
    }

    @Test
    void anAdoptedServerWithOtherParametersIsRestartedWithACease() {
        runningServerWithTwoRoutes();
        cluster.policies.set(0, policy("p", 100, 65002, 179, peer("10.0.0.2", 65000)));
        reconciler = adopting(BgpPolicyReconciler.Settings.DEFAULT);
        assertThat(pass()).startsWith("stop AS 65001", "start AS 65002 id 192.168.0.11 port 179");
        assertThat(backend.servers.get(0).stopMode).isEqualTo(StopMode.CEASE);
    }

    @Test
    void aServerLeftRunningIsStoppedWhenNoPolicySelectsTheNodeAnyMore() {
        runningServerWithTwoRoutes();
        cluster.policies.clear();
        reconciler = adopting(BgpPolicyReconciler.Settings.DEFAULT);
        assertThat(pass()).containsExactly("stop AS 65001");
        assertThat(backend.current().stopMode).isEqualTo(StopMode.CEASE);
    }

    @Test
    void theRoutesOfASourceThatIsNotBoundYetAreKeptAndNotResent() {
        runningServerWithTwoRoutes();
        sources.clear(); // the new controller is active before its sources are bound
        reconciler = adopting(new BgpPolicyReconciler.Settings(Optional.empty(), java.time.Duration.ofHours(1)));
        assertThat(pass()).isEmpty();
        assertThat(reconciler.status().routes()).hasSize(2);
        assertThat(reconciler.nextHoldExpiry()).hasValueSatisfying(d -> assertThat(d).isPositive());

        sources.add(services);
        reconciler.invalidate();
        assertThat(pass()).isEmpty();
        assertThat(reconciler.nextHoldExpiry()).isEmpty();
    }

    @Test
    void aSourceThatGoesAwayIsWithdrawnOnlyAfterItsGracePeriod() {
        reconciler = adopting(new BgpPolicyReconciler.Settings(Optional.empty(), java.time.Duration.ofHours(1)));
        runningServerWithTwoRoutes();

        // a bundle update: gone and back within the grace period withdraws and re-sends nothing
        sources.remove(services);
        reconciler.invalidate();
        assertThat(pass()).isEmpty();
        sources.add(services);
        reconciler.invalidate();
        assertThat(pass()).isEmpty();

        // a removal: once the grace period is over, the routes go
        sources.remove(services);
        reconciler.invalidate();
        assertThat(pass()).isEmpty();
        reconciler.settings(new BgpPolicyReconciler.Settings(Optional.empty(), java.time.Duration.ZERO));
        assertThat(pass()).containsExactly("withdraw [10.96.0.1/32, 10.96.0.2/32]");
        assertThat(reconciler.nextHoldExpiry()).isEmpty();

        // and back: advertised again
        sources.add(services);
        reconciler.invalidate();
        assertThat(pass()).containsExactly("advertise [10.96.0.1/32, 10.96.0.2/32]");
    }

    @Test
    void routesOfATypeThePolicyNoLongerAdvertisesAreNotHeld() {
        reconciler = adopting(new BgpPolicyReconciler.Settings(Optional.empty(), java.time.Duration.ofHours(1)));
        runningServerWithTwoRoutes();
        sources.remove(services);
        cluster.policies.set(0, new BgpPolicy("p", Instant.ofEpochSecond(100), 1, new BgpPolicySpec(LabelSelector.ALL,
                65001, 179, Optional.empty(), new Advertisements(Set.of(), false, false),
                List.of(peer("10.0.0.2", 65000)))));
        reconciler.invalidate();
        assertThat(pass()).containsExactly("withdraw [10.96.0.1/32, 10.96.0.2/32]");
    }

    @Test
    void aNewControllerWhoseBackendIsNotBoundYetAdoptsOnceItIs() {
        runningServerWithTwoRoutes();
        Fakes.Backend.Server running = backend.current();
        java.util.concurrent.atomic.AtomicBoolean bound = new java.util.concurrent.atomic.AtomicBoolean();
        reconciler = new BgpPolicyReconciler(cluster, writer,
                () -> bound.get() ? Optional.of(backend) : Optional.empty(), () -> List.copyOf(sources),
                BgpPolicyReconciler.Settings.DEFAULT, () -> bound.get() ? List.of(backend) : List.of());
        assertThat(reconciler.reconcile().waitingFor()).contains("the BGP backend to register");
        bound.set(true);
        assertThat(pass()).isEmpty();
        assertThat(reconciler.server()).isSameAs(running);
    }

    @Test
    void aNewServerGetsItsTableBeforeItsPeersSoEndOfRibNeverComesFirst() {
        // after a crash peers may still hold our routes as stale: an early End-of-RIB would make them drop those
        cluster.policies.add(policy("p", 100, 65001, 179, peer("10.0.0.2", 65000)));
        services.set("ns/a", "10.96.0.1");
        List<String> calls = pass();
        assertThat(calls).hasSize(3);
        assertThat(calls.get(0)).startsWith("start AS 65001");
        assertThat(calls.get(1)).isEqualTo("advertise [10.96.0.1/32]");
        assertThat(calls.get(2)).startsWith("addPeer ");
    }

    @Test
    void routesHeldForAMissingSourceSurviveABackendSwapAndReachTheNewServer() {
        BgpPolicyReconciler r = new BgpPolicyReconciler(cluster, writer, () -> Optional.ofNullable(selected),
                () -> List.copyOf(sources), new BgpPolicyReconciler.Settings(Optional.empty(),
                java.time.Duration.ofHours(1)));
        cluster.policies.add(policy("p", 100, 65001, 179, peer("10.0.0.2", 65000)));
        services.set("ns/a", "10.96.0.1");
        swapPass(r);
        // a source update and a backend swap at the same moment
        sources.remove(services);
        selected = gobgpBackend;
        r.invalidate();
        List<String> calls = swapPass(r);
        assertThat(calls).startsWith("prepare AS 65001 on gobgp", "stop AS 65001 gracefully",
                "start AS 65001 id 192.168.0.11 port 179 on gobgp as a graceful restart", "advertise [10.96.0.1/32]")
                .noneMatch(c -> c.startsWith("withdraw"));
        sources.add(services);
        r.invalidate();
        assertThat(swapPass(r)).isEmpty();
    }

    @Test
    void aBackendThatNeverComesIsReportedOnceTheWaitIsOver() {
        cluster.policies.add(policy("p", 100, 65001, 179));
        reconciler = new BgpPolicyReconciler(cluster, writer, Optional::empty, () -> List.copyOf(sources),
                BgpPolicyReconciler.Settings.DEFAULT);
        assertThat(reconciler.reconcile().waitingFor()).contains("the BGP backend to register");
        reconciler.endBackendWait(); // 15 s in real life
        assertThatThrownBy(() -> reconciler.reconcile()).hasMessageContaining("no BGP backend is available");
        assertThat(writer.conditions.values()).anyMatch(c -> c.contains("False BgpServerFailed: no BGP backend is "
                + "available"));
    }
}
