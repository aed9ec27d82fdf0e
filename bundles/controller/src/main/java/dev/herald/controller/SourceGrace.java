package dev.herald.controller;

import dev.herald.api.Advertisements;
import dev.herald.api.Route;
import dev.herald.api.RouteType;
import dev.herald.api.ServiceIPType;
import inet.ipaddr.IPAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Never withdraw on ignorance: routes of a type that no bound source produces (its bundle is being updated, or the
 * controller was just replaced and its sources are not bound yet) stay wanted for the grace period. After that their
 * absence is a decision (the source bundle was removed) and they are withdrawn. Thread-safe: the loop thread holds
 * routes, any thread may ask when the next grace period ends.
 */
final class SourceGrace {
    private static final Logger LOG = LoggerFactory.getLogger(SourceGrace.class);

    private final Supplier<Duration> grace;
    /** Route types whose routes are advertised but no bound source produces them, since when (nanoTime). */
    private final Map<RouteType, Long> missingSince = new EnumMap<>(RouteType.class);

    SourceGrace(Supplier<Duration> grace) {
        this.grace = grace;
    }

    /**
     * Adds to {@code next} the routes of {@code known} (what the server advertises, or a previous server did) whose
     * type no source {@code covered} while their grace period lasts, and starts or ends the periods.
     */
    synchronized void hold(Advertisements ads, Set<RouteType> covered, Map<IPAddress, Route> known,
                           Map<IPAddress, Set<Route>> next) {
        Map<RouteType, List<Route>> orphans = new EnumMap<>(RouteType.class);
        for (Map.Entry<IPAddress, Route> e : known.entrySet()) {
            Route r = e.getValue();
            if (!next.containsKey(e.getKey()) && !covered.contains(r.type()) && advertises(ads, r.type())) {
                orphans.computeIfAbsent(r.type(), t -> new ArrayList<>()).add(r);
            }
        }
        long now = System.nanoTime();
        Duration period = grace.get();
        missingSince.keySet().retainAll(orphans.keySet());
        for (Map.Entry<RouteType, List<Route>> e : orphans.entrySet()) {
            RouteType type = e.getKey();
            Long since = missingSince.get(type);
            if (since == null) {
                since = now;
                missingSince.put(type, now);
                LOG.info("No route source produces {} routes now: keeping its {} advertised routes for {} s in case "
                        + "it comes back (a bundle update); withdrawn after that", type.displayName(),
                        e.getValue().size(), period.toSeconds());
            }
            if (now - since >= period.toNanos()) {
                // the entry goes once nothing of the type is left (retainAll above), so a failed withdrawal is
                // retried at once, not after a new grace period
                LOG.info("The route source for {} routes did not come back within {} s: withdrawing its {} routes",
                        type.displayName(), period.toSeconds(), e.getValue().size());
                continue;
            }
            for (Route r : e.getValue()) {
                next.compute(r.prefix(), (k, set) -> RouteSets.plus(set, r));
            }
        }
    }

    /** A held type whose routes are all withdrawn now is no longer waited for. */
    synchronized void withdrawn(Collection<Route> advertised) {
        if (missingSince.isEmpty()) {
            return;
        }
        Set<RouteType> left = EnumSet.noneOf(RouteType.class);
        advertised.forEach(r -> left.add(r.type()));
        missingSince.keySet().retainAll(left);
    }

    /** When the earliest grace period ends; empty when no routes are being held. */
    synchronized Optional<Duration> nextExpiry() {
        if (missingSince.isEmpty()) {
            return Optional.empty();
        }
        long now = System.nanoTime();
        long first = missingSince.values().stream().mapToLong(Long::longValue).min().orElseThrow();
        long left = first + grace.get().toNanos() - now;
        return Optional.of(Duration.ofNanos(Math.max(left, 0)));
    }

    /** Whether a policy's advertisements ask for routes of this type at all. */
    static boolean advertises(Advertisements ads, RouteType type) {
        return switch (type) {
            case SERVICE_CLUSTER_IP -> ads.serviceIpTypes().contains(ServiceIPType.CLUSTER_IP);
            case SERVICE_EXTERNAL_IP -> ads.serviceIpTypes().contains(ServiceIPType.EXTERNAL_IP);
            case SERVICE_LOAD_BALANCER_IP -> ads.serviceIpTypes().contains(ServiceIPType.LOAD_BALANCER_IP);
            case EGRESS_IP -> ads.egress();
            case NODE_IPAM_POD_CIDR -> ads.pod();
        };
    }
}
