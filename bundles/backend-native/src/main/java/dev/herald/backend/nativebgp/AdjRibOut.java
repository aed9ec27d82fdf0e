package dev.herald.backend.nativebgp;

import dev.herald.bgp.message.Prefix;
import java.util.LinkedHashSet;

/**
 * One peer's Adj-RIB-Out and what is still to be sent to it. {@link #advertised} is what the peer holds from us;
 * the two pending sets are the difference still to send. Confined to the server's event loop.
 */
final class AdjRibOut {
    final PrefixTable<Void> advertised = PrefixTable.set();
    LinkedHashSet<Prefix> toAnnounce = new LinkedHashSet<>();
    LinkedHashSet<Prefix> toWithdraw = new LinkedHashSet<>();
    /** Prefixes the peer announces to us: counted, never installed. */
    final PrefixTable<Void> received = PrefixTable.set();
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

    /** Once everything is sent, drops the pending sets' tables, which do not shrink by themselves. */
    void compact() {
        if (toAnnounce.isEmpty()) {
            toAnnounce = new LinkedHashSet<>();
        }
        if (toWithdraw.isEmpty()) {
            toWithdraw = new LinkedHashSet<>();
        }
    }

    /** The session ended: the peer no longer holds anything from us (or keeps it as stale, its business). */
    void reset() {
        advertised.clear();
        toAnnounce = new LinkedHashSet<>();
        toWithdraw = new LinkedHashSet<>();
        received.clear();
        endOfRibSent = false;
    }
}
