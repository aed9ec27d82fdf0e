package dev.herald.controller;

import dev.herald.api.Route;
import dev.herald.api.RouteType;
import java.util.Collection;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * Routes counted by type, kept up to date as a pass changes its sets, so that metrics read them without walking
 * the table (docs/metrics.md). One writer (the reconcile pass), any number of readers.
 */
final class RouteCounts {
    private static final RouteType[] TYPES = RouteType.values();
    private final AtomicIntegerArray counts = new AtomicIntegerArray(TYPES.length);

    void add(Route r) {
        counts.incrementAndGet(r.type().ordinal());
    }

    void remove(Route r) {
        counts.decrementAndGet(r.type().ordinal());
    }

    void addAll(Collection<Route> routes) {
        routes.forEach(this::add);
    }

    void removeAll(Collection<Route> routes) {
        routes.forEach(this::remove);
    }

    void clear() {
        for (int i = 0; i < TYPES.length; i++) {
            counts.set(i, 0);
        }
    }

    /** Every type, zero included, so that a metric of a type that went away reads 0 rather than disappearing. */
    Map<RouteType, Integer> snapshot() {
        Map<RouteType, Integer> m = new EnumMap<>(RouteType.class);
        for (RouteType t : TYPES) {
            m.put(t, counts.get(t.ordinal()));
        }
        return m;
    }
}
