package dev.herald.source.egress;

import dev.herald.api.Advertisements;
import dev.herald.api.EgressInfo;
import dev.herald.api.NodeInfo;
import dev.herald.api.Route;
import dev.herald.api.RouteType;
import dev.herald.api.spi.ClusterState;
import dev.herald.api.spi.RouteSource;
import dev.herald.support.source.ClusterRouteSource;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Egress IPs as host routes (docs/bgp-policy.md, Behaviour §5): a Node advertises {@code status.egressIP} of
 * every Egress whose {@code status.egressNode} is that Node. Owners are Egress names.
 *
 * <p>The source keeps an index by Egress name of {@link EgressRoute} entries (only Egresses with both an IP and a
 * Node), filled when constructed and kept current from EGRESS events. Listeners are told exactly the names whose
 * entry changed: an Egress that moves to another Node is reported, so the Node it left withdraws its IP.
 *
 * <p>Threading: events arrive on an informer thread, queries on the controller's; both may run at once. Writes
 * (the initial load and each event) are serialised by one lock and read the cluster inside it, so the later of two
 * writes always carries the newer state; queries read the concurrent index without locking. Listeners are called
 * on the thread of the event, after the index was updated. Construction loads the whole index before returning.
 *
 * <p>The source is the DS component: registered as a {@link RouteSource} service while a {@link ClusterState} is
 * there, replaced with it. Immediate, so that it keeps its index while no controller uses it (docs/development.md,
 * pitfall 11).
 */
@Component(service = RouteSource.class, immediate = true)
public final class EgressRouteSource extends ClusterRouteSource {
    private final Map<String, EgressRoute> index = new ConcurrentHashMap<>();
    private final Object writeLock = new Object();

    @Activate
    public EgressRouteSource(@Reference ClusterState cluster) {
        super(cluster, Set.of(ClusterState.Kind.EGRESS));
        follow();
        synchronized (writeLock) {
            for (EgressInfo e : cluster.egresses()) {
                EgressRoute.of(e).ifPresent(r -> index.put(e.name(), r));
            }
        }
    }

    @Override
    public Set<RouteType> types() {
        return Set.of(RouteType.EGRESS_IP);
    }

    @Override
    public Set<Route> routes(NodeInfo node, Advertisements advertisements) {
        if (!advertisements.egress()) {
            return Set.of();
        }
        Set<Route> out = new HashSet<>();
        for (EgressRoute e : index.values()) {
            if (e.node().equals(node.name())) {
                out.add(e.route());
            }
        }
        return Collections.unmodifiableSet(out);
    }

    @Override
    public Set<Route> routes(NodeInfo node, Advertisements advertisements, Collection<String> owners) {
        if (!advertisements.egress()) {
            return Set.of();
        }
        Set<Route> out = new HashSet<>();
        for (String owner : owners) {
            EgressRoute e = index.get(owner);
            if (e != null && e.node().equals(node.name())) {
                out.add(e.route());
            }
        }
        return Collections.unmodifiableSet(out);
    }

    @Override
    protected void changed(ClusterState.Kind kind, Set<String> names) {
        if (names.isEmpty()) {
            return;
        }
        Set<String> owners = refresh(names);
        if (!owners.isEmpty()) {
            fire(owners);
        }
    }

    /** Re-reads these Egresses; returns the names whose entry changed. */
    private Set<String> refresh(Set<String> names) {
        synchronized (writeLock) {
            // ClusterState has no lookup by name: one pass over the Egresses picks out the changed ones
            Map<String, EgressRoute> now = new HashMap<>();
            for (EgressInfo e : cluster.egresses()) {
                if (names.contains(e.name())) {
                    EgressRoute.of(e).ifPresent(r -> now.put(e.name(), r));
                }
            }
            Set<String> changed = new HashSet<>();
            for (String name : names) {
                EgressRoute after = now.get(name);
                EgressRoute before = after == null ? index.remove(name) : index.put(name, after);
                if (!Objects.equals(before, after)) {
                    changed.add(name);
                }
            }
            return changed;
        }
    }
}
