package dev.herald.simulator.peer;

import dev.herald.bgp.message.Afi;
import dev.herald.bgp.session.FsmState;
import java.net.InetAddress;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * One remote speaker an emulated peer has met (sent it an OPEN), and its session now.
 *
 * @param remoteAsn the AS of the remote's last OPEN
 * @param remoteRouterId the BGP identifier of the remote's last OPEN, dotted
 * @param establishedSince while Established
 * @param families the unicast families of the last Established session
 * @param endOfRibReceived the families the remote has sent End-of-RIB for on this session
 * @param gracefulRestart both sides advertised graceful restart on the last session
 * @param staleRoutes routes kept from an earlier session, waiting for End-of-RIB or the restart timer
 */
public record SessionInfo(InetAddress remote, long remoteAsn, String remoteRouterId, FsmState state,
                          Optional<Instant> establishedSince, Set<Afi> families, Set<Afi> endOfRibReceived,
                          boolean gracefulRestart, int staleRoutes) {
    public SessionInfo {
        families = Set.copyOf(families);
        endOfRibReceived = Set.copyOf(endOfRibReceived);
    }

    /** How the emulated peer tells this remote from others: its address, with the router ID on {@code ::1}. */
    public RemoteId id() {
        return RemoteId.identity(remote, remoteRouterId);
    }
}
