package dev.herald.api.spi;

import dev.herald.api.BgpPolicy;
import dev.herald.api.EgressInfo;
import dev.herald.api.EndpointInfo;
import dev.herald.api.NodeInfo;
import dev.herald.api.ServiceInfo;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.osgi.annotation.versioning.ConsumerType;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Read-only view of what Herald knows of the cluster, fed by informers. The controller and route sources read it
 * and never talk to the Kubernetes API themselves, so they unit-test with plain objects.
 *
 * <p>Every method returns immutable values. Each call answers from one consistent state of its kind; a caller
 * that needs several kinds at once reads them after a change notification and re-reads on the next one. Methods are
 * thread-safe and never block on the network: when the API server is unreachable they keep answering with the last
 * known state (Herald never withdraws on ignorance).
 */
@ProviderType
public interface ClusterState {
    /** The local Node ({@code NODE_NAME}), if it exists. */
    Optional<NodeInfo> localNode();

    /** Every BGPPolicy that parsed and validated; invalid ones are reported by {@link #invalidPolicies()}. */
    List<BgpPolicy> bgpPolicies();

    /** BGPPolicy names whose spec is invalid, with the reason, for logs and status. */
    Map<String, String> invalidPolicies();

    /**
     * TCP-MD5 passwords from the {@code antrea-bgp-passwords} Secret, keyed {@code <peer address>-<peer asn>}
     * (see {@link dev.herald.api.PeerKey#toString()}). Empty when the Secret does not exist.
     */
    Map<String, String> bgpPasswords();

    /** Every Service. */
    Collection<ServiceInfo> services();

    /** The Service {@code namespace/name}, if it exists. */
    Optional<ServiceInfo> service(String key);

    /** The endpoints of every EndpointSlice of the Service {@code namespace/name}. */
    List<EndpointInfo> endpoints(String serviceKey);

    /** Every Egress. */
    Collection<EgressInfo> egresses();

    /** True once every informer has listed its kind at least once; before that, absence means nothing. */
    boolean synced();

    /**
     * Whether the API server answered the last probe. While it does not, every method keeps answering with the last
     * known state. Implementations without an API server to lose answer true.
     *
     * @since 1.5
     */
    default boolean apiReachable() {
        return true;
    }

    /** Registers a listener for changes. */
    Registration addListener(Listener listener);

    /** The kinds of object a change notification is about. */
    @ProviderType
    enum Kind { NODE, BGP_POLICY, SECRET, SERVICE, ENDPOINT_SLICE, EGRESS }

    /** Told of changes. Called from the informers' thread in event order; must not block. */
    @ConsumerType
    @FunctionalInterface
    interface Listener {
        /**
         * @param kind what kind of object changed
         * @param keys the changed objects' keys ({@code namespace/name}, or name when cluster-scoped; for
         *     EndpointSlices the owning Service's {@code namespace/name})
         */
        void changed(Kind kind, Set<String> keys);
    }
}
