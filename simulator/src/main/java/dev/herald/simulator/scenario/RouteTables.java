package dev.herald.simulator.scenario;

import dev.herald.bgp.session.FsmState;
import dev.herald.simulator.peer.AddressText;
import dev.herald.simulator.peer.EmulatedPeer;
import dev.herald.simulator.peer.LearnedRoute;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Prints, per peer, the routes it holds and from which nodes, as a table. */
final class RouteTables {
    private RouteTables() {
    }

    static void print(ScenarioEnvironment env, PrintStream out) {
        for (Map.Entry<String, EmulatedPeer> e : env.peersInOrder().entrySet()) {
            EmulatedPeer p = e.getValue();
            Map<String, List<LearnedRoute>> byPrefix = new TreeMap<>(Comparators.PREFIX);
            p.table().values().forEach(m -> m.values().forEach(r ->
                    byPrefix.computeIfAbsent(r.prefix(), k -> new ArrayList<>()).add(r)));
            out.printf("%nPeer %s (%s, AS %d): %d prefixes from %d session(s)%n", e.getKey(),
                    AddressText.of(p.localAddress()), p.config().asn(), byPrefix.size(), p.sessions().stream()
                            .filter(s -> s.state() == FsmState.ESTABLISHED).count());
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"PREFIX", "NEXT-HOP", "AS-PATH", "FROM-NODE"});
            byPrefix.forEach((prefix, routes) -> {
                routes.sort(Comparator.comparing(env::nodeOf));
                for (LearnedRoute r : routes) {
                    rows.add(new String[] {prefix, AddressText.of(r.nextHop()), RouteChecks.asPath(r).orElse("-"),
                            env.nodeOf(r) + (r.stale() ? " (stale)" : "")});
                }
            });
            Table.print(out, rows);
        }
    }
}
