package dev.herald.api.spi;

import dev.herald.api.EffectivePolicy;
import dev.herald.api.PeerStatus;
import dev.herald.api.Route;
import dev.herald.api.RouteType;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.osgi.annotation.versioning.ProviderType;

/**
 * What the agent runs now, for the local status API and {@code bin/herald get}. Registered by the controller;
 * thread-safe; every call returns a fresh snapshot.
 */
@ProviderType
public interface AgentStatus {
    /** The effective policy and its running server, if any. */
    Optional<EffectivePolicy> effectivePolicy();

    /** Every peer of the running server, IPv4 before IPv6, by address; empty without a server. */
    List<PeerStatus> peers();

    /** Every advertised route with each owner that wants it, in Antrea's order ({@link Route#ORDER}). */
    List<Route> routes();

    /**
     * The backend ({@code herald.backend} of its factory) that runs the BGP server now; empty without a server.
     *
     * @since 1.3
     */
    default Optional<String> backend() {
        return Optional.empty();
    }

    /**
     * Routes some owner wants, by type, as the last pass left them; kept as passes change them, so reading costs
     * nothing. A prefix wanted by two owners counts twice, as {@link #routes()} lists it twice.
     *
     * @since 1.5
     */
    default Map<RouteType, Integer> desiredRoutes() {
        return Map.of();
    }

    /**
     * Routes the BGP server was told to advertise, by type, counted as {@link #routes()} lists them; equal to
     * {@link #desiredRoutes()} once a pass applied everything.
     *
     * @since 1.5
     */
    default Map<RouteType, Integer> advertisedRoutes() {
        return Map.of();
    }

    /**
     * How many valid BGPPolicies select the local Node, as the last pass found; when it is more than zero and
     * {@link #effectivePolicy()} is empty, the node runs no BGP although a policy asks it to.
     *
     * @since 1.5
     */
    default int selectingPolicies() {
        return 0;
    }

    /**
     * {@link BgpServer#pendingTasks()} of the running server: empty without a server or where its backend cannot
     * tell.
     *
     * @since 1.6
     */
    default OptionalInt eventLoopPendingTasks() {
        return OptionalInt.empty();
    }
}
