package dev.herald.simulator.peer;

import dev.herald.bgp.message.Afi;
import dev.herald.bgp.message.Prefix;
import dev.herald.simulator.peer.RouteEvent.Kind;
import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What an emulated peer has learned, per remote, and the log of every change. Written from the peer's event loop,
 * read from any thread: one lock keeps each UPDATE's changes and the log in step for readers.
 */
final class LearnedRoutes {
    private final Object lock = new Object();
    private final Map<RemoteId, Map<Prefix, LearnedRoute>> routes = new LinkedHashMap<>();
    private final List<RouteEvent> events = new ArrayList<>();

    void announce(RemoteId from, String routerId, long asn, Collection<Prefix> prefixes, InetAddress nextHop,
                  List<Long> asPath, Instant at) {
        InetAddress address = from.address();
        if (prefixes.isEmpty()) {
            return;
        }
        List<Long> path = List.copyOf(asPath);
        synchronized (lock) {
            Map<Prefix, LearnedRoute> table = routes.computeIfAbsent(from, a -> new HashMap<>());
            for (Prefix p : prefixes) {
                String text = p.toString();
                table.put(p, new LearnedRoute(text, nextHop, path, address, routerId, asn, at, false));
                events.add(new RouteEvent(Kind.ANNOUNCE, text, address, routerId, nextHop, at, RouteEvent.UPDATE));
            }
        }
    }

    /** Removes the prefixes and logs a withdrawal for each, known or not: it is what the wire carried. */
    void withdraw(RemoteId from, String routerId, Collection<Prefix> prefixes, Instant at, String cause) {
        InetAddress address = from.address();
        if (prefixes.isEmpty()) {
            return;
        }
        synchronized (lock) {
            Map<Prefix, LearnedRoute> table = routes.getOrDefault(from, Map.of());
            for (Prefix p : prefixes) {
                LearnedRoute old = table.isEmpty() ? null : table.remove(p);
                events.add(new RouteEvent(Kind.WITHDRAW, p.toString(), address, routerId,
                        old == null ? null : old.nextHop(), at, cause));
            }
        }
    }

    /** Marks the remote's routes of {@code families} stale; removes (and logs) its others. Returns the stale count. */
    int markStale(RemoteId from, Set<Afi> families, Instant at, String causeForOthers) {
        synchronized (lock) {
            Map<Prefix, LearnedRoute> table = routes.getOrDefault(from, Map.of());
            int stale = 0;
            for (Iterator<Map.Entry<Prefix, LearnedRoute>> it = table.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<Prefix, LearnedRoute> e = it.next();
                if (families.contains(e.getKey().afi())) {
                    e.setValue(e.getValue().asStale());
                    stale++;
                } else {
                    it.remove();
                    events.add(withdrawal(e.getValue(), at, causeForOthers));
                }
            }
            return stale;
        }
    }

    /** Removes the remote's stale routes of {@code family} (all families when null), logging each. */
    int removeStale(RemoteId from, Afi family, Instant at, String cause) {
        return remove(from, family, true, at, cause);
    }

    /** Removes every route of the remote, logging each. */
    int removeAll(RemoteId from, Instant at, String cause) {
        return remove(from, null, false, at, cause);
    }

    private int remove(RemoteId from, Afi family, boolean staleOnly, Instant at, String cause) {
        synchronized (lock) {
            Map<Prefix, LearnedRoute> table = routes.getOrDefault(from, Map.of());
            int n = 0;
            for (Iterator<Map.Entry<Prefix, LearnedRoute>> it = table.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<Prefix, LearnedRoute> e = it.next();
                if ((family == null || e.getKey().afi() == family) && (!staleOnly || e.getValue().stale())) {
                    it.remove();
                    events.add(withdrawal(e.getValue(), at, cause));
                    n++;
                }
            }
            return n;
        }
    }

    int staleCount(RemoteId from) {
        synchronized (lock) {
            return (int) routes.getOrDefault(from, Map.of()).values().stream().filter(LearnedRoute::stale).count();
        }
    }

    Map<RemoteId, Map<String, LearnedRoute>> table() {
        synchronized (lock) {
            Map<RemoteId, Map<String, LearnedRoute>> out = new LinkedHashMap<>();
            routes.forEach((from, table) -> {
                if (!table.isEmpty()) {
                    out.put(from, copy(table));
                }
            });
            return Map.copyOf(out);
        }
    }

    Map<String, LearnedRoute> routesFrom(RemoteId from) {
        synchronized (lock) {
            return copy(routes.getOrDefault(from, Map.of()));
        }
    }

    Set<String> prefixes() {
        synchronized (lock) {
            Set<Prefix> all = new TreeSet<>();
            routes.values().forEach(t -> all.addAll(t.keySet()));
            Set<String> out = new java.util.LinkedHashSet<>();
            all.forEach(p -> out.add(p.toString()));
            return java.util.Collections.unmodifiableSet(out);
        }
    }

    List<RouteEvent> events() {
        synchronized (lock) {
            return List.copyOf(events);
        }
    }

    void clearEvents() {
        synchronized (lock) {
            events.clear();
        }
    }

    private static RouteEvent withdrawal(LearnedRoute r, Instant at, String cause) {
        return new RouteEvent(Kind.WITHDRAW, r.prefix(), r.fromAddress(), r.fromRouterId(), r.nextHop(), at, cause);
    }

    /** Sorted like {@link Prefix}: IPv4 first, then by address. */
    private static Map<String, LearnedRoute> copy(Map<Prefix, LearnedRoute> table) {
        Map<String, LearnedRoute> out = new LinkedHashMap<>();
        new java.util.TreeMap<>(table).forEach((p, r) -> out.put(r.prefix(), r));
        return java.util.Collections.unmodifiableMap(out);
    }
}
