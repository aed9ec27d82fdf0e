package dev.herald.source.pod;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.api.Addresses;
import dev.herald.api.Advertisements;
import dev.herald.api.NodeInfo;
import dev.herald.api.Route;
import dev.herald.api.RouteType;
import dev.herald.api.spi.Registration;
import dev.herald.testing.InMemoryClusterState;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Pod CIDR route source over a fake cluster: the Pod rule of docs/bgp-policy.md, Behaviour §5, and when a Node
 * change is reported.
 */
class PodRouteSourceTest {
    static final Advertisements POD = new Advertisements(Set.of(), true, false);

    private final InMemoryClusterState cluster = new InMemoryClusterState();
    private final List<Set<String>> reports = new ArrayList<>();
    private PodRouteSource source;

    @BeforeEach
    void setUp() {
        cluster.setNode(node(Map.of(), "10.244.1.0/24"));
        source = new PodRouteSource(cluster);
        source.addListener((s, owners) -> {
            assertThat(s).isSameAs(source);
            reports.add(owners);
        });
    }

    @Test
    void podCidrsAreRoutesWithoutOwner() {
        NodeInfo n = cluster.localNode().orElseThrow();

        assertThat(source.routes(n, POD)).containsExactly(
                new Route(Addresses.prefix("10.244.1.0/24", "test"), RouteType.NODE_IPAM_POD_CIDR, Optional.empty()));
        assertThat(source.types()).containsExactly(RouteType.NODE_IPAM_POD_CIDR);
    }

    @Test
    void nothingWhenThePolicyDoesNotAdvertisePods() {
        assertThat(source.routes(cluster.localNode().orElseThrow(), Advertisements.NONE)).isEmpty();
        assertThat(source.routes(cluster.localNode().orElseThrow(),
                new Advertisements(Set.of(), false, true))).isEmpty();
    }

    @Test
    void dualStackReturnsBothFamilies() {
        NodeInfo n = node(Map.of(), "10.244.1.0/24", "fd00:10:244:1::/64");

        assertThat(texts(source.routes(n, POD)))
                .containsExactly("10.244.1.0/24 NodeIPAMPodCIDR", "fd00:10:244:1::/64 NodeIPAMPodCIDR");
    }

    @Test
    void nodeWithoutPodCidrsHasNoRoutes() {
        NodeInfo ipv6Only = new NodeInfo("node1", Map.of(), Map.of(), List.of(Addresses.address("fd00::11", "ip")),
                List.of());

        assertThat(source.routes(ipv6Only, POD)).isEmpty();
    }

    @Test
    void routesFollowTheNodeOfTheQuery() {
        NodeInfo moved = node(Map.of(), "10.244.9.0/24");

        assertThat(texts(source.routes(moved, POD))).containsExactly("10.244.9.0/24 NodeIPAMPodCIDR");
    }

    @Test
    void podCidrChangeOfTheNodeReportsAnything() {
        cluster.setNode(node(Map.of(), "10.244.1.0/24", "fd00:10:244:1::/64"));

        assertThat(reports).containsExactly(Set.of());
        assertThat(texts(source.routes(cluster.localNode().orElseThrow(), POD)))
                .containsExactly("10.244.1.0/24 NodeIPAMPodCIDR", "fd00:10:244:1::/64 NodeIPAMPodCIDR");
    }

    @Test
    void nodeChangeThatKeepsThePodCidrsIsNotReported() {
        cluster.setNode(node(Map.of("bgp", "on"), "10.244.1.0/24"));
        cluster.fire(InMemoryClusterState.Kind.SERVICE, "ns/a");
        cluster.fire(InMemoryClusterState.Kind.EGRESS, "e");

        assertThat(reports).isEmpty();
    }

    @Test
    void nodeDisappearingAndComingBackIsReported() {
        cluster.deleteNode("node1");
        cluster.setNode(node(Map.of(), "10.244.1.0/24"));

        assertThat(reports).containsExactly(Set.of(), Set.of());
    }

    @Test
    void ownersQueryYieldsNothingSincePodRoutesHaveNoOwner() {
        NodeInfo n = cluster.localNode().orElseThrow();

        assertThat(source.routes(n, POD, List.of("node1", ""))).isEmpty();
    }

    @Test
    void malformedCidrIsSkipped() {
        NodeInfo n = new NodeInfo("node1", Map.of(), Map.of(), List.of(),
                List.of(new inet.ipaddr.IPAddressString("10.244.1.7/24").getAddress(),
                        Addresses.prefix("10.244.2.0/24", "cidr")));

        assertThat(texts(source.routes(n, POD))).containsExactly("10.244.2.0/24 NodeIPAMPodCIDR");
    }

    @Test
    void closingStopsReports() {
        List<Set<String>> second = new ArrayList<>();
        Registration r = source.addListener((s, owners) -> second.add(owners));
        r.close();
        source.close();

        assertThat(cluster.listenerCount()).isZero();
        cluster.setNode(node(Map.of(), "10.244.5.0/24"));
        assertThat(second).isEmpty();
        assertThat(reports).isEmpty();
    }

    static NodeInfo node(Map<String, String> labels, String... podCidrs) {
        return new NodeInfo("node1", labels, Map.of(), List.of(Addresses.address("192.168.0.11", "ip")),
                Arrays.stream(podCidrs).map(c -> Addresses.prefix(c, "cidr")).toList());
    }

    static List<String> texts(Collection<Route> routes) {
        return routes.stream().sorted(Route.ORDER).map(Route::toString).toList();
    }
}
