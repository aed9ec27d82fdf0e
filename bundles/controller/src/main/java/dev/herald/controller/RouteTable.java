package dev.herald.controller;

import dev.herald.api.Advertisements;
import dev.herald.api.NodeInfo;
import dev.herald.api.Route;
import dev.herald.api.RouteType;
import dev.herald.api.spi.BgpServer;
import dev.herald.api.spi.RouteSource;
import inet.ipaddr.IPAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * The routes of one server: what owners want (desired), what the server was told (applied) and what the status
 * lists (published), each kept up to date per touched prefix so that a pass costs the size of its change, not of the
 * table. Work is incremental: when only some route owners changed (a Service, an Egress), only those owners are
 * asked for and only their prefixes touched; anything else (policy, node, a source coming or going, a new server)
 * recomputes everything. The loop thread changes it; the published routes and the counts may be read from any
 * thread.
 */
final class RouteTable {
    private final FamilyGaps gaps;
    private final SourceGrace grace;
    /** Every route some owner wants, by prefix (a prefix is wanted while its set is not empty). */
    private final Map<IPAddress, Set<Route>> wanted = new HashMap<>();
    /** What the server was told to advertise and has not been told to withdraw. */
    private final Map<IPAddress, Route> advertised = new HashMap<>();
    /** The routes each owner wants (key: route type and owner), for incremental passes. */
    private final Map<String, Set<Route>> byOwner = new HashMap<>();
    /**
     * What the previous server advertised, kept across a graceful restart until the next full pass: routes of a
     * type whose source is missing then are still held (and given to the new server), not lost with the old one.
     */
    private final Map<IPAddress, Route> carried = new HashMap<>();
    /** Every route of every advertised prefix, sorted as the status API lists them; read by other threads. */
    private final ConcurrentSkipListSet<Route> published = new ConcurrentSkipListSet<>(Route.ORDER);
    private final Map<IPAddress, Set<Route>> publishedByPrefix = new HashMap<>();
    /** {@link #wanted}'s routes and {@link #published}'s, by type, for metrics. */
    private final RouteCounts desiredCounts = new RouteCounts();
    private final RouteCounts advertisedCounts = new RouteCounts();
    private Set<RouteSource> sourcesSeen = Set.of();
    private Advertisements advertisementsSeen;
    private NodeInfo nodeSeen;

    RouteTable(FamilyGaps gaps, SourceGrace grace) {
        this.gaps = gaps;
        this.grace = grace;
    }

    /**
     * Brings the server's routes in line with what the sources want: everything when {@code full} (or anything but
     * the owners changed since the last call), else only {@code owners}.
     */
    void apply(BgpServer server, NodeInfo n, Advertisements ads, Set<RouteSource> current, boolean full,
               Map<RouteSource, Set<String>> owners) {
        boolean mustRecompute = full || !current.equals(sourcesSeen) || !ads.equals(advertisementsSeen)
                || !n.equals(nodeSeen);
        if (mustRecompute) {
            applyAll(server, n, ads, current);
        } else {
            for (Map.Entry<RouteSource, Set<String>> e : owners.entrySet()) {
                if (current.contains(e.getKey())) {
                    applyOwners(server, n, ads, e.getKey(), e.getValue());
                }
            }
        }
        sourcesSeen = current;
        advertisementsSeen = ads;
        nodeSeen = n;
    }

    /** Continues from what an adopted server advertises. */
    void adopt(Collection<Route> routes) {
        routes.forEach(r -> advertised.put(r.prefix(), r));
    }

    /** The server is gone; with {@code carry}, its routes stay known for held types (a graceful restart). */
    void forget(boolean carry) {
        carried.clear();
        if (carry) {
            carried.putAll(advertised);
        }
        wanted.clear();
        desiredCounts.clear();
        advertised.clear();
        byOwner.clear();
        published.clear();
        publishedByPrefix.clear();
        advertisedCounts.clear();
        sourcesSeen = Set.of();
    }

    /** Prefixes the server was told to advertise. */
    int advertisedCount() {
        return advertised.size();
    }

    /** Every route of every advertised prefix, in the status API's order. */
    List<Route> published() {
        return List.copyOf(published);
    }

    Map<RouteType, Integer> desiredCounts() {
        return desiredCounts.snapshot();
    }

    Map<RouteType, Integer> advertisedCounts() {
        return advertisedCounts.snapshot();
    }

    private void applyAll(BgpServer server, NodeInfo n, Advertisements ads, Set<RouteSource> current) {
        Map<IPAddress, Set<Route>> next = new HashMap<>();
        Map<String, Set<Route>> nextByOwner = new HashMap<>();
        Map<String, Set<Route>> otherFamily = new HashMap<>();
        for (RouteSource s : current) {
            for (Route r : s.routes(n, ads)) {
                if (n.hasFamilyOf(r.prefix())) {
                    next.compute(r.prefix(), (k, set) -> RouteSets.plus(set, r));
                    nextByOwner.computeIfAbsent(ownerKey(r), k -> new HashSet<>()).add(r);
                } else {
                    otherFamily.computeIfAbsent(ownerKey(r), k -> new HashSet<>()).add(r);
                }
            }
        }
        gaps.routes(otherFamily);
        gaps.podWithoutCidrs(ads.pod() && n.podCidrs().isEmpty());
        Set<RouteType> covered = EnumSet.noneOf(RouteType.class);
        current.forEach(s -> covered.addAll(s.types()));
        Map<IPAddress, Route> known = new HashMap<>(carried); // a previous server's, after a graceful restart
        known.putAll(advertised);
        carried.clear();
        grace.hold(ads, covered, known, next);
        wanted.clear();
        wanted.putAll(next);
        desiredCounts.clear();
        next.values().forEach(desiredCounts::addAll);
        byOwner.clear();
        byOwner.putAll(nextByOwner);
        List<Route> withdraw = new ArrayList<>();
        for (Map.Entry<IPAddress, Route> e : advertised.entrySet()) {
            if (!wanted.containsKey(e.getKey())) {
                withdraw.add(e.getValue());
            }
        }
        List<Route> advertise = new ArrayList<>();
        for (Map.Entry<IPAddress, Set<Route>> e : wanted.entrySet()) {
            if (!advertised.containsKey(e.getKey())) {
                advertise.add(representative(e.getValue()));
            }
        }
        try {
            send(server, withdraw, advertise);
            grace.withdrawn(advertised.values());
        } finally {
            Set<IPAddress> all = new HashSet<>(publishedByPrefix.keySet());
            all.addAll(advertised.keySet());
            republish(all);
        }
    }

    /** Only these owners of one source: cost grows with the change, not with the table. */
    private void applyOwners(BgpServer server, NodeInfo n, Advertisements ads, RouteSource source,
                             Set<String> owners) {
        Set<IPAddress> touched = new HashSet<>();
        Map<String, Set<Route>> otherFamily = new HashMap<>(); // by owner: none unless the source says so below
        for (String owner : owners) {
            for (var type : source.types()) {
                otherFamily.put(type.name() + "|" + owner, new HashSet<>());
                Set<Route> old = byOwner.remove(type.name() + "|" + owner);
                if (old == null) {
                    continue;
                }
                for (Route r : old) {
                    touched.add(r.prefix());
                    wanted.computeIfPresent(r.prefix(), (k, set) -> {
                        if (set.contains(r)) {
                            desiredCounts.remove(r);
                        }
                        return RouteSets.minus(set, r);
                    });
                }
            }
        }
        for (Route r : source.routes(n, ads, owners)) {
            if (!n.hasFamilyOf(r.prefix())) {
                otherFamily.computeIfAbsent(ownerKey(r), k -> new HashSet<>()).add(r);
            } else {
                touched.add(r.prefix());
                wanted.compute(r.prefix(), (k, set) -> {
                    if (set == null || !set.contains(r)) {
                        desiredCounts.add(r);
                    }
                    return RouteSets.plus(set, r);
                });
                byOwner.computeIfAbsent(ownerKey(r), k -> new HashSet<>()).add(r);
            }
        }
        otherFamily.forEach(gaps::routes);
        List<Route> withdraw = new ArrayList<>();
        List<Route> advertise = new ArrayList<>();
        for (IPAddress prefix : touched) {
            Set<Route> now = wanted.get(prefix);
            Route sent = advertised.get(prefix);
            if (now == null && sent != null) {
                withdraw.add(sent);
            } else if (now != null && sent == null) {
                advertise.add(representative(now));
            }
        }
        try {
            send(server, withdraw, advertise);
        } finally {
            republish(touched); // owners may change while a prefix stays advertised
        }
    }

    /** Brings the status's routes of these prefixes in line with what is advertised and who wants it. */
    private void republish(Collection<IPAddress> prefixes) {
        for (IPAddress prefix : prefixes) {
            Set<Route> old = publishedByPrefix.remove(prefix);
            if (old != null) {
                published.removeAll(old);
                advertisedCounts.removeAll(old);
            }
            Route sent = advertised.get(prefix);
            if (sent != null) {
                Set<Route> now = Set.copyOf(wanted.getOrDefault(prefix, Set.of(sent)));
                publishedByPrefix.put(prefix, now);
                published.addAll(now);
                advertisedCounts.addAll(now);
            }
        }
    }

    /** Withdrawals first, then announcements; the applied state follows only what succeeded. */
    private void send(BgpServer server, List<Route> withdraw, List<Route> advertise) {
        if (!withdraw.isEmpty()) {
            server.withdraw(withdraw);
            withdraw.forEach(r -> advertised.remove(r.prefix()));
        }
        if (!advertise.isEmpty()) {
            server.advertise(advertise);
            advertise.forEach(r -> advertised.put(r.prefix(), r));
        }
    }

    private static String ownerKey(Route r) {
        return r.type().name() + "|" + r.owner().orElse("");
    }

    /** One route for a prefix several owners want: the first in Antrea's order, so status output is stable. */
    private static Route representative(Set<Route> routes) {
        return routes.stream().min(Route.ORDER).orElseThrow();
    }
}
