package dev.herald.source.pod;

import dev.herald.api.Advertisements;
import dev.herald.api.NodeInfo;
import dev.herald.api.Route;
import dev.herald.api.RouteType;
import dev.herald.api.spi.ClusterState;
import dev.herald.api.spi.Registration;
import dev.herald.api.spi.RouteSource;
import inet.ipaddr.IPAddress;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

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
 */
public final class PodRouteSource implements RouteSource, AutoCloseable {
    private final ClusterState cluster;
    private final RouteListeners listeners = new RouteListeners();
    private final Registration clusterListener;
    private List<IPAddress> lastPodCidrs = List.of();

    public PodRouteSource(ClusterState cluster) {
        this.cluster = Objects.requireNonNull(cluster, "cluster");
        // listen before reading, so no change falls between the two
        this.clusterListener = cluster.addListener(this::changed);
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
    public Registration addListener(Listener listener) {
        return listeners.add(listener);
    }

    /** Stops following the cluster. */
    @Override
    public void close() {
        clusterListener.close();
    }

    private void changed(ClusterState.Kind kind, Set<String> keys) {
        if (kind == ClusterState.Kind.NODE && refresh()) {
            listeners.fire(this, Set.of());
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
