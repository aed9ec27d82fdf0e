package dev.herald.api.spi;

import dev.herald.api.Advertisements;
import dev.herald.api.NodeInfo;
import dev.herald.api.Route;
import dev.herald.api.RouteType;
import java.util.Collection;
import java.util.Set;
import org.osgi.annotation.versioning.ConsumerType;
import org.osgi.annotation.versioning.ProviderType;

/**
 * One kind of route a node may advertise (Service IPs, Egress IPs, Pod CIDRs). A source keeps an indexed desired
 * set from {@link ClusterState} and knows nothing of BGP. Sources are independent OSGi services: one can be added,
 * removed or replaced while the agent runs, and the controller then reconciles.
 *
 * <p>All methods are thread-safe and cheap to call: answers come from the source's index, never from a scan of the
 * cluster.
 */
@ProviderType
public interface RouteSource {
    /** The route types this source can produce. */
    Set<RouteType> types();

    /** Every route this source wants advertised now by {@code node} under {@code advertisements}. */
    Set<Route> routes(NodeInfo node, Advertisements advertisements);

    /**
     * The routes wanted now for these owners only ({@link Route#owner()} values, e.g. {@code namespace/name}), so
     * that a change costs work proportional to the change. Unknown owners yield nothing.
     */
    Set<Route> routes(NodeInfo node, Advertisements advertisements, Collection<String> owners);

    /** Registers a listener told when the routes of some owners may have changed. */
    Registration addListener(Listener listener);

    /** Told when routes may have changed. Called from the source's own thread; must not block. */
    @ConsumerType
    @FunctionalInterface
    interface Listener {
        /**
         * @param source the source whose routes changed
         * @param owners the owners whose routes may have changed; empty means "anything may have changed"
         */
        void routesChanged(RouteSource source, Set<String> owners);
    }
}
