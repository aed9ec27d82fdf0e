package dev.herald.ops;

import dev.herald.api.EffectivePolicy;
import dev.herald.api.PeerStatus;
import dev.herald.api.Route;
import dev.herald.api.RouteType;
import dev.herald.api.spi.AgentStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The BGP views of the status API, shaped like Antrea's agent API so {@code antctl} users feel at home:
 * {@code /bgppolicy}, {@code /bgppeers} and {@code /bgproutes}, with their filters, orders and errors
 * (docs/bgp-policy.md, Behaviour §7).
 */
final class BgpViews {
    static final String NO_POLICY = "there is no effective bgp policy applied to the Node";

    private BgpViews() {
    }

    /** A failure with an HTTP status and the message the client sees. */
    static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;

        Failure(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    /** The query flags of a request: {@code ipv4-only}, {@code ipv6-only} (no values) and {@code type=}. */
    record Query(boolean ipv4Only, boolean ipv6Only, Optional<RouteType> type) {
        static Query parse(String raw, boolean typeAllowed) throws Failure {
            boolean v4 = false;
            boolean v6 = false;
            Optional<RouteType> type = Optional.empty();
            if (raw != null && !raw.isEmpty()) {
                for (String part : raw.split("&")) {
                    String key = part.contains("=") ? part.substring(0, part.indexOf('=')) : part;
                    String value = part.contains("=") ? part.substring(part.indexOf('=') + 1) : null;
                    switch (key) {
                        case "ipv4-only" -> {
                            if (value != null) {
                                throw new Failure(400, "invalid query");
                            }
                            v4 = true;
                        }
                        case "ipv6-only" -> {
                            if (value != null) {
                                throw new Failure(400, "invalid query");
                            }
                            v6 = true;
                        }
                        case "type" -> {
                            if (!typeAllowed || value == null) {
                                throw new Failure(400, "invalid query");
                            }
                            try {
                                type = Optional.of(RouteType.fromDisplayName(value));
                            } catch (IllegalArgumentException e) {
                                throw new Failure(400, "invalid query: " + e.getMessage());
                            }
                        }
                        default -> throw new Failure(400, "invalid query");
                    }
                }
            }
            if (v4 && v6) {
                throw new Failure(400, "invalid query");
            }
            return new Query(v4, v6, type);
        }

        boolean accepts(boolean ipv6) {
            return !(ipv4Only && ipv6) && !(ipv6Only && !ipv6);
        }
    }

    static Map<String, Object> policy(AgentStatus agent) throws Failure {
        EffectivePolicy p = agent.effectivePolicy().orElseThrow(() -> new Failure(404, NO_POLICY));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", p.name());
        out.put("routerID", p.config().routerId().toString());
        out.put("localASN", p.config().localAsn());
        out.put("listenPort", p.config().listenPort());
        p.config().confederation().ifPresent(c -> {
            out.put("confederationIdentifier", c.identifier());
            if (!c.memberAsns().isEmpty()) {
                out.put("memberASNs", c.sortedMemberAsns());
            }
        });
        return out;
    }

    static List<Map<String, Object>> peers(AgentStatus agent, Query q) throws Failure {
        agent.effectivePolicy().orElseThrow(() -> new Failure(404, NO_POLICY));
        Instant now = Instant.now();
        List<Map<String, Object>> out = new ArrayList<>();
        for (PeerStatus s : agent.peers()) { // already IPv4 first, then by address
            boolean v6 = s.key().isIPv6();
            if (!q.accepts(v6)) {
                continue;
            }
            String ip = s.key().address().toCanonicalString();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("peer", (v6 ? "[" + ip + "]" : ip) + ":" + s.config().port());
            m.put("asn", s.key().asn());
            m.put("state", s.state().displayName());
            Duration up = s.uptime(now);
            if (!up.isZero()) {
                m.put("uptime", format(up));
            }
            m.put("prefixesSent", s.prefixesSent());
            // Herald's additions to Antrea's fields (docs/bgp-policy.md, "Timers and BFD")
            s.negotiatedHoldTimeSeconds().ifPresent(h -> m.put("holdTimeSeconds", h));
            s.bfd().ifPresent(b -> m.put("bfd", b.displayName()));
            out.add(m);
        }
        return out;
    }

    static List<Map<String, Object>> routes(AgentStatus agent, Query q) throws Failure {
        agent.effectivePolicy().orElseThrow(() -> new Failure(404, NO_POLICY));
        List<Map<String, Object>> out = new ArrayList<>();
        for (Route r : agent.routes()) { // already in Antrea's order
            if (!q.accepts(r.isIPv6()) || q.type().filter(t -> t != r.type()).isPresent()) {
                continue;
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("route", r.prefix().toCanonicalString());
            m.put("type", r.type().displayName());
            r.owner().ifPresent(o -> m.put("k8sObjRef", o));
            out.add(m);
        }
        return out;
    }

    /** Like kubectl's ages: 45s, 12m, 3h5m, 2d4h. */
    static String format(Duration d) {
        long s = d.toSeconds();
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return (s / 60) + "m";
        }
        if (s < 86400) {
            return (s / 3600) + "h" + ((s % 3600) / 60) + "m";
        }
        return (s / 86400) + "d" + ((s % 86400) / 3600) + "h";
    }
}
