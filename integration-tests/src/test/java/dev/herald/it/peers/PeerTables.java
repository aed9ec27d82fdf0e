package dev.herald.it.peers;

import dev.herald.bgp.message.Afi;
import dev.herald.simulator.peer.EmulatedPeer;
import dev.herald.simulator.peer.LearnedRoute;
import dev.herald.simulator.peer.SessionInfo;
import java.net.InetAddress;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** What an emulated peer holds from one agent, as the swap tests check it. */
public final class PeerTables {
    private PeerTables() {
    }

    /**
     * A session with {@code agent} (established after {@code after}, if given) sent its IPv4 End-of-RIB, and the
     * peer holds exactly {@code want} from it, none stale.
     */
    public static boolean freshAndExactly(EmulatedPeer peer, InetAddress agent, Set<String> want, Instant after) {
        Optional<SessionInfo> s = peer.session(agent);
        if (s.isEmpty() || s.get().establishedSince().isEmpty() || !s.get().endOfRibReceived().contains(Afi.IPV4)) {
            return false;
        }
        if (after != null && !s.get().establishedSince().get().isAfter(after)) {
            return false;
        }
        Map<String, LearnedRoute> table = peer.routesFrom(agent);
        return table.size() == want.size() && table.values().stream().noneMatch(LearnedRoute::stale)
                && table.keySet().equals(want);
    }
}
