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
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The reconciler over plain objects: one test or more per rule of the BGPPolicy spec. */
class BgpPolicyReconcilerTest extends ReconcilerFixture {
    // ---- election (docs/bgp-policy.md, Behaviour §2) ----

    @Test
    void theOldestMatchingPolicyIsEffectiveAndTheNextTakesOverWhenItGoes() {
        cluster.put(policy("young", 200, 65002, 179));
        cluster.put(policy("old", 100, 65001, 179));
        assertThat(pass()).containsExactly("start AS 65001 id 192.168.0.11 port 179");
        assertThat(reconciler.status().policy()).contains("old");
        assertThat(writer.events).contains("Normal PolicyEffective: BGPPolicy old is effective on Node node1");

        cluster.deletePolicy("old");
        reconciler.invalidate();
        assertThat(pass()).containsExactly("stop AS 65001", "start AS 65002 id 192.168.0.11 port 179");
        assertThat(reconciler.status().policy()).contains("young");
    }

    @Test
    void equalTimestampsAreBrokenByName() {
        cluster.put(policy("b", 100, 65002, 179));
        cluster.put(policy("a", 100, 65001, 179));
        pass();
        assertThat(reconciler.status().policy()).contains("a");
    }

    @Test
    void aSelectorChangeOrANodeRelabelMovesTheNodeToAnotherPolicyOrToNone() {
        var onlyBgp = new LabelSelector(Map.of("bgp", "on"), List.of());
        cluster.put(policy("selective", 100, 65001, 179, Optional.empty(), onlyBgp));
        cluster.put(policy("fallback", 200, 65002, 179, Optional.empty(),
                new LabelSelector(Map.of("zone", "a"), List.of())));
        pass();
        assertThat(reconciler.status().policy()).contains("selective");

        cluster.setNode(Fakes.node("node1", Map.of("zone", "a"), Map.of(), "192.168.0.11"));
        reconciler.invalidate();
        assertThat(pass()).containsExactly("stop AS 65001", "start AS 65002 id 192.168.0.11 port 179");

        cluster.setNode(Fakes.node("node1", Map.of(), Map.of(), "192.168.0.11"));
        reconciler.invalidate();
        assertThat(pass()).containsExactly("stop AS 65002");
        assertThat(reconciler.status()).isEqualTo(BgpPolicyReconciler.Status.NONE);
    }

    @Test
    void aMissingNodeMeansNoPolicy() {
        cluster.put(policy("p", 100, 65001, 179));
        pass();
        cluster.deleteNode("node1");
        reconciler.invalidate();
        assertThat(pass()).containsExactly("stop AS 65001");
    }

    @Test
    void nothingIsDoneBeforeTheInformersHaveSynced() {
        cluster.put(policy("p", 100, 65001, 179));
        cluster.setSynced(false);
        assertThat(pass()).isEmpty();
        cluster.setSynced(true);
        assertThat(pass()).containsExactly("start AS 65001 id 192.168.0.11 port 179");
    }

    // ---- router ID (docs/bgp-policy.md, Behaviour §3) ----

    @Test
    void routerIdComesFromTheAnnotationElseTheNodeIpv4AndIsWrittenBack() {
        cluster.put(policy("p", 100, 65001, 179));
        pass();
        assertThat(writer.annotations).containsExactly("node1=192.168.0.11");

        cluster.setNode(Fakes.node("node1", Map.of(), Map.of(NodeInfo.ROUTER_ID_ANNOTATION, "10.9.9.9"),
                "192.168.0.11"));
        reconciler.invalidate();
        assertThat(pass()).containsExactly("stop AS 65001", "start AS 65001 id 10.9.9.9 port 179");
        assertThat(writer.annotations).hasSize(1);
    }

    @Test
    void anInvalidRouterIdAnnotationFailsThePassAndLeavesTheServerAlone() {
        cluster.put(policy("p", 100, 65001, 179));
        pass();
        cluster.setNode(Fakes.node("node1", Map.of(), Map.of(NodeInfo.ROUTER_ID_ANNOTATION, "fd00::1"),
                "192.168.0.11"));
        reconciler.invalidate();
        assertThatThrownBy(reconciler::reconcile).hasMessageContaining("invalid node.antrea.io/bgp-router-id");
        assertThat(backend.current().stopped).isFalse();
        assertThat(writer.events).anyMatch(e -> e.startsWith("Warning InvalidRouterID"));
    }

    @Test
    void anIpv6OnlyNodeGetsTheFnvHashOfItsName() {
        assertThat(RouterIds.hashed("local").toString()).isEqualTo("156.67.103.8");
        assertThat(RouterIds.hashed("node1").toString()).isEqualTo("15.78.40.116");
        cluster.setNode(Fakes.node("node1", Map.of(), Map.of(), "fd00::11"));
        cluster.put(policy("p", 100, 65001, 179));
        assertThat(pass()).containsExactly("start AS 65001 id 15.78.40.116 port 179");
    }

    // ---- restarts (docs/bgp-policy.md, Behaviour §3) ----

    @Test
    void asnPortRouterIdAndConfederationRestartTheServer() {
        cluster.put(policy("p", 100, 65001, 179));
        pass();
        cluster.put(policy("p", 100, 65001, 1179));
        reconciler.invalidate();
        assertThat(pass()).containsExactly("stop AS 65001", "start AS 65001 id 192.168.0.11 port 1179");
        cluster.put(policy("p", 100, 65009, 1179));
        reconciler.invalidate();
        assertThat(pass()).containsExactly("stop AS 65001", "start AS 65009 id 192.168.0.11 port 1179");
        cluster.put(policy("p", 100, 65009, 1179, Optional.of(new Confederation(100, Set.of(1L, 2L))),
                LabelSelector.ALL));
        reconciler.invalidate();
        assertThat(pass()).hasSize(2);
        // the same member set in another order: nothing restarts
        cluster.put(policy("p", 100, 65009, 1179, Optional.of(new Confederation(100,
                new java.util.LinkedHashSet<>(List.of(2L, 1L, 2L)))), LabelSelector.ALL));
        reconciler.invalidate();
        assertThat(pass()).isEmpty();
        cluster.put(policy("p", 100, 65009, 1179, Optional.of(new Confederation(200, Set.of(1L, 2L))),
                LabelSelector.ALL));
        reconciler.invalidate();
        assertThat(pass()).hasSize(2).first().isEqualTo("stop AS 65009");
    }

    @Test
    void anotherPolicyWithTheSameParametersOnlyDiffsPeers() {
        cluster.put(policy("first", 100, 65001, 179, peer("10.0.0.1", 65000)));
        pass();
        clearPolicies();
        cluster.put(policy("second", 200, 65001, 179, peer("10.0.0.1", 65000), peer("10.0.0.2", 65000)));
        reconciler.invalidate();
        assertThat(pass()).containsExactly(
                "addPeer PeerConfig[10.0.0.2-65000 port=179 ttl=1 grTime=120s]");
        assertThat(reconciler.status().policy()).contains("second");
    }

    // ---- peers (docs/bgp-policy.md, Behaviour §4) ----

    @Test
    void peersAreAddedUpdatedAndRemovedRemovalsFirst() {
        cluster.put(policy("p", 100, 65001, 179, peer("10.0.0.1", 65000), peer("10.0.0.2", 65000)));
        assertThat(pass()).containsExactly("start AS 65001 id 192.168.0.11 port 179",
                "addPeer PeerConfig[10.0.0.1-65000 port=179 ttl=1 grTime=120s]",
                "addPeer PeerConfig[10.0.0.2-65000 port=179 ttl=1 grTime=120s]");

        // port and TTL change on one, ASN change at the same address on the other
        cluster.put(policy("p", 100, 65001, 179,
                new BgpPeerSpec(Addresses.address("10.0.0.1", "a"), 65000, 1179, 3, 60), peer("10.0.0.2", 65100)));
        reconciler.invalidate();
        assertThat(pass()).containsExactly("removePeer 10.0.0.2-65000",
                "updatePeer PeerConfig[10.0.0.1-65000 port=1179 ttl=3 grTime=60s]",
                "addPeer PeerConfig[10.0.0.2-65100 port=179 ttl=1 grTime=120s]");
    }

    @Test
    void peersOfAFamilyTheNodeDoesNotRunAreIgnored() {
        cluster.put(policy("p", 100, 65001, 179, peer("10.0.0.1", 65000), peer("fd00::1", 65000)));
        assertThat(pass()).containsExactly("start AS 65001 id 192.168.0.11 port 179",
                "addPeer PeerConfig[10.0.0.1-65000 port=179 ttl=1 grTime=120s]");
    }

    @Test
    void passwordsFollowTheSecret() {
        cluster.put(policy("p", 100, 65001, 179, peer("10.0.0.1", 65000), peer("10.0.0.2", 65000)));
        pass();
        cluster.setPasswords(Map.of("10.0.0.2-65000", "s3cret"));
        reconciler.invalidate();
        assertThat(pass()).containsExactly(
                "updatePeer PeerConfig[10.0.0.2-65000 port=179 ttl=1 grTime=120s password=<set>]");
        assertThat(backend.current().peers.get(dev.herald.api.PeerKey.of("10.0.0.2", 65000)).password())
                .contains("s3cret");
        cluster.setPasswords(Map.of());
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
        cluster.put(policy("p", 100, 65001, 179, peer("10.0.0.1", 65000)));
        services.set("ns/a", "10.96.0.1");
        pass();
        cluster.setNode(new NodeInfo("node1", Map.of("bgp", "on"), Map.of(), List.of(), List.of()));
        reconciler.invalidate();
        int before = backend.log.size();
        assertThatThrownBy(reconciler::reconcile).hasMessageContaining("status.addresses")
                .hasMessageContaining("spec.podCIDRs");
        assertThat(backend.log.subList(before, backend.log.size())).as("nothing stopped or withdrawn").isEmpty();
        assertThat(writer.conditions.get("p")).startsWith("node1 False NodeAddressesMissing: Node node1 has no "
                + "InternalIP in status.addresses and no spec.podCIDRs");
        assertThat(writer.events).anyMatch(e -> e.startsWith("Warning NodeAddressesMissing"));

        cluster.setNode(Fakes.node("node1", Map.of("bgp", "on"), Map.of(), "192.168.0.11"));
        reconciler.invalidate();
        pass();
        assertThat(writer.conditions.get("p")).startsWith("node1 True Applied");
    }

    @Test
    void peersAndRoutesOfAFamilyTheNodeDoesNotRunAreNamedInTheCondition() {
        cluster.put(policy("p", 100, 65001, 179, peer("10.0.0.1", 65000), peer("2001:db8::1", 65000)));
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
        cluster.put(new BgpPolicy("p", Instant.ofEpochSecond(100), 1, new BgpPolicySpec(LabelSelector.ALL,
                65001, 179, Optional.empty(), new Advertisements(Set.of(), true, false), List.of())));
        pass();
        assertThat(writer.conditions.get("p")).startsWith("node1 True Applied")
                .endsWith("advertisements.pod: this Node has no usable spec.podCIDRs to advertise");
    }

    // ---- routes (docs/bgp-policy.md, Behaviour §5) ----

    @Test
    void routesAreDiffedAndANewServerGetsThemAll() {
        cluster.put(policy("p", 100, 65001, 179));
        services.set("ns/a", "10.96.0.1");
        services.set("ns/b", "10.96.0.2");
        assertThat(pass()).containsExactly("start AS 65001 id 192.168.0.11 port 179",
                "advertise [10.96.0.1/32, 10.96.0.2/32]");
        services.set("ns/a");
        services.set("ns/c", "10.96.0.3");
        reconciler.invalidate();
        assertThat(pass()).containsExactly("withdraw [10.96.0.1/32]", "advertise [10.96.0.3/32]");

        cluster.put(policy("p", 100, 65002, 179));
        reconciler.invalidate();
        assertThat(pass()).containsExactly("stop AS 65001", "start AS 65002 id 192.168.0.11 port 179",
                "advertise [10.96.0.2/32, 10.96.0.3/32]");
    }

    @Test
    void anOwnerChangeAsksTheSourceForThatOwnerOnly() {
        cluster.put(policy("p", 100, 65001, 179));
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
        cluster.put(policy("p", 100, 65001, 179));
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
        cluster.put(policy("p", 100, 65001, 179, bfdPeer, peer("10.0.0.2", 65100)));
        assertThat(pass()).anySatisfy(call -> assertThat(call).startsWith("addPeer PeerConfig[10.0.0.1-65000")
                .contains("hold=9s keepalive=3s").contains("bfd=100/100ms x3"));
        assertThat(writer.conditions.get("p")).startsWith("node1 True BfdUnsupported: BGP server running")
                .contains("cannot run BFD, asked for peer(s) [10.0.0.1-65000]");
        assertThat(writer.events).filteredOn(e -> e.startsWith("Warning BfdUnsupported")).hasSize(1);

        reconciler.invalidate();
        pass(); // nothing changed: no second Event
        assertThat(writer.events).filteredOn(e -> e.startsWith("Warning BfdUnsupported")).hasSize(1);

        clearPolicies();
        cluster.put(policy("p", 100, 65001, 179, peer("10.0.0.1", 65000), peer("10.0.0.2", 65100)));
        reconciler.invalidate();
        pass();
        assertThat(writer.conditions.get("p")).startsWith("node1 True Applied");
    }

    @Test
    void aTimerChangeUpdatesThatPeerOnly() {
        cluster.put(policy("p", 100, 65001, 179, peer("10.0.0.1", 65000), peer("10.0.0.2", 65100)));
        pass();
        BgpPeerSpec faster = new BgpPeerSpec(Addresses.address("10.0.0.1", "a"), 65000, 179, 1, 120,
                new PeerTimers(3, 1, 0), true, BfdSettings.DISABLED);
        clearPolicies();
        cluster.put(policy("p", 100, 65001, 179, faster, peer("10.0.0.2", 65100)));
        reconciler.invalidate();
        assertThat(pass()).singleElement().asString().startsWith("updatePeer PeerConfig[10.0.0.1-65000")
                .contains("hold=3s keepalive=1s");
    }

    // ---- counts for metrics (docs/metrics.md) ----

    @Test
    void routeCountsByTypeFollowFullAndIncrementalPassesAndFailedAnnouncements() {
        cluster.put(policy("p", 100, 65001, 179));
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

        clearPolicies();
        reconciler.invalidate();
        pass();
        assertThat(reconciler.desiredRoutes()).containsEntry(RouteType.SERVICE_CLUSTER_IP, 0)
                .containsEntry(RouteType.EGRESS_IP, 0);
        assertThat(reconciler.advertisedRoutes()).containsEntry(RouteType.SERVICE_CLUSTER_IP, 0);
        assertThat(reconciler.selectingPolicies()).isZero();
    }

    @Test
    void routesOfAFamilyTheNodeDoesNotRunAreDropped() {
        cluster.put(policy("p", 100, 65001, 179));
        services.set("ns/a", "10.96.0.1", "fd00:96::1");
        assertThat(pass()).containsExactly("start AS 65001 id 192.168.0.11 port 179", "advertise [10.96.0.1/32]");
    }

    @Test
    void removingASourceWithdrawsItsRoutesAndAddingItBackReadvertises() {
        cluster.put(policy("p", 100, 65001, 179));
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
        cluster.put(policy("p", 100, 65001, 179));
        pass();
        cluster.put(policy("p", 100, 65002, 179));
        reconciler.invalidate();
        backend.fail("stop");
        assertThatThrownBy(reconciler::reconcile).hasMessageContaining("injected failure of stop");
        assertThat(pass()).containsExactly("stop AS 65001", "start AS 65002 id 192.168.0.11 port 179");
    }

    @Test
    void aFailedStartLeavesNoServerAndIsRetried() {
        cluster.put(policy("p", 100, 65001, 179, peer("10.0.0.1", 65000)));
        backend.fail("start");
        assertThatThrownBy(reconciler::reconcile).hasMessageContaining("injected failure of start");
        assertThat(pass()).containsExactly("start AS 65001 id 192.168.0.11 port 179",
                "addPeer PeerConfig[10.0.0.1-65000 port=179 ttl=1 grTime=120s]");
    }

    @Test
    void aFailedPeerAddKeepsThePeersAddedBeforeIt() {
        cluster.put(policy("p", 100, 65001, 179, peer("10.0.0.1", 65000), peer("10.0.0.2", 65000)));
        pass();
        cluster.put(policy("p", 100, 65001, 179, peer("10.0.0.1", 65000), peer("10.0.0.2", 65000),
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
        cluster.put(policy("p", 100, 65001, 179));
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
        cluster.put(policy("p", 100, 65001, 179));
        reconciler.endBackendWait(); // after the first 15 s, when it is no longer just being bound
        assertThatThrownBy(reconciler::reconcile).hasMessageContaining("no BGP backend is available");
    }

    // ---- per-node condition in the BGPPolicy status (docs/bgp-policy.md, Behaviour §7) ----

    @Test
    void theEffectivePolicyShowsThisNodeAppliedAndTheLoserShowsWhoWon() {
        cluster.put(policy("old", 100, 65001, 179, peer("10.0.0.1", 65000)));
        cluster.put(policy("young", 200, 65002, 179));
        pass();
        assertThat(writer.conditions).containsOnly(
                Map.entry("old", "node1 True Applied: BGP server running: AS 65001, router ID 192.168.0.11, "
                        + "listen port 179, 1 peer(s)"),
                Map.entry("young", "node1 False Superseded: BGPPolicy old is effective on this Node "
                        + "(the oldest policy that selects a Node wins)"));
    }

    @Test
    void conditionsAreWrittenOnlyWhenTheyChange() {
        cluster.put(policy("p", 100, 65001, 179));
        pass();
        int writes = writer.conditionWrites;
        reconciler.invalidate();
        pass();
        pass();
        assertThat(writer.conditionWrites).isEqualTo(writes);
    }

    @Test
    void aFailedPassNamesTheStepThatFailedAndAGoodPassClearsIt() {
        cluster.put(policy("p", 100, 65001, 179, peer("10.0.0.1", 65000)));
        pass();
        cluster.put(policy("p", 100, 65001, 179, peer("10.0.0.1", 65000), peer("10.0.0.2", 65000)));
        reconciler.invalidate();
        backend.fail("addPeer");
        assertThatThrownBy(reconciler::reconcile);
        assertThat(writer.conditions.get("p")).startsWith("node1 False BgpPeerFailed: ").contains("10.0.0.2-65000");
        pass();
        assertThat(writer.conditions.get("p")).startsWith("node1 True Applied: ").endsWith("2 peer(s)");
    }

    @Test
    void anInvalidRouterIdShowsInTheCondition() {
        cluster.put(policy("p", 100, 65001, 179));
        cluster.setNode(Fakes.node("node1", Map.of(), Map.of(NodeInfo.ROUTER_ID_ANNOTATION, "not-an-ip"),
                "192.168.0.11"));
        assertThatThrownBy(reconciler::reconcile);
        assertThat(writer.conditions.get("p")).startsWith("node1 False InvalidRouterID: ");
    }

    @Test
    void aPolicyThatNoLongerSelectsTheNodeLosesItsCondition() {
        cluster.put(policy("p", 100, 65001, 179));
        pass();
        assertThat(writer.conditions).containsKey("p");
        cluster.put(policy("p", 100, 65001, 179, Optional.empty(),
                new LabelSelector(Map.of("bgp", "off"), List.of())));
        reconciler.invalidate();
        pass();
        assertThat(writer.conditions).isEmpty();
    }

    @Test
    void anInvalidPolicyIsReportedWithoutDisturbingTheEffectiveOne() {
        cluster.put(policy("p", 100, 65001, 179));
        pass();
        cluster.putInvalid("broken", "spec.localASN: must be between 1 and 65535, got 0");
        reconciler.invalidate();
        assertThat(pass()).isEmpty();
        assertThat(writer.conditions.get("broken"))
                .isEqualTo("node1 False InvalidSpec: BGPPolicy is invalid and ignored: spec.localASN: must be "
                        + "between 1 and 65535, got 0");
        assertThat(writer.conditions.get("p")).startsWith("node1 True Applied");
    }

    @Test
    void nothingIsReportedBeforeTheInformersHaveSynced() {
        cluster.setSynced(false);
        cluster.put(policy("p", 100, 65001, 179));
        reconciler.reconcile();
        assertThat(writer.conditionWrites).isZero();
    }
}
