package dev.herald.kube;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The fields of a BGPPolicy that Herald does not know. A real API server prunes fields its CRD schema does not
 * declare (and kubectl warns about them); one that does not (no schema, an older CRD, the test mock) hands them to
 * the agent, where they would be ignored without a word: a typo such as {@code listenPrt} would quietly leave the
 * default in place. They are named in an {@code UnknownField} Event instead (docs/bgp-policy.md, §1). Unknown fields
 * do not make a policy invalid: a newer CRD may add fields this agent does not know yet.
 */
final class BgpPolicyFields {
    /** Unknown fields named, at most; a policy with more says how many were left out. */
    static final int LISTED = 20;

    private static final Set<String> TOP = Set.of("apiVersion", "kind", "metadata", "spec", "status");
    private static final Set<String> SPEC = Set.of("nodeSelector", "localASN", "listenPort", "confederation",
            "advertisements", "bgpPeers");
    private static final Set<String> SELECTOR = Set.of("matchLabels", "matchExpressions");
    private static final Set<String> EXPRESSION = Set.of("key", "operator", "values");
    private static final Set<String> CONFEDERATION = Set.of("identifier", "memberASNs");
    private static final Set<String> ADVERTISEMENTS = Set.of("service", "pod", "egress");
    private static final Set<String> SERVICE = Set.of("ipTypes");
    private static final Set<String> PEER = Set.of("address", "port", "asn", "multihopTTL",
            "gracefulRestartTimeSeconds", "holdTimeSeconds", "keepaliveIntervalSeconds", "connectRetrySeconds",
            "gracefulRestartEnabled", "bfd");
    private static final Set<String> BFD = Set.of("enabled", "minReceiveIntervalMilliseconds",
            "minTransmitIntervalMilliseconds", "detectionMultiplier");

    private BgpPolicyFields() {
    }

    /**
     * The paths of unknown fields in a BGPPolicy object ({@code apiVersion}, {@code kind}, {@code metadata},
     * {@code spec}, {@code status} at the top), at most {@value #LISTED} of them and then a count of the rest. Parts
     * of the wrong type are left to the parser, which refuses them.
     */
    static List<String> unknown(Map<String, Object> object) {
        Found found = new Found();
        check(object, TOP, "", found);
        if (object.get("spec") instanceof Map<?, ?> spec) {
            check(spec, SPEC, "spec.", found);
            if (spec.get("nodeSelector") instanceof Map<?, ?> sel) {
                check(sel, SELECTOR, "spec.nodeSelector.", found);
                each(sel.get("matchExpressions"), EXPRESSION, "spec.nodeSelector.matchExpressions", found);
            }
            if (spec.get("confederation") instanceof Map<?, ?> c) {
                check(c, CONFEDERATION, "spec.confederation.", found);
            }
            if (spec.get("advertisements") instanceof Map<?, ?> ads) {
                check(ads, ADVERTISEMENTS, "spec.advertisements.", found);
                if (ads.get("service") instanceof Map<?, ?> svc) {
                    check(svc, SERVICE, "spec.advertisements.service.", found);
                }
                // pod: {} and egress: {} switch their routes on; they have no fields
                if (ads.get("pod") instanceof Map<?, ?> pod) {
                    check(pod, Set.of(), "spec.advertisements.pod.", found);
                }
                if (ads.get("egress") instanceof Map<?, ?> egress) {
                    check(egress, Set.of(), "spec.advertisements.egress.", found);
                }
            }
            if (spec.get("bgpPeers") instanceof List<?> peers && peers.size() <= BgpPolicyParser.MAX_PEERS) {
                each(peers, PEER, "spec.bgpPeers", found);
                for (int i = 0; i < peers.size(); i++) {
                    if (peers.get(i) instanceof Map<?, ?> p && p.get("bfd") instanceof Map<?, ?> bfd) {
                        check(bfd, BFD, "spec.bgpPeers[" + i + "].bfd.", found);
                    }
                }
            }
        }
        if (found.more > 0) {
            found.paths.add("and " + found.more + " more");
        }
        return found.paths;
    }

    private static void each(Object list, Set<String> known, String path, Found found) {
        if (list instanceof List<?> l) {
            for (int i = 0; i < l.size(); i++) {
                if (l.get(i) instanceof Map<?, ?> m) {
                    check(m, known, path + "[" + i + "].", found);
                }
            }
        }
    }

    private static void check(Map<?, ?> m, Set<String> known, String prefix, Found found) {
        for (Object k : m.keySet()) {
            if (!known.contains(String.valueOf(k))) {
                if (found.paths.size() < LISTED) {
                    found.paths.add(prefix + k);
                } else {
                    found.more++;
                }
            }
        }
    }

    private static final class Found {
        final List<String> paths = new ArrayList<>();
        int more;
    }
}
