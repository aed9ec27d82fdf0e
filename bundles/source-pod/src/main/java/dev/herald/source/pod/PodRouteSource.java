package dev.herald.source.pod;

import dev.herald.api.Advertisements;
import dev.herald.api.NodeInfo;
import dev.herald.api.Route;
import dev.herald.api.RouteType;
import dev.herald.api.spi.ClusterState;
import dev.herald.api.spi.RouteSource;
import dev.herald.support.source.ClusterRouteSource;
import inet.ipaddr.IPAddress;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Pod CIDRs (docs/bgp-policy.md, Behaviour §5): a Node advertises its {@code spec.podCIDRs}, of both families
 * (the controller drops those the Node does not run), with no owner.
 *
 * <p>The CIDRs are part of the {@link NodeInfo} every query passes, so routes are built from it: a handful of
 * prefixes, and never a stale copy. The source follows the local Node only to know when to speak: when its Pod
 * CIDRs change it reports an empty owner set ("anything may have changed"), since Pod CIDR routes have no owner to
 * name; any other change of the Node (labels, annotations) is not reported.
 *
 * <p>Threading: events arrive on an informer thread, queries on the controller's. Queries keep no state; the
 * last CIDRs seen are guarded by this object's lock. Listeners are called on the thread of the event.
 *
 * <p>The source is the DS component: registered as a {@link RouteSource} service while a {@link ClusterState} is
 * there, replaced with it (immediate, as the other sources: docs/development.md, pitfall 11).
 */
@Component(service = RouteSource.class, immediate = true)
public final class PodRouteSource extends ClusterRouteSource {
    private List<IPAddress> lastPodCidrs = List.of();

    @Activate
    public PodRouteSource(@Reference ClusterState cluster) {
        super(cluster, Set.of(ClusterState.Kind.NODE));
        follow();
        refresh();
    }

    @Override
    public Set<RouteType> types() {
        return Set.of(RouteType.NODE_IPAM_POD_CIDR);
    }

    @Override
    public Set<Route> routes(NodeInfo node, Advertisements advertisements) {
        if (!advertisements.pod()) {
            return Set.of();
        }
        Set<Route> out = new HashSet<>();
        for (IPAddress cidr : node.podCidrs()) {
            if (cidr.isPrefixBlock()) { // a malformed CIDR must not fail the whole reconcile
                out.add(new Route(cidr, RouteType.NODE_IPAM_POD_CIDR, Optional.empty()));
            }
        }
        return Set.copyOf(out);
    }

    /** Pod CIDR routes have no owner, so no owner names any of them. */
    @Override
    public Set<Route> routes(NodeInfo node, Advertisements advertisements, Collection<String> owners) {
        return Set.of();
    }

    @Override
    protected void changed(ClusterState.Kind kind, Set<String> keys) {
        if (refresh()) {
            fire(Set.of());
        }
    }

    /** Reads the local Node's Pod CIDRs; true if they differ from the last ones seen. */
    private synchronized boolean refresh() {
        List<IPAddress> now = cluster.localNode().map(NodeInfo::podCidrs).orElse(List.of());
        boolean differs = !now.equals(lastPodCidrs);
        lastPodCidrs = now;
        return differs;
    }
}
