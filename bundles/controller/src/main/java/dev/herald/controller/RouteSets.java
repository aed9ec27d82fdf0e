package dev.herald.controller;

import dev.herald.api.Route;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The routes that want one prefix, as small immutable sets. Nearly every prefix is wanted by one route, and a
 * {@code HashSet} per prefix would cost about 200 bytes per route where {@code Set.of(route)} costs 24: at 110,000
 * routes that is the difference between fitting the agent's 256 MiB container or not (docs/performance.md).
 */
final class RouteSets {
    private RouteSets() {
    }

    /** {@code set} with {@code r} too; {@code set} may be null (no route yet). */
    static Set<Route> plus(Set<Route> set, Route r) {
        if (set == null) {
            return Set.of(r);
        }
        if (set.contains(r)) {
            return set;
        }
        Route[] routes = set.toArray(new Route[set.size() + 1]);
        routes[set.size()] = r;
        return Set.of(routes);
    }

    /** {@code set} without {@code r}, or null when nothing is left (so that a map's compute removes the entry). */
    static Set<Route> minus(Set<Route> set, Route r) {
        if (!set.contains(r)) {
            return set;
        }
        if (set.size() == 1) {
            return null;
        }
        return set.stream().filter(x -> !x.equals(r)).collect(Collectors.toUnmodifiableSet());
    }
}
