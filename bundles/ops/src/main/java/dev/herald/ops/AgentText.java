package dev.herald.ops;

import dev.herald.api.EffectivePolicy;
import dev.herald.api.PeerStatus;
import dev.herald.api.Route;
import dev.herald.api.SessionState;
import dev.herald.api.spi.AgentStatus;
import inet.ipaddr.IPAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The agent's state as short text for the Gogo shell: what runs, and whether its peers have everything. */
final class AgentText {
    private AgentText() {
    }

    /**
     * How far the peers have the table: every configured peer Established and sent every advertised prefix of its
     * address family means converged.
     */
    record Progress(Optional<String> backend, int peers, int established, int complete, int v4, int v6) {
        static Progress of(AgentStatus agent) {
            Set<IPAddress> prefixes = new HashSet<>();
            for (Route r : agent.routes()) {
                prefixes.add(r.prefix());
            }
            int v6 = (int) prefixes.stream().filter(IPAddress::isIPv6).count();
            int v4 = prefixes.size() - v6;
            List<PeerStatus> ps = agent.peers();
            int established = 0;
            int complete = 0;
            for (PeerStatus p : ps) {
                if (p.state() == SessionState.ESTABLISHED) {
                    established++;
                    if (p.prefixesSent() == (p.key().isIPv6() ? v6 : v4)) {
                        complete++;
                    }
                }
            }
            return new Progress(agent.backend(), ps.size(), established, complete, v4, v6);
        }

        boolean convergedOn(String wanted) {
            return backend.filter(wanted::equals).isPresent() && complete == peers;
        }

        @Override
        public String toString() {
            return "backend " + backend.orElse("(no server)") + ", " + established + "/" + peers
                    + " peers Established, " + complete + " sent all " + v4 + " IPv4 and " + v6 + " IPv6 routes";
        }
    }

    static String status(AgentStatus agent, String configuredBackend) {
        StringBuilder out = new StringBuilder();
        Optional<EffectivePolicy> policy = agent.effectivePolicy();
        out.append(String.format("%-9s %s%n", "Backend", agent.backend()
                .map(b -> b + (b.equals(configuredBackend) ? "" : " (switching to " + configuredBackend + ")"))
                .orElse(configuredBackend + " (no BGP server running)")));
        if (policy.isEmpty()) {
            out.append(String.format("%-9s %s%n", "Policy", BgpViews.NO_POLICY));
            return out.toString();
        }
        var c = policy.get().config();
        out.append(String.format("%-9s %s (AS %d, router ID %s, listen port %d)%n", "Policy", policy.get().name(),
                c.localAsn(), c.routerId(), c.listenPort()));
        Progress p = Progress.of(agent);
        out.append(String.format("%-9s %d advertised (%d IPv4, %d IPv6)%n", "Routes", p.v4() + p.v6(), p.v4(),
                p.v6()));
        out.append(String.format("%-9s %d/%d Established, %d sent all their routes%n", "Peers", p.established(),
                p.peers(), p.complete()));
        List<PeerStatus> peers = agent.peers();
        if (!peers.isEmpty()) {
            out.append(String.format("  %-40s %-10s %-12s %-8s %10s %10s%n", "PEER", "ASN", "STATE", "UPTIME",
                    "SENT", "RECEIVED"));
            Instant now = Instant.now();
            for (PeerStatus s : peers) {
                String ip = s.key().address().toCanonicalString();
                Duration up = s.uptime(now);
                out.append(String.format("  %-40s %-10d %-12s %-8s %10d %10d%n",
                        (s.key().isIPv6() ? "[" + ip + "]" : ip) + ":" + s.config().port(), s.key().asn(),
                        s.state().displayName(), up.isZero() ? "-" : BgpViews.format(up), s.prefixesSent(),
                        s.prefixesReceived()));
            }
        }
        return out.toString();
    }
}
