package dev.herald.backend.nativebgp;

import dev.herald.api.BfdSettings;
import dev.herald.api.PeerConfig;
import dev.herald.api.PeerKey;
import dev.herald.bfd.packet.BfdState;
import dev.herald.bfd.session.BfdParameters;
import dev.herald.bfd.session.StateChange;
import dev.herald.bfd.transport.BfdEndpointConfig;
import dev.herald.bfd.transport.BfdSession;
import dev.herald.bfd.transport.BfdSessions;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * BFD beside the BGP sessions of one server (docs/bfd.md): one endpoint, opened when the first peer asks for BFD and
 * closed with the server, and one BFD session per such peer. BGP does not wait for BFD: a session runs whether or
 * not BFD is Up; when BFD goes from Up to Down because the peer stopped answering (or said so), the peer's BGP
 * session is reset at once. A peer that takes its BFD session administratively down (RFC 5882 §3.2) is not a
 * failure, and nothing is reset.
 */
final class BfdLink implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BfdLink.class);
    private final BfdEndpointConfig endpointConfig;
    private final Map<PeerKey, BfdSession> sessions = new ConcurrentHashMap<>();
    private BfdSessions endpoint;

    BfdLink(BfdEndpointConfig endpointConfig) {
        this.endpointConfig = endpointConfig;
    }

    /**
     * Starts BFD for {@code peer} when its config asks for it (else nothing), sending from {@code local} when
     * given; {@code failed} runs on the BFD event loop when the peer is found down.
     */
    synchronized void add(PeerConfig peer, Optional<InetAddress> local, Consumer<StateChange> failed)
            throws IOException {
        BfdSettings b = peer.bfd();
        if (!b.enabled()) {
            return;
        }
        if (endpoint == null) {
            endpoint = BfdSessions.open(endpointConfig);
            LOG.info("BFD endpoint open on {} ({})", endpoint.listenAddresses(), endpoint.transportName());
        }
        Duration tx = Duration.ofMillis(b.minTransmitIntervalMilliseconds());
        Duration rx = Duration.ofMillis(b.minReceiveIntervalMilliseconds());
        // RFC 5883 when the peer is more than one hop away, as multihopTTL says
        BfdParameters params = peer.multihopTtl() > 1 ? BfdParameters.multihop(tx, rx, b.detectionMultiplier())
                : BfdParameters.singleHop(tx, rx, b.detectionMultiplier());
        String name = peer.key().toString();
        BfdSession s = endpoint.add(peer.key().address().toInetAddress(), local, params, change -> {
            LOG.info("BFD session with {}: {} -> {} ({})", name, change.from(), change.to(), change.diagnostic());
            if (peerFailed(change)) {
                failed.accept(change);
            }
        });
        BfdSession old = sessions.put(peer.key(), s);
        if (old != null) {
            old.close();
        }
    }

    /** Ends the peer's BFD session (AdminDown), if it has one. */
    synchronized void remove(PeerKey key) {
        BfdSession s = sessions.remove(key);
        if (s != null) {
            s.close();
        }
    }

    /** The peer's BFD state, if it runs BFD. */
    Optional<dev.herald.api.BfdState> state(PeerKey key) {
        BfdSession s = sessions.get(key);
        return s == null ? Optional.empty() : Optional.of(apiState(s.state()));
    }

    /** Up to Down for a reason other than the peer's administrative shutdown. */
    static boolean peerFailed(StateChange c) {
        return c.from() == BfdState.UP && c.to() == BfdState.DOWN && !c.remoteAdminDown();
    }

    static dev.herald.api.BfdState apiState(BfdState s) {
        return switch (s) {
            case ADMIN_DOWN -> dev.herald.api.BfdState.ADMIN_DOWN;
            case DOWN -> dev.herald.api.BfdState.DOWN;
            case INIT -> dev.herald.api.BfdState.INIT;
            case UP -> dev.herald.api.BfdState.UP;
        };
    }

    /** Every session AdminDown, then the endpoint closes. */
    @Override
    public synchronized void close() {
        sessions.clear();
        if (endpoint != null) {
            endpoint.close();
            endpoint = null;
        }
    }
}
