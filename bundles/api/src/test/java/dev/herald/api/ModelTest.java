package dev.herald.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import inet.ipaddr.IPAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ModelTest {
    @Test
    void peerKeyPrintsAsTheSecretKey() {
        assertThat(PeerKey.of("192.168.77.100", 65000)).hasToString("192.168.77.100-65000");
        assertThat(PeerKey.of("2001:0db8::0001", 65000)).hasToString("2001:db8::1-65000");
    }

    @Test
    void passwordIsNeverPrinted() {
        PeerConfig p = PeerConfig.of("10.0.0.1", 65000).withPassword("s3cret");
        assertThat(p.toString()).doesNotContain("s3cret").contains("password=<set>");
        assertThat(p.password()).contains("s3cret");
        assertThat(PeerConfig.of("10.0.0.1", 65000).withPassword("").password()).isEmpty();
    }

    @Test
    void peerConfigRejectsOutOfRangeValues() {
        PeerConfig p = PeerConfig.of("10.0.0.1", 65000);
        assertThatThrownBy(() -> p.withMultihopTtl(0)).hasMessageContaining("multihopTTL 0");
        assertThatThrownBy(() -> p.withMultihopTtl(256)).hasMessageContaining("1..255");
        assertThatThrownBy(() -> p.withGracefulRestartTimeSeconds(3601)).hasMessageContaining("1..3600");
        assertThatThrownBy(() -> p.withPort(0)).hasMessageContaining("peer port 0");
        assertThatThrownBy(() -> PeerConfig.of("10.0.0.1", 0)).hasMessageContaining("peer ASN 0");
    }

    @Test
    void routesAreOrderedLikeAntrea() {
        List<Route> routes = new ArrayList<>(List.of(
                Route.of("fd00::1", RouteType.SERVICE_CLUSTER_IP, "ns/a"),
                Route.of("10.96.0.10", RouteType.SERVICE_LOAD_BALANCER_IP, "ns/b"),
                Route.of("10.244.0.0/24", RouteType.NODE_IPAM_POD_CIDR, null),
                Route.of("10.96.0.2", RouteType.SERVICE_CLUSTER_IP, "ns/c"),
                Route.of("10.96.0.1", RouteType.SERVICE_CLUSTER_IP, "ns/d")));
        routes.sort(Route.ORDER);
        assertThat(routes).extracting(Route::toString).containsExactly(
                "10.96.0.1/32 ServiceClusterIP ns/d",
                "10.96.0.2/32 ServiceClusterIP ns/c",
                "10.96.0.10/32 ServiceLoadBalancerIP ns/b",
                "10.244.0.0/24 NodeIPAMPodCIDR",
                "fd00::1/128 ServiceClusterIP ns/a");
    }

    @Test
    void routeTypesParseFromAntreaNames() {
        assertThat(RouteType.fromDisplayName("EgressIP")).isEqualTo(RouteType.EGRESS_IP);
        assertThatThrownBy(() -> RouteType.fromDisplayName("Pod")).hasMessageContaining("NodeIPAMPodCIDR");
    }

    @Test
    void confederationIsASet() {
        var a = new Confederation(65100, Set.of(65001L, 65002L));
        var b = new Confederation(65100, new java.util.HashSet<>(List.of(65002L, 65001L, 65002L)));
        assertThat(a).isEqualTo(b);
        assertThat(a.sortedMemberAsns()).containsExactly(65001L, 65002L);
        assertThat(GlobalConfig.of(65000, "10.0.0.1").withConfederation(a))
                .isEqualTo(GlobalConfig.of(65000, "10.0.0.1").withConfederation(b));
    }

    @Test
    void nodeFamiliesComeFromInternalIpsElsePodCidrs() {
        IPAddress v6 = Addresses.address("fd00::5", "ip");
        var v6only = new NodeInfo("n1", Map.of(), Map.of(), List.of(v6),
                List.of(Addresses.prefix("10.244.0.0/24", "cidr")));
        assertThat(v6only.hasIPv6()).isTrue();
        assertThat(v6only.hasIPv4()).isFalse();
        assertThat(v6only.ipv4Address()).isEmpty();

        var noIps = new NodeInfo("n2", Map.of(), Map.of(), List.of(),
                List.of(Addresses.prefix("10.244.0.0/24", "cidr")));
        assertThat(noIps.hasIPv4()).isTrue();
        assertThat(noIps.hasIPv6()).isFalse();
    }

    @Test
    void endpointUsability() {
        assertThat(new EndpointInfo(Optional.of("n1"), true, true, false).usableOn("n1")).isTrue();
        assertThat(new EndpointInfo(Optional.of("n1"), true, true, false).usableOn("n2")).isFalse();
        assertThat(new EndpointInfo(Optional.of("n1"), false, true, true).usableOn("n1")).isTrue();
        assertThat(new EndpointInfo(Optional.of("n1"), false, false, true).usableOn("n1")).isFalse();
        assertThat(new EndpointInfo(Optional.empty(), true, true, false).usableOn("n1")).isFalse();
    }

    @Test
    void policySpecValidatesAntreaRanges() {
        assertThatThrownBy(() -> new BgpPolicySpec(LabelSelector.ALL, 70000, 179, Optional.empty(),
                Advertisements.NONE, List.of())).hasMessageContaining("localASN 70000");
        assertThatThrownBy(() -> new BgpPeerSpec(Addresses.address("10.0.0.1", "a"), 65000, 179, 1, 0))
                .hasMessageContaining("gracefulRestartTimeSeconds");
    }
}
