package dev.herald.source.service;

import dev.herald.api.Advertisements;
import dev.herald.api.NodeInfo;
import dev.herald.api.Route;
import dev.herald.api.RouteType;
import dev.herald.api.ServiceIPType;
import dev.herald.api.ServiceInfo;
import dev.herald.api.spi.ClusterState;
import dev.herald.api.spi.RouteSource;
import dev.herald.support.source.ClusterRouteSource;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Service IPs as host routes (docs/bgp-policy.md, Behaviour §5): every ClusterIP, ExternalIP and, for type
 * LoadBalancer, every ingress IP of every Service, of both families (the controller drops those the Node does not
 * run). A Local traffic policy limits the IPs it governs to Nodes with a usable endpoint of the Service. Owners are
 * {@code namespace/name}.
 *
 * <p>The source keeps an index by Service key of {@link ServiceRoutes} entries, filled once when constructed and
 * then kept current from {@link ClusterState} events: a Service event rebuilds that Service's entry, an EndpointSlice
 * event recomputes only the local Nodes, and only for Services whose routes a Local policy governs. Listeners are
 * told exactly the keys whose entry changed, so an update that changes nothing routable is not reported.
 *
 * <p>Threading: events arrive on the informer threads (Services and EndpointSlices may come on different ones),
 * queries on the controller's; all may run at once. Writes (the initial load and each event) are serialised by one
 * lock and read the cluster inside it, so the later of two writes always carries the newer state; queries read the
 * concurrent index without locking and see every entry either before or after a write. Listeners are called on the
 * thread of the event, after the index was updated. Construction loads the whole index before returning, so a
 * source that is visible to anyone is complete.
 *
 * <p>The source is the DS component: registered as a {@link RouteSource} service while a {@link ClusterState} is
 * there, replaced with it. Immediate, so that it keeps its index while no controller uses it (docs/development.md,
 * pitfall 11).
 */
@Component(service = RouteSource.class, immediate = true)
public final class ServiceRouteSource extends ClusterRouteSource {
    private static final Set<RouteType> TYPES = Set.of(RouteType.SERVICE_CLUSTER_IP, RouteType.SERVICE_EXTERNAL_IP,
            RouteType.SERVICE_LOAD_BALANCER_IP);

    private final Map<String, ServiceRoutes> index = new ConcurrentHashMap<>();
    private final Object writeLock = new Object();

    @Activate
    public ServiceRouteSource(@Reference ClusterState cluster) {
        super(cluster, Set.of(ClusterState.Kind.SERVICE, ClusterState.Kind.ENDPOINT_SLICE));
        follow();
        for (ServiceInfo s : cluster.services()) {
            refresh(s.key()); // re-reads under the lock: an event for this key may have been applied already
        }
    }

    @Override
    public Set<RouteType> types() {
        return TYPES;
    }

    @Override
    public Set<Route> routes(NodeInfo node, Advertisements advertisements) {
        Set<ServiceIPType> types = advertisements.serviceIpTypes();
        if (types.isEmpty()) {
            return Set.of();
        }
        Set<Route> out = new HashSet<>();
        for (ServiceRoutes entry : index.values()) {
            entry.addTo(node.name(), types, out);
        }
        return Collections.unmodifiableSet(out);
    }

    @Override
    public Set<Route> routes(NodeInfo node, Advertisements advertisements, Collection<String> owners) {
        Set<ServiceIPType> types = advertisements.serviceIpTypes();
        if (types.isEmpty()) {
            return Set.of();
        }
        Set<Route> out = new HashSet<>();
        for (String owner : owners) {
            ServiceRoutes entry = index.get(owner);
            if (entry != null) {
                entry.addTo(node.name(), types, out);
            }
        }
        return Collections.unmodifiableSet(out);
    }

    @Override
    protected void changed(ClusterState.Kind kind, Set<String> keys) {
        Set<String> owners = new HashSet<>();
        for (String key : keys) {
            boolean differs = kind == ClusterState.Kind.SERVICE ? refresh(key) : refreshEndpoints(key);
            if (differs) {
                owners.add(key);
            }
        }
        if (!owners.isEmpty()) {
            fire(owners);
        }
    }

    /** Rebuilds one Service's entry from the cluster; true if it changed. */
    private boolean refresh(String key) {
        synchronized (writeLock) {
            ServiceRoutes now = cluster.service(key).map(s -> ServiceRoutes.of(s, cluster::endpoints)).orElse(null);
            ServiceRoutes before = now == null ? index.remove(key) : index.put(key, now);
            return !Objects.equals(before, now);
        }
    }

    /** Recomputes one Service's local Nodes; true if they changed. */
    private boolean refreshEndpoints(String key) {
        synchronized (writeLock) {
            ServiceRoutes before = index.get(key);
            if (before == null || !before.usesEndpoints()) {
                // without a Local policy endpoints decide nothing; a Service not seen yet reads them when it comes
                return false;
            }
            ServiceRoutes now = before.withEndpoints(cluster.endpoints(key));
            index.put(key, now);
            return !now.equals(before);
        }
    }
}
