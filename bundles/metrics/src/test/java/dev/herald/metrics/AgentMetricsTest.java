package dev.herald.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.api.BfdState;
import dev.herald.api.EffectivePolicy;
import dev.herald.api.GlobalConfig;
import dev.herald.api.PeerConfig;
import dev.herald.api.PeerCounters;
import dev.herald.api.PeerCounters.MessageType;
import dev.herald.api.PeerCounters.NotificationCode;
import dev.herald.api.PeerStatus;
import dev.herald.api.Route;
import dev.herald.api.RouteType;
import dev.herald.api.SessionState;
import dev.herald.api.spi.AgentStatus;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class AgentMetricsTest {
    private static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");
    private final AtomicReference<AgentStatus> agent = new AtomicReference<>();
    private volatile boolean reachable = true;
    private final PrometheusRegistry registry = new PrometheusRegistry();

    AgentMetricsTest() {
        registry.register(new AgentMetrics(agent::get, () -> reachable, () -> NOW));
    }

    @Test
    void everyPeerHasItsSessionRoutesAndMessagesLabelledByAddressAndAsn() throws IOException {
        PeerCounters counters = new PeerCounters(
                Map.of(MessageType.OPEN, 2L, MessageType.UPDATE, 40L, MessageType.KEEPALIVE, 7L,
                        MessageType.NOTIFICATION, 1L),
                Map.of(MessageType.OPEN, 2L, MessageType.UPDATE, 3L),
                Map.of(new NotificationCode(6, 2), 1L), Map.of(new NotificationCode(4, 0), 1L), 2);
        PeerStatus up = new PeerStatus(PeerConfig.of("192.168.77.200", 65001), SessionState.ESTABLISHED,
                Optional.of(NOW.minusSeconds(90)), 50, 5, 12, 3, counters);
        PeerStatus down = new PeerStatus(PeerConfig.of("fec0::1", 65002), SessionState.ACTIVE, Optional.empty(),
                0, 0, 0, 0);
        agent.set(new Agent(List.of(up, down)));

        String text = scrape();

        assertThat(text)
                .contains("herald_bgp_session_up{peer=\"192.168.77.200\",peer_asn=\"65001\"} 1.0")
                .contains("herald_bgp_session_up{peer=\"fec0::1\",peer_asn=\"65002\"} 0.0")
                .contains("herald_bgp_session_state{peer=\"192.168.77.200\",peer_asn=\"65001\"} 6.0")
                .contains("herald_bgp_session_state{peer=\"fec0::1\",peer_asn=\"65002\"} 3.0")
                .contains("herald_bgp_session_uptime_seconds{peer=\"192.168.77.200\",peer_asn=\"65001\"} 90.0")
                .contains("herald_bgp_session_established_transitions_total{peer=\"192.168.77.200\","
                        + "peer_asn=\"65001\"} 2.0")
                .contains("herald_bgp_advertised_routes{afi=\"ipv4\",peer=\"192.168.77.200\",peer_asn=\"65001\","
                        + "safi=\"unicast\"} 12.0")
                .contains("herald_bgp_received_routes{afi=\"ipv6\",peer=\"fec0::1\",peer_asn=\"65002\","
                        + "safi=\"unicast\"} 0.0")
                .contains("herald_bgp_messages_sent_total{peer=\"192.168.77.200\",peer_asn=\"65001\","
                        + "type=\"update\"} 40.0")
                .contains("herald_bgp_messages_received_total{peer=\"192.168.77.200\",peer_asn=\"65001\","
                        + "type=\"route_refresh\"} 0.0")
                .contains("herald_bgp_notifications_sent_total{code=\"6\",peer=\"192.168.77.200\","
                        + "peer_asn=\"65001\",subcode=\"2\"} 1.0")
                .contains("herald_bgp_notifications_received_total{code=\"4\",peer=\"192.168.77.200\","
                        + "peer_asn=\"65001\",subcode=\"0\"} 1.0");
    }

    @Test
    void theNegotiatedHoldTimeAndTheBfdStateArePerPeerWhereTheyExist() throws IOException {
        PeerStatus bfdUp = withHoldTimeAndBfd("192.0.2.1", SessionState.ESTABLISHED, OptionalInt.of(3),
                Optional.of(BfdState.UP));
        PeerStatus bfdDown = withHoldTimeAndBfd("192.0.2.2", SessionState.ACTIVE, OptionalInt.empty(),
                Optional.of(BfdState.DOWN));
        PeerStatus bfdInit = withHoldTimeAndBfd("192.0.2.3", SessionState.ESTABLISHED, OptionalInt.of(0),
                Optional.of(BfdState.INIT));
        PeerStatus noBfd = withHoldTimeAndBfd("192.0.2.4", SessionState.ESTABLISHED, OptionalInt.of(90),
                Optional.empty());
        agent.set(new Agent(List.of(bfdUp, bfdDown, bfdInit, noBfd)));

        String text = scrape();

        assertThat(text)
                .contains("herald_bgp_session_hold_time_seconds{peer=\"192.0.2.1\",peer_asn=\"65001\"} 3.0")
                .contains("herald_bgp_session_hold_time_seconds{peer=\"192.0.2.3\",peer_asn=\"65001\"} 0.0")
                .contains("herald_bgp_session_hold_time_seconds{peer=\"192.0.2.4\",peer_asn=\"65001\"} 90.0")
                .doesNotContain("herald_bgp_session_hold_time_seconds{peer=\"192.0.2.2\"")
                .contains("herald_bfd_session_up{peer=\"192.0.2.1\",peer_asn=\"65001\"} 1.0")
                .contains("herald_bfd_session_up{peer=\"192.0.2.2\",peer_asn=\"65001\"} 0.0")
                .contains("herald_bfd_session_up{peer=\"192.0.2.3\",peer_asn=\"65001\"} 0.0")
                .contains("herald_bfd_session_state{peer=\"192.0.2.1\",peer_asn=\"65001\"} 3.0")
                .contains("herald_bfd_session_state{peer=\"192.0.2.2\",peer_asn=\"65001\"} 1.0")
                .contains("herald_bfd_session_state{peer=\"192.0.2.3\",peer_asn=\"65001\"} 2.0")
                .doesNotContain("herald_bfd_session_up{peer=\"192.0.2.4\"")
                .doesNotContain("herald_bfd_session_state{peer=\"192.0.2.4\"");
    }

    @Test
    void withoutAnyBfdPeerThereIsNoBfdMetric() throws IOException {
        agent.set(new Agent(List.of(withHoldTimeAndBfd("192.0.2.4", SessionState.ACTIVE, OptionalInt.empty(),
                Optional.empty()))));

        assertThat(scrape()).doesNotContain("herald_bfd_").doesNotContain("herald_bgp_session_hold_time");
    }

    @Test
    void bfdStatesAreNumberedAsTheirPacketsCarryThem() {
        assertThat(AgentMetrics.stateNumber(BfdState.ADMIN_DOWN)).isZero();
        assertThat(AgentMetrics.stateNumber(BfdState.DOWN)).isEqualTo(1);
        assertThat(AgentMetrics.stateNumber(BfdState.INIT)).isEqualTo(2);
        assertThat(AgentMetrics.stateNumber(BfdState.UP)).isEqualTo(3);
    }

    private static PeerStatus withHoldTimeAndBfd(String address, SessionState state, OptionalInt holdTime,
                                                 Optional<BfdState> bfd) {
        return new PeerStatus(PeerConfig.of(address, 65001), state, Optional.empty(), 0, 0, 0, 0,
                PeerCounters.NONE, holdTime, bfd);
    }

    @Test
    void routesByTypeThePolicyAndTheBackend() throws IOException {
        agent.set(new Agent(List.of()));

        String text = scrape();

        assertThat(text)
                .contains("herald_routes_desired{type=\"ServiceLoadBalancerIP\"} 3.0")
                .contains("herald_routes_advertised{type=\"ServiceLoadBalancerIP\"} 2.0")
                .contains("herald_routes_desired{type=\"EgressIP\"} 0.0")
                .contains("herald_policies_selecting_node 2.0")
                .contains("herald_policy_effective 1.0")
                .contains("herald_policy_info{listen_port=\"179\",local_asn=\"64512\",policy=\"p1\","
                        + "router_id=\"10.0.0.1\"} 1")
                .contains("herald_backend_info{backend=\"native\"} 1")
                .doesNotContain("herald_bgp_notifications"); // no series of a family nothing was counted in
    }

    @Test
    void pendingEventLoopTasksAreShownWhereTheBackendCountsThem() throws IOException {
        agent.set(new Agent(List.of()));
        assertThat(scrape()).doesNotContain("herald_event_loop_pending_tasks");
        agent.set(new Agent(List.of(), OptionalInt.of(7)));
        assertThat(scrape()).contains("herald_event_loop_pending_tasks 7.0");
    }

    @Test
    void theApiServerIsUpOnlyWhileTheClusterStateReachesIt() throws IOException {
        assertThat(scrape()).contains("herald_kubernetes_api_up 1.0").doesNotContain("herald_bgp_session_up");
        reachable = false;
        assertThat(scrape()).contains("herald_kubernetes_api_up 0.0");
    }

    @Test
    void noteCodesOutsideWhatTheBackendKeptApartAreOther() throws IOException {
        PeerCounters counters = new PeerCounters(Map.of(), Map.of(), Map.of(),
                Map.of(new NotificationCode(-1, -1), 3L), 0);
        agent.set(new Agent(List.of(new PeerStatus(PeerConfig.of("10.1.1.1", 65001), SessionState.IDLE,
                Optional.empty(), 0, 0, 0, 0, counters))));
        assertThat(scrape()).contains("herald_bgp_notifications_received_total{code=\"other\",peer=\"10.1.1.1\","
                + "peer_asn=\"65001\",subcode=\"other\"} 3.0");
    }

    private String scrape() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, registry.scrape(), EscapingScheme.ALLOW_UTF8);
        return out.toString(StandardCharsets.UTF_8);
    }

    private record Agent(List<PeerStatus> peers, OptionalInt pending) implements AgentStatus {
        Agent(List<PeerStatus> peers) {
            this(peers, OptionalInt.empty());
        }

        @Override
        public OptionalInt eventLoopPendingTasks() {
            return pending;
        }

        @Override
        public Optional<EffectivePolicy> effectivePolicy() {
            return Optional.of(new EffectivePolicy("p1", GlobalConfig.of(64512, "10.0.0.1")));
        }

        @Override
        public List<Route> routes() {
            throw new AssertionError("a scrape must not list the routes");
        }

        @Override
        public Optional<String> backend() {
            return Optional.of("native");
        }

        @Override
        public Map<RouteType, Integer> desiredRoutes() {
            return Map.of(RouteType.SERVICE_LOAD_BALANCER_IP, 3);
        }

        @Override
        public Map<RouteType, Integer> advertisedRoutes() {
            return Map.of(RouteType.SERVICE_LOAD_BALANCER_IP, 2);
        }

        @Override
        public int selectingPolicies() {
            return 2;
        }
    }
}
