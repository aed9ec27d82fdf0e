package dev.herald.backend.nativebgp;

import dev.herald.bgp.message.Prefix;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * One peer's Adj-RIB-Out and what is still to be sent to it. {@link #advertised} is what the peer holds from us;
 * the two pending sets are the difference still to send. Confined to the server's event loop.
 */
final class PeerRib {
    final Set<Prefix> advertised = new HashSet<>();
    final LinkedHashSet<Prefix> toAnnounce = new LinkedHashSet<>();
    final LinkedHashSet<Prefix> toWithdraw = new LinkedHashSet<>();
    /** Prefixes the peer announces to us: counted, never installed. */
    final Set<Prefix> received = new HashSet<>();
    boolean endOfRibSent;

    void announce(Prefix p) {
        toWithdraw.remove(p);
        if (!advertised.contains(p)) {
            toAnnounce.add(p);
        }
    }

    void withdraw(Prefix p) {
        toAnnounce.remove(p);
        if (advertised.contains(p)) {
            toWithdraw.add(p);
        }
    }

    boolean idle() {
        return toAnnounce.isEmpty() && toWithdraw.isEmpty();
    }

    /** The session ended: the peer no longer holds anything from us (or keeps it as stale, its business). */
    void reset() {
        advertised.clear();
        toAnnounce.clear();
        toWithdraw.clear();
        received.clear();
        endOfRibSent = false;
    }
}
