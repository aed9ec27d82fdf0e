package dev.herald.simulator.peer;

import java.net.InetAddress;
import java.time.Instant;
import java.util.List;

/**
 * A route an emulated peer holds, as its last UPDATE gave it.
 *
 * @param prefix {@code 10.96.0.10/32} or {@code fd00:10:96::a/128} (RFC 5952)
 * @param nextHop NEXT_HOP, or the MP_REACH_NLRI next hop (the global one when a link-local follows)
 * @param asPath the AS_PATH's numbers in order, AS4_PATH merged in when the session had 2-octet ASNs
 * @param fromAddress the remote speaker's session address
 * @param fromRouterId the remote's BGP identifier, dotted
 * @param fromAsn the remote's AS
 * @param receivedAt when the UPDATE arrived
 * @param stale kept across the remote's graceful restart (RFC 4724) and not yet announced again
 */
public record LearnedRoute(String prefix, InetAddress nextHop, List<Long> asPath, InetAddress fromAddress,
                           String fromRouterId, long fromAsn, Instant receivedAt, boolean stale) {
    public LearnedRoute {
        asPath = List.copyOf(asPath);
    }

    LearnedRoute asStale() {
        return stale ? this : new LearnedRoute(prefix, nextHop, asPath, fromAddress, fromRouterId, fromAsn,
                receivedAt, true);
    }

    @Override
    public String toString() {
        return prefix + " via " + (nextHop == null ? "?" : AddressText.of(nextHop)) + " path " + asPath + " from "
                + AddressText.of(fromAddress) + " (" + fromRouterId + ")" + (stale ? " (stale)" : "");
    }
}
