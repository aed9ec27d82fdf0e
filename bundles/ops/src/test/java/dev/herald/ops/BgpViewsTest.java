package dev.herald.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.api.Confederation;
import dev.herald.api.EffectivePolicy;
import dev.herald.api.GlobalConfig;
import dev.herald.api.PeerConfig;
import dev.herald.api.PeerStatus;
import dev.herald.api.Route;
import dev.herald.api.RouteType;
import dev.herald.api.SessionState;
import dev.herald.api.spi.AgentStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BgpViewsTest {
    private static AgentStatus agent(Optional<EffectivePolicy> policy) {
        return new AgentStatus() {
            @Override
            public Optional<EffectivePolicy> effectivePolicy() {
                return policy;
            }

            @Override
            public List<PeerStatus> peers() {
                return List.of(
                        new PeerStatus(PeerConfig.of("192.168.77.200", 65001), SessionState.ESTABLISHED,
                                Optional.of(Instant.now().minus(Duration.ofSeconds(75 * 60 + 30))), 10, 10, 3, 0),
                        new PeerStatus(PeerConfig.of("fec0::1", 65002), SessionState.ACTIVE, Optional.empty(),
                                0, 0, 0, 0));
            }

            @Override
            public List<Route> routes() {
                return List.of(Route.of("10.96.0.10", RouteType.SERVICE_CLUSTER_IP, "default/web"),
                        Route.of("10.244.1.0/24", RouteType.NODE_IPAM_POD_CIDR, null),
                        Route.of("fd00:96::10", RouteType.SERVICE_CLUSTER_IP, "default/web"));
            }
        };
    }

    private static final Optional<EffectivePolicy> POLICY = Optional.of(new EffectivePolicy("example",
            GlobalConfig.of(64512, "10.0.0.1").withConfederation(new Confederation(65000, Set.of(64514L, 64513L)))));

    @Test
    void policyHasAntreasFieldsWithSortedMembers() throws Exception {
        assertThat(BgpViews.policy(agent(POLICY))).containsExactly(Map.entry("name", "example"),
                Map.entry("routerID", "10.0.0.1"), Map.entry("localASN", 64512L), Map.entry("listenPort", 179),
                Map.entry("confederationIdentifier", 65000L), Map.entry("memberASNs", List.of(64513L, 64514L)));
    }

    @Test
    void withoutAPolicyEveryViewIs404WithAntreasMessage() {
        assertThatThrownBy(() -> BgpViews.policy(agent(Optional.empty())))
                .hasMessage("there is no effective bgp policy applied to the Node")
                .satisfies(e -> assertThat(((BgpViews.Failure) e).status).isEqualTo(404));
        assertThatThrownBy(() -> BgpViews.routes(agent(Optional.empty()), BgpViews.Query.parse("", true)))
                .hasMessageContaining("no effective bgp policy");
    }

    @Test
    void peersPrintIpv6InBracketsWithUptimeAndFilter() throws Exception {
        var all = BgpViews.peers(agent(POLICY), BgpViews.Query.parse(null, false));
        assertThat(all).extracting(m -> m.get("peer")).containsExactly("192.168.77.200:179", "[fec0::1]:179");
        assertThat(all.get(0)).containsEntry("state", "Established").containsEntry("uptime", "1h15m");
        assertThat(all.get(1)).doesNotContainKey("uptime").containsEntry("state", "Active");
        assertThat(BgpViews.peers(agent(POLICY), BgpViews.Query.parse("ipv6-only", false)))
                .extracting(m -> m.get("asn")).containsExactly(65002L);
    }

    @Test
    void routesFilterByFamilyAndType() throws Exception {
        assertThat(BgpViews.routes(agent(POLICY), BgpViews.Query.parse("ipv4-only", true)))
                .extracting(m -> m.get("route")).containsExactly("10.96.0.10/32", "10.244.1.0/24");
        var pods = BgpViews.routes(agent(POLICY), BgpViews.Query.parse("type=NodeIPAMPodCIDR", true));
        assertThat(pods).singleElement().satisfies(m -> assertThat(m).doesNotContainKey("k8sObjRef"));
    }

    @Test
    void badQueriesAre400() {
        for (String q : new String[] {"ipv4-only&ipv6-only", "ipv4-only=true", "type=Pod", "color=red"}) {
            assertThatThrownBy(() -> BgpViews.Query.parse(q, true)).as(q)
                    .satisfies(e -> assertThat(((BgpViews.Failure) e).status).isEqualTo(400))
                    .hasMessageStartingWith("invalid query");
        }
        assertThatThrownBy(() -> BgpViews.Query.parse("type=EgressIP", false)).hasMessage("invalid query");
    }
}
