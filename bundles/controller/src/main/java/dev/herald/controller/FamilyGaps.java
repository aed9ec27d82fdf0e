package dev.herald.controller;

import dev.herald.api.PeerKey;
import dev.herald.api.Route;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the effective policy asks of a Node that the Node cannot do for lack of an address family or of Pod CIDRs
 * (docs/bgp-policy.md, Behaviour §1): peers and routes of a family the Node does not run are left out, as Antrea does,
 * and {@code advertisements.pod} on a Node without {@code spec.podCIDRs} has nothing to advertise. Leaving them out is
 * right; leaving them out without a word is not (an IPv6 externalIP in an IPv4-only cluster is never advertised),
 * so the policy's condition names them (docs/robustness.md, "Hostile cluster input"). Routes are kept by owner, as
 * the reconciler's incremental passes see them; not thread-safe (the reconciler's loop thread).
 */
final class FamilyGaps {
    /** Routes named in the condition, at most; the rest are counted. */
    static final int NAMED = 3;

    private final Map<String, Set<Route>> routesByOwner = new HashMap<>();
    private List<PeerKey> peers = List.of();
    private boolean podWithoutCidrs;

    void clear() {
        routesByOwner.clear();
        peers = List.of();
        podWithoutCidrs = false;
    }

    /** The policy's peers of a family the Node does not run. */
    void peers(List<PeerKey> keys) {
        peers = List.copyOf(keys);
    }

    /** Whether the policy advertises Pod CIDRs on a Node that has none. */
    void podWithoutCidrs(boolean b) {
        podWithoutCidrs = b;
    }

    /** Every owner's left-out routes at once (a full pass), keyed as the reconciler keys owners. */
    void routes(Map<String, Set<Route>> byOwner) {
        routesByOwner.clear();
        byOwner.forEach(this::routes);
    }

    /** One owner's left-out routes (an incremental pass); none removes the owner. */
    void routes(String ownerKey, Set<Route> routes) {
        if (routes.isEmpty()) {
            routesByOwner.remove(ownerKey);
        } else {
            routesByOwner.put(ownerKey, Set.copyOf(routes));
        }
    }

    /** What the condition adds, or an empty text when nothing is left out. */
    String describe() {
        List<String> parts = new ArrayList<>();
        if (!peers.isEmpty()) {
            parts.add(peers.size() + " peer(s) of a family this Node does not run left out (no InternalIP of that "
                    + "family in status.addresses): " + peers);
        }
        if (!routesByOwner.isEmpty()) {
            TreeSet<Route> all = new TreeSet<>(Route.ORDER);
            routesByOwner.values().forEach(all::addAll);
            List<String> named = all.stream().limit(NAMED).map(Route::toString).toList();
            parts.add(all.size() + " route(s) of a family this Node does not run not advertised: "
                    + String.join(", ", named) + (all.size() > NAMED ? ", ..." : ""));
        }
        if (podWithoutCidrs) {
            parts.add("advertisements.pod: this Node has no usable spec.podCIDRs to advertise");
        }
        return String.join("; ", parts);
    }
}
