package dev.herald.controller;

import dev.herald.api.spi.RouteSource;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** What changed since the last pass: everything, or only some owners of some sources. Thread-safe. */
final class Changes {
    /**
     * The changes one pass works on.
     *
     * @param full anything may have changed: recompute everything
     * @param owners the owners, by source, whose routes may have changed
     */
    record Batch(boolean full, Map<RouteSource, Set<String>> owners) {
    }

    private boolean full = true;
    private final Map<RouteSource, Set<String>> owners = new HashMap<>();

    /** The routes of these owners may have changed; empty means anything may have. */
    synchronized void owners(RouteSource source, Set<String> changed) {
        if (changed.isEmpty()) {
            full = true;
        } else {
            owners.computeIfAbsent(source, s -> new HashSet<>()).addAll(changed);
        }
    }

    /** Anything may have changed, or the pass that took the changes did not finish its work. */
    synchronized void all() {
        full = true;
    }

    /** The changes so far, for a pass; the next changes start from nothing. */
    synchronized Batch take() {
        Batch b = new Batch(full, new HashMap<>(owners));
        full = false;
        owners.clear();
        return b;
    }
}
