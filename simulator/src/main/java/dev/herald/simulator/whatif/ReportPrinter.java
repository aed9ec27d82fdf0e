package dev.herald.simulator.whatif;

import dev.herald.api.BgpPeerSpec;
import dev.herald.api.BgpPolicy;
import dev.herald.api.Route;
import dev.herald.simulator.scenario.Table;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Prints a {@link WhatIfReport}: tables as kubectl and {@code bin/herald get} print them, or JSON / YAML. */
public final class ReportPrinter {
    static final String NONE = "<none>";
    static final String NOTHING_WRITTEN = "Nothing was changed in the cluster: it was only read (no BGP session, "
            + "object, status or Event was touched).";
    /** PEERS lists addresses up to this many peers, and counts them beyond. */
    private static final int PEERS_LISTED = 2;

    private ReportPrinter() {
    }

    public static void print(WhatIfReport r, String format, PrintStream out) {
        switch (format) {
            case "json":
                out.println(Serialization.asJson(toMap(r)));
                break;
            case "yaml":
                out.print(Serialization.asYaml(toMap(r)));
                break;
            default:
                table(r, out);
        }
    }

    // ---- text ----

    static void table(WhatIfReport r, PrintStream out) {
        BgpPolicy c = r.candidate();
        out.println("What-if: BGPPolicy " + c.name() + " from " + r.source() + ", against " + r.apiServer());
        if (r.replaces()) {
            out.println("  replaces the BGPPolicy " + c.name() + " in the cluster (created " + c.creationTimestamp()
                    + ", it keeps that place in the election)"
                    + (r.replacedInvalid() == null ? "" : "; that one is invalid today: " + r.replacedInvalid()));
        } else {
            out.println("  a new BGPPolicy: the newest, so effective only on nodes no older policy selects");
        }
        out.println("  in force: " + (r.inForce().isEmpty() ? NONE : String.join(", ",
                r.inForce().stream().map(p -> p.name() + " (" + p.creationTimestamp() + ")").toList())));
        new TreeMap<>(r.invalid()).forEach((name, msg) ->
                out.println("  invalid, ignored by every agent: " + name + ": " + msg));
        out.println();

        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"NODE", "NOW", "WHAT-IF", "PEERS", "PREFIXES", "ADDED", "REMOVED", "NOTES"});
        for (NodeOutcome n : r.nodes()) {
            rows.add(new String[] {n.name(), policyName(n.now()), policyName(n.whatIf()), peers(n.peersWhatIf()),
                    String.valueOf(n.prefixesWhatIf().size()), String.valueOf(n.addedPrefixes()),
                    String.valueOf(n.removedPrefixes()), notes(n, c.name())});
        }
        Table.print(out, rows);

        out.println();
        List<NodeOutcome> on = r.effectiveOn();
        List<NodeOutcome> loses = r.losesOn();
        out.println(c.name() + " would be effective on " + on.size() + " of " + r.nodes().size() + " node(s)"
                + (on.isEmpty() ? "" : ": " + names(on)) + ".");
        Map<String, List<NodeOutcome>> byWinner = new TreeMap<>();
        loses.forEach(n -> byWinner.computeIfAbsent(n.whatIf().get().name(), k -> new ArrayList<>()).add(n));
        byWinner.forEach((winner, nodes) -> out.println("It also selects " + names(nodes) + ", where the older "
                + winner + " stays effective (the oldest matching policy wins)."));
        List<NodeOutcome> changed = r.changed();
        if (changed.isEmpty()) {
            out.println("No node would change.");
        }
        for (NodeOutcome n : changed) {
            out.println();
            details(n, out);
        }
        out.println();
        out.println(NOTHING_WRITTEN);
    }

    private static void details(NodeOutcome n, PrintStream out) {
        // a Node changes either because its effective policy changes or because the candidate edits it
        String now = policyName(n.now());
        String then = policyName(n.whatIf());
        out.println("Node " + n.name() + ": " + (now.equals(then) ? now + " with the new spec" : now + " -> " + then));
        n.serverChange().ifPresent(s -> out.println("  BGP server " + s));
        List<String[]> peers = new ArrayList<>();
        peers.add(new String[] {"PEER", "ASN", "CHANGE"});
        n.peersAdded().forEach(p -> peers.add(new String[] {peer(p), String.valueOf(p.asn()), "added"}));
        n.peersRemoved().forEach(p -> peers.add(new String[] {peer(p), String.valueOf(p.asn()), "removed"}));
        n.peersChanged().forEach((p, what) -> peers.add(new String[] {peer(p), String.valueOf(p.asn()), what}));
        if (peers.size() > 1) {
            indent(peers, out);
        }
        List<String[]> routes = new ArrayList<>();
        routes.add(new String[] {"ROUTE", "TYPE", "K8S-OBJ-REF", "CHANGE"});
        n.added().forEach(x -> routes.add(route(x, "added")));
        n.removed().forEach(x -> routes.add(route(x, "removed")));
        if (routes.size() > 1) {
            indent(routes, out);
        } else {
            out.println("  prefixes: no change (" + n.prefixesWhatIf().size() + ")");
        }
    }

    private static void indent(List<String[]> rows, PrintStream out) {
        java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
        Table.print(new PrintStream(buf, true, java.nio.charset.StandardCharsets.UTF_8), rows);
        buf.toString(java.nio.charset.StandardCharsets.UTF_8).lines().forEach(l -> out.println("  " + l));
    }

    private static String[] route(Route r, String change) {
        return new String[] {r.prefix().toCanonicalString(), r.type().displayName(), r.owner().orElse("<NONE>"),
                change};
    }

    private static String notes(NodeOutcome n, String candidate) {
        List<String> notes = new ArrayList<>();
        n.serverChange().ifPresent(s -> notes.add(s.startsWith("would start") ? "server starts"
                : s.startsWith("would stop") ? "server stops" : "server restarts"));
        int plus = n.peersAdded().size();
        int minus = n.peersRemoved().size();
        int changed = n.peersChanged().size();
        if (plus + minus + changed > 0) {
            notes.add("peers +" + plus + " -" + minus + (changed > 0 ? " ~" + changed : ""));
        }
        if (n.candidateLoses(candidate)) {
            notes.add(candidate + " loses to older " + n.whatIf().get().name());
        }
        return notes.isEmpty() ? "-" : String.join(", ", notes);
    }

    static String peers(List<BgpPeerSpec> peers) {
        if (peers.isEmpty()) {
            return NONE;
        }
        if (peers.size() > PEERS_LISTED) {
            return peers.size() + " peers";
        }
        return String.join(",", peers.stream().map(ReportPrinter::peer).toList());
    }

    /** {@code ip:port}, IPv6 in brackets, as {@code /bgppeers} writes peers. */
    static String peer(BgpPeerSpec p) {
        String a = p.address().toCanonicalString();
        return (p.address().isIPv6() ? "[" + a + "]" : a) + ":" + p.port();
    }

    private static String policyName(Optional<BgpPolicy> p) {
        return p.map(BgpPolicy::name).orElse(NONE);
    }

    private static String names(List<NodeOutcome> nodes) {
        return String.join(", ", nodes.stream().map(NodeOutcome::name).toList());
    }

    // ---- JSON / YAML ----

    static Map<String, Object> toMap(WhatIfReport r) {
        Map<String, Object> m = new LinkedHashMap<>();
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("name", r.candidate().name());
        c.put("source", r.source());
        c.put("replaces", r.replaces());
        c.put("creationTimestamp", r.candidate().creationTimestamp().toString());
        c.put("effectiveOn", r.effectiveOn().stream().map(NodeOutcome::name).toList());
        c.put("notEffectiveOn", r.losesOn().stream().map(NodeOutcome::name).toList());
        m.put("candidate", c);
        m.put("apiServer", r.apiServer());
        m.put("inForce", r.inForce().stream().map(BgpPolicy::name).toList());
        if (!r.invalid().isEmpty()) {
            m.put("invalid", new TreeMap<>(r.invalid()));
        }
        List<Map<String, Object>> nodes = new ArrayList<>();
        for (NodeOutcome n : r.nodes()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("node", n.name());
            x.put("now", n.now().map(BgpPolicy::name).orElse(null));
            x.put("whatIf", n.whatIf().map(BgpPolicy::name).orElse(null));
            x.put("changes", n.changes());
            n.serverChange().ifPresent(s -> x.put("bgpServer", s));
            x.put("peers", n.peersWhatIf().stream().map(ReportPrinter::peerMap).toList());
            x.put("peersAdded", n.peersAdded().stream().map(ReportPrinter::peerMap).toList());
            x.put("peersRemoved", n.peersRemoved().stream().map(ReportPrinter::peerMap).toList());
            List<Map<String, Object>> changedPeers = new ArrayList<>();
            n.peersChanged().forEach((p, what) -> {
                Map<String, Object> pm = peerMap(p);
                pm.put("change", what);
                changedPeers.add(pm);
            });
            x.put("peersChanged", changedPeers);
            x.put("prefixes", n.prefixesWhatIf().size());
            x.put("routes", n.routesWhatIf().stream().map(ReportPrinter::routeMap).toList());
            x.put("added", n.added().stream().map(ReportPrinter::routeMap).toList());
            x.put("removed", n.removed().stream().map(ReportPrinter::routeMap).toList());
            nodes.add(x);
        }
        m.put("nodes", nodes);
        m.put("clusterChanged", false);
        return m;
    }

    private static Map<String, Object> peerMap(BgpPeerSpec p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("peer", peer(p));
        m.put("asn", p.asn());
        return m;
    }

    /** The fields of {@code /bgproutes}. */
    private static Map<String, Object> routeMap(Route r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("route", r.prefix().toCanonicalString());
        m.put("type", r.type().displayName());
        r.owner().ifPresent(o -> m.put("k8sObjRef", o));
        return m;
    }
}
