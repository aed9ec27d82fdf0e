package dev.herald.api.spi;

import dev.herald.api.GlobalConfig;
import dev.herald.api.PeerConfig;
import dev.herald.api.PeerKey;
import dev.herald.api.PeerStatus;
import dev.herald.api.Route;
import inet.ipaddr.IPAddress;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import org.osgi.annotation.versioning.ProviderType;

/**
 * One BGP speaker with one {@link GlobalConfig}, created by a {@link BgpServerFactory}. The policy controller is its
 * only caller and makes one call at a time, but implementations must still be thread-safe: status readers call
 * {@link #peers()} and {@link #routes()} from other threads.
 *
 * <p>Every mutating call is idempotent and safe to repeat after it failed: adding a peer that exists with the same
 * config, removing one that does not exist, advertising an advertised route or withdrawing an absent one are no-ops.
 * A failure throws {@link BgpException} and leaves the server's view consistent with what it actually did.
 */
@ProviderType
public interface BgpServer {
    /** The config this server was created with; it never changes (a new config means a new server). */
    GlobalConfig config();

    /** Starts listening and lets peers connect. Calling it on a started server does nothing. */
    void start();

    /**
     * Gets ready for {@link #start()} without opening the BGP port, so that start() takes effect at once: a backend
     * that drives a routing daemon launches it and waits for its API. A backend swap prepares the new server before
     * it stops the old one, because peers reconnect soon after the old one went and some (graceful-restart helpers)
     * then wait for the restarting side instead of trying again. {@link #stop(StopMode)} ends what it prepared.
     * Calling it twice, or on a started server, does nothing; the default does nothing.
     *
     * @since 1.6
     */
    default void prepare() {
    }

    /**
     * Stops the server and ends every session as {@code mode} says, then forgets peers and routes. A stopped server
     * cannot be started again.
     */
    void stop(StopMode mode);

    /** {@link #stop(StopMode)} with {@link StopMode#CEASE}. */
    default void stop() {
        stop(StopMode.CEASE);
    }

    /** Adds a peer and starts connecting to it (and accepting its connections). */
    void addPeer(PeerConfig peer);

    /**
     * Changes port, TTL, graceful-restart time or password of the peer with the same {@link PeerKey}; the session
     * is re-established if the change needs it. Throws if the peer is unknown.
     */
    void updatePeer(PeerConfig peer);

    /** Removes the peer, closing its session with a Cease NOTIFICATION. */
    void removePeer(PeerKey peer);

    /** A snapshot of every configured peer, in {@link PeerKey#ORDER}. */
    List<PeerStatus> peers();

    /**
     * Advertises these routes to every peer of the prefix's address family, now and to peers that come up later.
     * Backends may pack the whole batch into as few UPDATE messages as the attributes allow.
     */
    void advertise(Collection<Route> routes);

    /** Withdraws these prefixes from every peer. Routes are matched by prefix only. */
    void withdraw(Collection<Route> routes);

    /** The routes this server advertises: what was advertised and not withdrawn since it started. */
    Set<Route> routes();

    /**
     * Whether peers' BFD settings ({@link dev.herald.api.PeerConfig#bfd()}) are honoured. A server that cannot run
     * BFD runs those sessions without it; the controller tells the policy's status.
     *
     * @since 1.5
     */
    default boolean supportsBfd() {
        return false;
    }

    /**
     * What each peer was actually sent (its Adj-RIB-Out), where the backend can tell. Peers that are not
     * Established map to an empty set. Backends that cannot tell return an empty map.
     */
    default Map<PeerKey, Set<IPAddress>> routesByPeer() {
        return Map.of();
    }

    /**
     * Tasks handed to the server's event loop and not yet run, where the backend runs one (the native backend's
     * Netty loop); empty where it cannot tell. A healthy server stays near 0 between bursts of work; a count that
     * keeps growing means work piles up faster than the loop runs it (docs/metrics.md,
     * {@code herald_event_loop_pending_tasks}).
     *
     * @since 1.6
     */
    default OptionalInt pendingTasks() {
        return OptionalInt.empty();
    }
}
