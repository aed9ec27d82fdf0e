package dev.herald.backend.gobgp;

import dev.herald.api.PeerConfig;
import dev.herald.api.PeerKey;
import dev.herald.api.Route;
import inet.ipaddr.IPAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Herald's view of one gobgpd: the peers added and not removed, the routes advertised and not withdrawn, and the
 * prefixes whose state in gobgpd a failed call left unknown. It decides what a call must send (a repeat sends
 * nothing, an unknown prefix is sent again) and is what a restarted daemon is given. Reads ({@link #peers()},
 * {@link #routes()}) may run at any time; changes are made under the server's lock.
 */
final class GobgpView {
    private final Map<PeerKey, PeerConfig> peers = new ConcurrentHashMap<>();
    private final Map<IPAddress, Route> routes = new ConcurrentHashMap<>();
    /** Prefixes a failed call may or may not have changed in gobgpd; guarded by the server's lock. */
    private final Set<IPAddress> uncertain = new HashSet<>();

    /** A batch by prefix, the last route of a prefix winning. */
    static Map<IPAddress, Route> byPrefix(Collection<Route> batch) {
        Map<IPAddress, Route> out = new LinkedHashMap<>();
        for (Route r : batch) {
            out.put(r.prefix(), r);
        }
        return out;
    }

    PeerConfig peer(PeerKey key) {
        return peers.get(key);
    }

    Collection<PeerConfig> peers() {
        return peers.values();
    }

    void put(PeerConfig peer) {
        peers.put(peer.key(), peer);
    }

    /** True if the view had the peer. */
    boolean remove(PeerKey key) {
        return peers.remove(key) != null;
    }

    /** Another peer of the view at the same address: goBGP keys peers by address, so both cannot be there. */
    Optional<PeerKey> sameAddress(PeerKey key) {
        return peers.keySet().stream().filter(k -> !k.equals(key) && k.address().equals(key.address())).findFirst();
    }

    Set<Route> routes() {
        return Set.copyOf(routes.values());
    }

    /** Every prefix advertised, for a daemon that has none. */
    List<IPAddress> prefixes() {
        return new ArrayList<>(routes.keySet());
    }

    /** Of {@code prefixes}, those an advertise (or withdraw) must send: not yet so in gobgpd, or not known to be. */
    List<IPAddress> toSend(Collection<IPAddress> prefixes, boolean withdraw) {
        List<IPAddress> send = new ArrayList<>();
        for (IPAddress p : prefixes) {
            if (routes.containsKey(p) == withdraw || uncertain.contains(p)) {
                send.add(p);
            }
        }
        return send;
    }

    /** Before a call: its prefixes are unknown until it succeeds. */
    void uncertain(List<IPAddress> prefixes) {
        uncertain.addAll(prefixes);
    }

    /** After a call that succeeded. */
    void certain(List<IPAddress> prefixes) {
        prefixes.forEach(uncertain::remove); // not removeAll: with a list argument it is quadratic
    }

    /** A daemon that was just given the whole view holds exactly it. */
    void clearUncertain() {
        uncertain.clear();
    }

    /** Records an advertise (which also refreshes type and owner of prefixes advertised) or a withdraw. */
    void apply(Map<IPAddress, Route> byPrefix, boolean withdraw) {
        if (withdraw) {
            byPrefix.keySet().forEach(routes::remove);
        } else {
            routes.putAll(byPrefix);
        }
    }

    void clear() {
        peers.clear();
        routes.clear();
        uncertain.clear();
    }

    /** "N peers and M routes", for the log. */
    String summary() {
        return peers.size() + " peers and " + routes.size() + " routes";
    }
}
