package dev.herald.simulator.whatif;

import dev.herald.api.BgpPeerSpec;
import dev.herald.api.BgpPolicy;
import dev.herald.api.BgpPolicySpec;
import dev.herald.api.NodeInfo;
import dev.herald.api.PeerKey;
import dev.herald.api.Route;
import inet.ipaddr.IPAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * One Node, now and under the candidate: the effective policy, the peers its agent would have and the routes it
 * would advertise to them.
 *
 * @param node the Node
 * @param now the effective policy now
 * @param whatIf the effective policy with the candidate applied
 * @param candidateSelects the candidate's node selector matches this Node (effective here or not)
 * @param peersNow the peers now (those of the Node's families)
 * @param peersWhatIf the peers with the candidate applied
 * @param routesNow every route advertised now (of the Node's families), in {@link Route#ORDER}
 * @param routesWhatIf every route with the candidate applied, in {@link Route#ORDER}
 */
public record NodeOutcome(NodeInfo node, Optional<BgpPolicy> now, Optional<BgpPolicy> whatIf,
                          boolean candidateSelects, List<BgpPeerSpec> peersNow, List<BgpPeerSpec> peersWhatIf,
                          List<Route> routesNow, List<Route> routesWhatIf) {
    public NodeOutcome {
        peersNow = List.copyOf(peersNow);
        peersWhatIf = List.copyOf(peersWhatIf);
        routesNow = routesNow.stream().sorted(Route.ORDER).toList();
        routesWhatIf = routesWhatIf.stream().sorted(Route.ORDER).toList();
    }

    public String name() {
        return node.name();
    }

    /** The prefixes advertised with the candidate applied (two Services sharing an IP are one prefix). */
    public Set<IPAddress> prefixesWhatIf() {
        return prefixes(routesWhatIf);
    }

    public Set<IPAddress> prefixesNow() {
        return prefixes(routesNow);
    }

    /** The routes of prefixes that would be advertised and are not now. */
    public List<Route> added() {
        Set<IPAddress> before = prefixesNow();
        return routesWhatIf.stream().filter(r -> !before.contains(r.prefix())).toList();
    }

    /** The routes of prefixes advertised now that would be withdrawn. */
    public List<Route> removed() {
        Set<IPAddress> after = prefixesWhatIf();
        return routesNow.stream().filter(r -> !after.contains(r.prefix())).toList();
    }

    public int addedPrefixes() {
        return prefixes(added()).size();
    }

    public int removedPrefixes() {
        return prefixes(removed()).size();
    }

    /** Peers that would be added (a new address-ASN identity). */
    public List<BgpPeerSpec> peersAdded() {
        Map<PeerKey, BgpPeerSpec> before = byKey(peersNow);
        return peersWhatIf.stream().filter(p -> !before.containsKey(p.key())).toList();
    }

    /** Peers that would be removed. */
    public List<BgpPeerSpec> peersRemoved() {
        Map<PeerKey, BgpPeerSpec> after = byKey(peersWhatIf);
        return peersNow.stream().filter(p -> !after.containsKey(p.key())).toList();
    }

    /** Peers kept under the same identity with other settings: what changes, by peer (new settings). */
    public Map<BgpPeerSpec, String> peersChanged() {
        Map<PeerKey, BgpPeerSpec> before = byKey(peersNow);
        Map<BgpPeerSpec, String> out = new LinkedHashMap<>();
        for (BgpPeerSpec p : peersWhatIf) {
            BgpPeerSpec old = before.get(p.key());
            if (old != null && !old.equals(p)) {
                List<String> what = new ArrayList<>();
                if (old.port() != p.port()) {
                    what.add("port " + old.port() + " -> " + p.port());
                }
                if (old.multihopTtl() != p.multihopTtl()) {
                    what.add("multihopTTL " + old.multihopTtl() + " -> " + p.multihopTtl());
                }
                if (old.gracefulRestartTimeSeconds() != p.gracefulRestartTimeSeconds()) {
                    what.add("gracefulRestartTimeSeconds " + old.gracefulRestartTimeSeconds() + " -> "
                            + p.gracefulRestartTimeSeconds());
                }
                out.put(p, String.join(", ", what));
            }
        }
        return out;
    }

    /**
     * What happens to the Node's BGP server (docs/bgp-policy.md, Behaviour §3), if anything: it starts, stops, or
     * restarts because the local ASN, listen port or confederation differ. A restart or stop ends every session of
     * the Node.
     */
    public Optional<String> serverChange() {
        if (now.isEmpty() && whatIf.isEmpty()) {
            return Optional.empty();
        }
        if (now.isEmpty()) {
            BgpPolicySpec s = whatIf.get().spec();
            return Optional.of("would start (local ASN " + s.localAsn() + ", listen port " + s.listenPort() + ")");
        }
        if (whatIf.isEmpty()) {
            return Optional.of("would stop: every session ends (Cease), every route is withdrawn");
        }
        BgpPolicySpec a = now.get().spec();
        BgpPolicySpec b = whatIf.get().spec();
        List<String> what = new ArrayList<>();
        if (a.localAsn() != b.localAsn()) {
            what.add("local ASN " + a.localAsn() + " -> " + b.localAsn());
        }
        if (a.listenPort() != b.listenPort()) {
            what.add("listen port " + a.listenPort() + " -> " + b.listenPort());
        }
        if (!Objects.equals(a.confederation(), b.confederation())) {
            what.add("confederation " + confederation(a) + " -> " + confederation(b));
        }
        return what.isEmpty() ? Optional.empty()
                : Optional.of("would restart (" + String.join(", ", what) + "): every session of the node is reset");
    }

    /** Anything differs for this Node: its effective policy, its server, its peers or its prefixes. */
    public boolean changes() {
        return !now.map(BgpPolicy::name).equals(whatIf.map(BgpPolicy::name)) || serverChange().isPresent()
                || !peersAdded().isEmpty() || !peersRemoved().isEmpty() || !peersChanged().isEmpty()
                || addedPrefixes() > 0 || removedPrefixes() > 0;
    }

    /** The candidate selects this Node but an older policy stays effective on it. */
    public boolean candidateLoses(String candidate) {
        return candidateSelects && !whatIf.map(BgpPolicy::name).orElse("").equals(candidate);
    }

    private static String confederation(BgpPolicySpec s) {
        return s.confederation().map(c -> c.identifier() + " " + c.sortedMemberAsns()).orElse("none");
    }

    private static Set<IPAddress> prefixes(List<Route> routes) {
        Set<IPAddress> out = new TreeSet<>();
        routes.forEach(r -> out.add(r.prefix()));
        return out;
    }

    private static Map<PeerKey, BgpPeerSpec> byKey(List<BgpPeerSpec> peers) {
        Map<PeerKey, BgpPeerSpec> m = new LinkedHashMap<>();
        peers.forEach(p -> m.put(p.key(), p));
        return m;
    }
}
