package dev.herald.controller;

import dev.herald.api.Addresses;
import dev.herald.api.Advertisements;
import dev.herald.api.BgpPeerSpec;
import dev.herald.api.BgpPolicy;
import dev.herald.api.BgpPolicySpec;
import dev.herald.api.Confederation;
import dev.herald.api.LabelSelector;
import dev.herald.api.RouteType;
import dev.herald.api.ServiceIPType;
import dev.herald.api.spi.RouteSource;
import dev.herald.testing.InMemoryClusterState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;

/** The reconciler over plain objects, and the policies, peers and passes its tests use. */
abstract class ReconcilerFixture {
    final InMemoryClusterState cluster = new InMemoryClusterState();
    final Fakes.Backend backend = new Fakes.Backend();
    final Fakes.Writer writer = new Fakes.Writer();
    final Fakes.Source services = new Fakes.Source(RouteType.SERVICE_CLUSTER_IP);
    final List<RouteSource> sources = new ArrayList<>(List.of(services));
    BgpPolicyReconciler reconciler;

    @BeforeEach
    void setUp() {
        cluster.setNode(Fakes.node("node1", Map.of("bgp", "on"), Map.of(), "192.168.0.11"));
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

    /** Deletes every valid policy, each with its event, as the informer would. */
    void clearPolicies() {
        cluster.bgpPolicies().forEach(p -> cluster.deletePolicy(p.name()));
    }

    List<String> pass() {
        int before = backend.log.size();
        reconciler.reconcile();
        return List.copyOf(backend.log.subList(before, backend.log.size()));
    }
}
