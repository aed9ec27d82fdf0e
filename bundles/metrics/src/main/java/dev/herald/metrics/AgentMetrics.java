package dev.herald.metrics;

import dev.herald.api.BfdState;
import dev.herald.api.EffectivePolicy;
import dev.herald.api.PeerCounters;
import dev.herald.api.PeerCounters.MessageType;
import dev.herald.api.PeerCounters.NotificationCode;
import dev.herald.api.PeerStatus;
import dev.herald.api.RouteType;
import dev.herald.api.SessionState;
import dev.herald.api.spi.AgentStatus;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot.InfoDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The agent's state as metrics, read when Prometheus scrapes: sessions and counters of every peer, routes by type,
 * the effective policy, the backend, the API server's reachability (docs/metrics.md). Everything it reads is kept
 * up to date by its owner as things happen; a scrape copies a few numbers per peer and never walks a route table.
 */
final class AgentMetrics implements MultiCollector {
    /** A peer's state as goBGP's {@code bgp_peer_state} numbers it. */
    static int stateNumber(SessionState s) {
        return s.ordinal() + 1;
    }

    /** A BFD session's state as its packets carry it (RFC 5880 §4.1): 0 AdminDown, 1 Down, 2 Init, 3 Up. */
    static int stateNumber(BfdState s) {
        return switch (s) {
            case ADMIN_DOWN -> 0;
            case DOWN -> 1;
            case INIT -> 2;
            case UP -> 3;
        };
    }

    private final Supplier<AgentStatus> agent;
    private final BooleanSupplier apiReachable;
    private final Supplier<Instant> clock;

    /**
     * @param agent the controller's status, null while the controller is not there
     * @param apiReachable whether the cluster adapter reaches the API server (false while there is none)
     */
    AgentMetrics(Supplier<AgentStatus> agent, BooleanSupplier apiReachable, Supplier<Instant> clock) {
        this.agent = agent;
        this.apiReachable = apiReachable;
        this.clock = clock;
    }

    @Override
    public MetricSnapshots collect() {
        List<MetricSnapshot> out = new ArrayList<>();
        AgentStatus a = agent.get();
        if (a != null) {
            peers(a.peers(), out);
            routes(a, out);
            policy(a, out);
            a.eventLoopPendingTasks().ifPresent(n -> out.add(gauge("herald_event_loop_pending_tasks",
                    "Tasks queued on the BGP server's event loop and not yet run (native backend)",
                    List.of(point(Labels.EMPTY, n)))));
        }
        out.add(gauge("herald_kubernetes_api_up", "1 when the Kubernetes API server answers, else 0",
                List.of(point(Labels.EMPTY, apiReachable.getAsBoolean() ? 1 : 0))));
        return new MetricSnapshots(out);
    }

    private void peers(List<PeerStatus> peers, List<MetricSnapshot> out) {
        Instant now = clock.get();
        List<GaugeDataPointSnapshot> up = new ArrayList<>();
        List<GaugeDataPointSnapshot> state = new ArrayList<>();
        List<GaugeDataPointSnapshot> uptime = new ArrayList<>();
        List<CounterDataPointSnapshot> transitions = new ArrayList<>();
        List<GaugeDataPointSnapshot> advertised = new ArrayList<>();
        List<GaugeDataPointSnapshot> received = new ArrayList<>();
        List<CounterDataPointSnapshot> sent = new ArrayList<>();
        List<CounterDataPointSnapshot> got = new ArrayList<>();
        List<CounterDataPointSnapshot> notesSent = new ArrayList<>();
        List<CounterDataPointSnapshot> notesGot = new ArrayList<>();
        List<GaugeDataPointSnapshot> holdTime = new ArrayList<>();
        List<GaugeDataPointSnapshot> bfdUp = new ArrayList<>();
        List<GaugeDataPointSnapshot> bfdState = new ArrayList<>();
        for (PeerStatus p : peers) {
            Labels peer = Labels.of("peer", p.key().address().toCanonicalString(), "peer_asn",
                    Long.toString(p.key().asn()));
            Labels family = peer.merge(Labels.of("afi", p.key().isIPv6() ? "ipv6" : "ipv4", "safi", "unicast"));
            boolean established = p.state() == SessionState.ESTABLISHED;
            up.add(point(peer, established ? 1 : 0));
            state.add(point(peer, stateNumber(p.state())));
            uptime.add(point(peer, p.uptime(now).toMillis() / 1000.0));
            p.negotiatedHoldTimeSeconds().ifPresent(seconds -> holdTime.add(point(peer, seconds)));
            p.bfd().ifPresent(b -> {
                bfdUp.add(point(peer, b == BfdState.UP ? 1 : 0));
                bfdState.add(point(peer, stateNumber(b)));
            });
            advertised.add(point(family, p.prefixesSent()));
            received.add(point(family, p.prefixesReceived()));
            PeerCounters c = p.counters();
            transitions.add(count(peer, c.establishedTransitions()));
            for (MessageType t : MessageType.values()) {
                Labels typed = peer.add("type", t.label());
                sent.add(count(typed, c.sent(t)));
                got.add(count(typed, c.received(t)));
            }
            codes(peer, c.notificationsSent(), notesSent);
            codes(peer, c.notificationsReceived(), notesGot);
        }
        out.add(gauge("herald_bgp_session_up", "1 when the BGP session with the peer is Established, else 0", up));
        out.add(gauge("herald_bgp_session_state", "The session's FSM state: 1 Idle, 2 Connect, 3 Active, "
                + "4 OpenSent, 5 OpenConfirm, 6 Established", state));
        out.add(counter("herald_bgp_session_established_transitions",
                "Times the session with the peer reached Established", transitions));
        out.add(seconds("herald_bgp_session_uptime_seconds",
                "Seconds since the session became Established; 0 when it is not", uptime));
        if (!holdTime.isEmpty()) {
            out.add(seconds("herald_bgp_session_hold_time_seconds",
                    "The hold time the Established session negotiated (0: none)", holdTime));
        }
        // only peers whose BFD runs have a series: BFD off, or a backend without BFD (goBGP), shows none
        if (!bfdUp.isEmpty()) {
            out.add(gauge("herald_bfd_session_up", "1 when the BFD session with the peer is Up, else 0", bfdUp));
            out.add(gauge("herald_bfd_session_state", "The BFD session's state as RFC 5880 numbers it: 0 AdminDown, "
                    + "1 Down, 2 Init, 3 Up", bfdState));
        }
        out.add(gauge("herald_bgp_advertised_routes", "Prefixes advertised to the peer (its Adj-RIB-Out)",
                advertised));
        out.add(gauge("herald_bgp_received_routes", "Prefixes the peer advertises to this agent", received));
        out.add(counter("herald_bgp_messages_sent", "BGP messages sent to the peer, by type", sent));
        out.add(counter("herald_bgp_messages_received", "BGP messages received from the peer, by type", got));
        if (!notesSent.isEmpty()) {
            out.add(counter("herald_bgp_notifications_sent", "NOTIFICATIONs sent to the peer, by error code and "
                    + "subcode (native backend)", notesSent));
        }
        if (!notesGot.isEmpty()) {
            out.add(counter("herald_bgp_notifications_received", "NOTIFICATIONs received from the peer, by error "
                    + "code and subcode (native backend)", notesGot));
        }
    }

    private static void codes(Labels peer, Map<NotificationCode, Long> byCode, List<CounterDataPointSnapshot> out) {
        byCode.forEach((code, n) -> out.add(count(peer.merge(Labels.of("code", label(code.code()), "subcode",
                label(code.subcode()))), n)));
    }

    /** A code as a label: its number, or {@code other} for what the backend lumped together (bounded series). */
    private static String label(int code) {
        return code < 0 ? "other" : Integer.toString(code);
    }

    private void routes(AgentStatus a, List<MetricSnapshot> out) {
        out.add(gauge("herald_routes_desired", "Routes some owner wants advertised, by type",
                byType(a.desiredRoutes())));
        out.add(gauge("herald_routes_advertised", "Routes the BGP server advertises, by type",
                byType(a.advertisedRoutes())));
    }

    private static List<GaugeDataPointSnapshot> byType(Map<RouteType, Integer> counts) {
        List<GaugeDataPointSnapshot> points = new ArrayList<>();
        for (RouteType t : RouteType.values()) {
            points.add(point(Labels.of("type", t.displayName()), counts.getOrDefault(t, 0)));
        }
        return points;
    }

    private void policy(AgentStatus a, List<MetricSnapshot> out) {
        Optional<EffectivePolicy> effective = a.effectivePolicy();
        out.add(gauge("herald_policies_selecting_node", "Valid BGPPolicies whose nodeSelector selects this Node",
                List.of(point(Labels.EMPTY, a.selectingPolicies()))));
        out.add(gauge("herald_policy_effective", "1 when a BGPPolicy is effective on this Node and its BGP server "
                + "runs, else 0", List.of(point(Labels.EMPTY, effective.isPresent() ? 1 : 0))));
        effective.ifPresent(p -> out.add(InfoSnapshot.builder().name("herald_policy")
                .help("The BGPPolicy effective on this Node").dataPoint(InfoDataPointSnapshot.builder()
                        .labels(Labels.of("policy", p.name(), "local_asn", Long.toString(p.config().localAsn()),
                                "router_id", p.config().routerId().toCanonicalString(), "listen_port",
                                Integer.toString(p.config().listenPort())))
                        .build())
                .build()));
        a.backend().ifPresent(b -> out.add(InfoSnapshot.builder().name("herald_backend")
                .help("The BGP backend that runs the server now").dataPoint(InfoDataPointSnapshot.builder()
                        .labels(Labels.of("backend", b)).build())
                .build()));
    }

    private static GaugeSnapshot gauge(String name, String help, List<GaugeDataPointSnapshot> points) {
        GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(help);
        points.forEach(b::dataPoint);
        return b.build();
    }

    /** A gauge in seconds: the unit is part of its name, and the OpenMetrics format also says it. */
    private static GaugeSnapshot seconds(String name, String help, List<GaugeDataPointSnapshot> points) {
        GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).unit(Unit.SECONDS).help(help);
        points.forEach(b::dataPoint);
        return b.build();
    }

    private static CounterSnapshot counter(String name, String help, List<CounterDataPointSnapshot> points) {
        CounterSnapshot.Builder b = CounterSnapshot.builder().name(name).help(help);
        points.forEach(b::dataPoint);
        return b.build();
    }

    private static GaugeDataPointSnapshot point(Labels labels, double value) {
        return GaugeDataPointSnapshot.builder().labels(labels).value(value).build();
    }

    private static CounterDataPointSnapshot count(Labels labels, double value) {
        return CounterDataPointSnapshot.builder().labels(labels).value(value).build();
    }
}
