package dev.herald.api.spi;

import dev.herald.api.EffectivePolicy;
import dev.herald.api.PeerStatus;
import dev.herald.api.Route;
import java.util.List;
import java.util.Optional;

/**
 * What the agent runs now, for the local status API and {@code bin/herald get}. Registered by the controller;
 * thread-safe; every call returns a fresh snapshot.
 */
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
}
