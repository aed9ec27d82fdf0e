package dev.herald.source.egress;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.api.Addresses;
import dev.herald.api.Advertisements;
import dev.herald.api.EgressInfo;
import dev.herald.api.NodeInfo;
import dev.herald.api.Route;
import dev.herald.api.RouteType;
import dev.herald.api.spi.Registration;
import dev.herald.testing.InMemoryClusterState;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Egress route source over a fake cluster: the Egress rule of docs/bgp-policy.md, Behaviour §5, moves between
 * Nodes, the incremental contract.
 */
class EgressRouteSourceTest {
    static final NodeInfo NODE = node("node1");
    static final NodeInfo OTHER = node("node2");
    static final Advertisements EGRESS = new Advertisements(Set.of(), false, true);

    private final InMemoryClusterState cluster = new InMemoryClusterState();
    private final List<Set<String>> reports = new ArrayList<>();
    private EgressRouteSource source;

    @BeforeEach
    void setUp() {
        source = new EgressRouteSource(cluster);
        source.addListener((s, owners) -> {
            assertThat(s).isSameAs(source);
            reports.add(owners);
        });
    }

    @Test
    void egressIpHeldByThisNodeIsAHostRouteOwnedByTheEgress() {
        cluster.put(egress("web-out", "192.0.2.10", "node1"));

        assertThat(source.routes(NODE, EGRESS)).containsExactly(
                new Route(Addresses.prefix("192.0.2.10/32", "test"), RouteType.EGRESS_IP, Optional.of("web-out")));
        assertThat(source.types()).containsExactly(RouteType.EGRESS_IP);
    }

    @Test
    void egressIpHeldByAnotherNodeIsNotAdvertisedHere() {
        cluster.put(egress("web-out", "192.0.2.10", "node2"));

        assertThat(source.routes(NODE, EGRESS)).isEmpty();
        assertThat(texts(source.routes(OTHER, EGRESS))).containsExactly("192.0.2.10/32 EgressIP web-out");
    }

    @Test
    void nothingWhenThePolicyDoesNotAdvertiseEgresses() {
        cluster.put(egress("web-out", "192.0.2.10", "node1"));

        assertThat(source.routes(NODE, Advertisements.NONE)).isEmpty();
        assertThat(source.routes(NODE, Advertisements.NONE, List.of("web-out"))).isEmpty();
    }

    @Test
    void ipv6EgressIsA128() {
        cluster.put(egress("v6-out", "2001:db8::10", "node1"));

        assertThat(texts(source.routes(NODE, EGRESS))).containsExactly("2001:db8::10/128 EgressIP v6-out");
    }

    @Test
    void egressWithoutAnIpYetHasNoRouteUntilOneIsAssigned() {
        cluster.put(new EgressInfo("pending", Optional.empty(), Optional.of("node1")));
        cluster.put(new EgressInfo("unplaced", Optional.of(Addresses.address("192.0.2.12", "ip")),
                Optional.empty()));
        assertThat(source.routes(NODE, EGRESS)).isEmpty();
        assertThat(reports).isEmpty(); // nothing to advertise anywhere yet

        cluster.put(egress("pending", "192.0.2.11", "node1"));

        assertThat(reports).containsExactly(Set.of("pending"));
        assertThat(texts(source.routes(NODE, EGRESS, Set.of("pending"))))
                .containsExactly("192.0.2.11/32 EgressIP pending");
    }

    @Test
    void egressMovingAwayIsReportedAndItsRouteDisappears() {
        cluster.put(egress("web-out", "192.0.2.10", "node1"));
        reports.clear();

        cluster.put(egress("web-out", "192.0.2.10", "node2"));

        assertThat(reports).containsExactly(Set.of("web-out"));
        assertThat(source.routes(NODE, EGRESS, Set.of("web-out"))).isEmpty();
        assertThat(source.routes(NODE, EGRESS)).isEmpty();
        assertThat(texts(source.routes(OTHER, EGRESS, Set.of("web-out")))).containsExactly(
                "192.0.2.10/32 EgressIP web-out");
    }

    @Test
    void egressMovingHereIsReportedAndItsRouteAppears() {
        cluster.put(egress("web-out", "192.0.2.10", "node2"));
        reports.clear();

        cluster.put(egress("web-out", "192.0.2.10", "node1"));

        assertThat(reports).containsExactly(Set.of("web-out"));
        assertThat(texts(source.routes(NODE, EGRESS, Set.of("web-out")))).containsExactly(
                "192.0.2.10/32 EgressIP web-out");
    }

    @Test
    void egressLosingItsNodeOrIpIsReported() {
        cluster.put(egress("a", "192.0.2.1", "node1"));
        cluster.put(egress("b", "192.0.2.2", "node1"));
        reports.clear();

        cluster.put(new EgressInfo("a", Optional.of(Addresses.address("192.0.2.1", "ip")), Optional.empty()));
        cluster.put(new EgressInfo("b", Optional.empty(), Optional.of("node1")));

        assertThat(reports).containsExactly(Set.of("a"), Set.of("b"));
        assertThat(source.routes(NODE, EGRESS)).isEmpty();
    }

    @Test
    void egressIpChangeIsReported() {
        cluster.put(egress("web-out", "192.0.2.10", "node1"));
        reports.clear();

        cluster.put(egress("web-out", "192.0.2.20", "node1"));

        assertThat(reports).containsExactly(Set.of("web-out"));
        assertThat(texts(source.routes(NODE, EGRESS))).containsExactly("192.0.2.20/32 EgressIP web-out");
    }

    @Test
    void deletedEgressIsReportedAndHasNoRoute() {
        cluster.put(egress("web-out", "192.0.2.10", "node1"));
        reports.clear();

        cluster.deleteEgress("web-out");

        assertThat(reports).containsExactly(Set.of("web-out"));
        assertThat(source.routes(NODE, EGRESS)).isEmpty();
    }

    @Test
    void anUpdateThatChangesNothingIsNotReported() {
        cluster.put(egress("web-out", "192.0.2.10", "node1"));
        reports.clear();

        cluster.put(egress("web-out", "192.0.2.10", "node1"));
        cluster.fire(InMemoryClusterState.Kind.EGRESS, "never-existed");
        cluster.fire(InMemoryClusterState.Kind.SERVICE, "web-out");

        assertThat(reports).isEmpty();
    }

    @Test
    void oneEventReportsExactlyTheEgressesThatChanged() {
        cluster.put(egress("a", "192.0.2.1", "node1"));
        cluster.put(egress("b", "192.0.2.2", "node1"));
        cluster.put(egress("c", "192.0.2.3", "node1"));
        reports.clear();

        cluster.putQuietly(egress("a", "192.0.2.1", "node2"));
        cluster.putQuietly(egress("b", "192.0.2.22", "node1"));
        cluster.fire(InMemoryClusterState.Kind.EGRESS, "a", "b", "c");

        assertThat(reports).containsExactly(Set.of("a", "b"));
        assertThat(texts(source.routes(NODE, EGRESS, List.of("a", "b"))))
                .containsExactly("192.0.2.22/32 EgressIP b");
    }

    @Test
    void ownersQueryReturnsOnlyThoseOwners() {
        cluster.put(egress("a", "192.0.2.1", "node1"));
        cluster.put(egress("b", "192.0.2.2", "node1"));

        assertThat(texts(source.routes(NODE, EGRESS, List.of("b", "unknown"))))
                .containsExactly("192.0.2.2/32 EgressIP b");
        assertThat(texts(source.routes(NODE, EGRESS))).hasSize(2);
    }

    @Test
    void egressesPresentAtConstructionAreIndexed() {
        InMemoryClusterState existing = new InMemoryClusterState();
        existing.put(egress("early", "192.0.2.30", "node1"));

        try (EgressRouteSource fresh = new EgressRouteSource(existing)) {
            assertThat(texts(fresh.routes(NODE, EGRESS))).containsExactly("192.0.2.30/32 EgressIP early");
        }
    }

    @Test
    void closingStopsReports() {
        List<Set<String>> second = new ArrayList<>();
        Registration r = source.addListener((s, owners) -> second.add(owners));
        r.close();
        source.close();

        assertThat(cluster.listenerCount()).isZero();
        cluster.put(egress("a", "192.0.2.1", "node1"));
        assertThat(second).isEmpty();
        assertThat(reports).isEmpty();
    }

    static NodeInfo node(String name) {
        return new NodeInfo(name, Map.of(), Map.of(), List.of(Addresses.address("192.168.0.1", "ip")), List.of());
    }

    static EgressInfo egress(String name, String ip, String node) {
        return new EgressInfo(name, Optional.of(Addresses.address(ip, "ip")), Optional.of(node));
    }

    static List<String> texts(Collection<Route> routes) {
        return routes.stream().sorted(Route.ORDER).map(Route::toString).toList();
    }
}
