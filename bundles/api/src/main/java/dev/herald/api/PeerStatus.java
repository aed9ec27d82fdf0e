package dev.herald.api;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A snapshot of one peer's session, as a backend reports it.
 *
 * @param config the peer as configured
 * @param state the session's FSM state
 * @param establishedSince when the session last reached Established; empty unless it is Established now
 * @param messagesSent BGP messages sent on this peer's sessions since it was added
 * @param messagesReceived BGP messages received since it was added
 * @param prefixesSent prefixes currently advertised to the peer (its Adj-RIB-Out size)
 * @param prefixesReceived prefixes the peer currently advertises to us (counted, not installed)
 * @param counters messages by type, NOTIFICATIONs by code, Established transitions (since 1.1)
 * @param negotiatedHoldTimeSeconds the hold time the Established session runs with (0: none); empty when it is not
 *     Established (since 1.2)
 * @param bfd the BFD session's state; empty when the peer runs no BFD (since 1.2)
 */
@ProviderType
public record PeerStatus(PeerConfig config, SessionState state, Optional<Instant> establishedSince,
                         long messagesSent, long messagesReceived, long prefixesSent, long prefixesReceived,
                         PeerCounters counters, OptionalInt negotiatedHoldTimeSeconds, Optional<BfdState> bfd) {
    public PeerStatus {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(establishedSince, "establishedSince");
        Objects.requireNonNull(counters, "counters");
        Objects.requireNonNull(negotiatedHoldTimeSeconds, "negotiatedHoldTimeSeconds");
        Objects.requireNonNull(bfd, "bfd");
    }

    /** A status without hold time or BFD state, as in 1.1. */
    public PeerStatus(PeerConfig config, SessionState state, Optional<Instant> establishedSince, long messagesSent,
                      long messagesReceived, long prefixesSent, long prefixesReceived, PeerCounters counters) {
        this(config, state, establishedSince, messagesSent, messagesReceived, prefixesSent, prefixesReceived,
                counters, OptionalInt.empty(), Optional.empty());
    }

    /** A status without {@link PeerCounters}, as before 1.1. */
    public PeerStatus(PeerConfig config, SessionState state, Optional<Instant> establishedSince, long messagesSent,
                      long messagesReceived, long prefixesSent, long prefixesReceived) {
        this(config, state, establishedSince, messagesSent, messagesReceived, prefixesSent, prefixesReceived,
                PeerCounters.NONE);
    }

    public PeerKey key() {
        return config.key();
    }

    /** How long the session has been Established at {@code now}; zero when it is not. */
    public Duration uptime(Instant now) {
        return establishedSince.map(t -> Duration.between(t, now)).filter(d -> !d.isNegative())
                .orElse(Duration.ZERO);
    }
}
