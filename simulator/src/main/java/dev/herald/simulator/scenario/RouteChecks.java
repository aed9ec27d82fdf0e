package dev.herald.simulator.scenario;

import dev.herald.bgp.session.FsmState;
import dev.herald.simulator.peer.AddressText;
import dev.herald.simulator.peer.EmulatedPeer;
import dev.herald.simulator.peer.LearnedRoute;
import dev.herald.simulator.scenario.Scenario.Expect;
import dev.herald.simulator.scenario.Scenario.ExpectCount;
import dev.herald.simulator.scenario.Scenario.ExpectEstablished;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The expectations on what a peer holds now (routes, counts, sessions): each check returns null when it passes, else
 * what was seen instead; each progress line says how far the peer got.
 */
final class RouteChecks {
    private final ScenarioEnvironment env;

    RouteChecks(ScenarioEnvironment env) {
        this.env = env;
    }

    /** Prefix → the nodes it was learned from, as the peer holds it now. */
    private Map<String, Set<String>> seen(EmulatedPeer p, List<String> badNextHops) {
        Map<String, Set<String>> seen = new TreeMap<>();
        for (Map<String, LearnedRoute> routes : p.table().values()) {
            for (LearnedRoute r : routes.values()) {
                String node = env.nodeOf(r);
                seen.computeIfAbsent(r.prefix(), k -> new TreeSet<>()).add(node);
                if (r.nextHop() == null || !r.nextHop().equals(r.fromAddress())) {
                    badNextHops.add(r.prefix() + " from " + node + " has next hop "
                            + (r.nextHop() == null ? "none" : AddressText.of(r.nextHop()))
                            + ", not its session address " + AddressText.of(r.fromAddress()));
                }
            }
        }
        return seen;
    }

    String routes(Expect e) {
        EmulatedPeer p = env.peer(e.peer());
        List<String> problems = new ArrayList<>();
        Map<String, Set<String>> seen = seen(p, problems);
        for (Map.Entry<String, Set<String>> want : e.routes().entrySet()) {
            Set<String> got = seen.getOrDefault(want.getKey(), Set.of());
            if (!got.equals(want.getValue())) {
                problems.add(want.getKey() + ": expected from " + want.getValue() + ", seen from "
                        + (got.isEmpty() ? "no node" : got));
            }
        }
        if (e.exactly()) {
            seen.forEach((prefix, from) -> {
                if (!e.routes().containsKey(prefix)) {
                    problems.add(prefix + ": not expected, seen from " + from);
                }
            });
        }
        if (e.asPath().isPresent()) {
            for (Map<String, LearnedRoute> routes : p.table().values()) {
                for (LearnedRoute r : routes.values()) {
                    String path = asPath(r).orElse("");
                    if (e.routes().containsKey(r.prefix()) && !path.equals(e.asPath().get())) {
                        problems.add(r.prefix() + " from " + env.nodeOf(r) + ": AS path '" + path + "', expected '"
                                + e.asPath().get() + "'");
                    }
                }
            }
        }
        for (String a : e.absent()) {
            if (seen.containsKey(a)) {
                problems.add(a + ": expected absent, seen from " + seen.get(a));
            }
        }
        return problems.isEmpty() ? null : String.join("\n", problems);
    }

    /** The route's AS path as text, ASNs separated by spaces; empty when the path is. */
    static java.util.Optional<String> asPath(LearnedRoute r) {
        return r.asPath().stream().map(String::valueOf).reduce((a, b) -> a + " " + b);
    }

    String routesProgress(Expect e) {
        Map<String, Set<String>> seen = seen(env.peer(e.peer()), new ArrayList<>());
        long ok = e.routes().entrySet().stream().filter(w -> w.getValue().equals(seen.get(w.getKey()))).count();
        return "converging: peer " + e.peer() + " has " + ok + "/" + e.routes().size() + " expected routes, "
                + seen.size() + " prefixes in all";
    }

    String count(ExpectCount c) {
        List<String> problems = new ArrayList<>();
        Map<String, Set<String>> seen = seen(env.peer(c.peer()), problems);
        long routes = seen.values().stream().mapToLong(Set::size).sum();
        if (seen.size() != c.prefixes() || routes != c.routes()) {
            problems.add(0, "holds " + seen.size() + " prefixes and " + routes + " routes, expected " + c.prefixes()
                    + " and " + c.routes());
        }
        return problems.isEmpty() ? null : String.join("\n", problems.subList(0, Math.min(problems.size(), 20)));
    }

    String countProgress(ExpectCount c) {
        Map<String, Set<String>> seen = seen(env.peer(c.peer()), new ArrayList<>());
        return "converging: peer " + c.peer() + " has " + seen.size() + "/" + c.prefixes() + " prefixes, "
                + seen.values().stream().mapToLong(Set::size).sum() + "/" + c.routes() + " routes";
    }

    String established(ExpectEstablished e) {
        Set<String> with = new TreeSet<>();
        env.peer(e.peer()).sessions().stream()
                .filter(s -> s.state() == FsmState.ESTABLISHED)
                .forEach(s -> with.add(env.nodeOf(s.remoteRouterId(), s.remote())));
        return with.equals(e.nodes()) ? null : "established with " + with + ", expected " + e.nodes();
    }
}
