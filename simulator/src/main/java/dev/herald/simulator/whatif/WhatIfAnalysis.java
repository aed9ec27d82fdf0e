package dev.herald.simulator.whatif;

import dev.herald.api.Advertisements;
import dev.herald.api.BgpPeerSpec;
import dev.herald.api.BgpPolicy;
import dev.herald.api.NodeInfo;
import dev.herald.api.Route;
import dev.herald.api.spi.RouteSource;
import dev.herald.controller.PolicyElection;
import dev.herald.simulator.whatif.ClusterSnapshot.PolicyMeta;
import dev.herald.source.egress.EgressRouteSource;
import dev.herald.source.pod.PodRouteSource;
import dev.herald.source.service.ServiceRouteSource;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Computes, for every Node of a {@link ClusterSnapshot}, what its agent does now and what it would do with a
 * candidate BGPPolicy applied. Nothing here decides a rule itself: the election is the controller's
 * {@link PolicyElection}, the routes are those of Herald's three route sources, and peers and routes of a family the
 * Node does not run are dropped as the reconciler drops them.
 */
public final class WhatIfAnalysis {
    private WhatIfAnalysis() {
    }

    /** The policy as it would stand once applied: see {@link #admit(CandidatePolicy, ClusterSnapshot, Instant)}. */
    public static WhatIfReport analyse(ClusterSnapshot cluster, CandidatePolicy candidate) throws WhatIfException {
        return analyse(cluster, candidate, Instant.now());
    }

    static WhatIfReport analyse(ClusterSnapshot cluster, CandidatePolicy candidate, Instant now)
            throws WhatIfException {
        BgpPolicy policy = admit(candidate, cluster, now);
        boolean replaces = cluster.policyCreation().containsKey(candidate.name());
        List<BgpPolicy> inForce = cluster.bgpPolicies();
        List<BgpPolicy> withCandidate = new ArrayList<>();
        for (BgpPolicy p : inForce) {
            if (!p.name().equals(policy.name())) {
                withCandidate.add(p);
            }
        }
        withCandidate.add(policy);
        List<NodeOutcome> outcomes = new ArrayList<>();
        try (ServiceRouteSource services = new ServiceRouteSource(cluster);
             EgressRouteSource egresses = new EgressRouteSource(cluster);
             PodRouteSource pods = new PodRouteSource(cluster)) {
            List<RouteSource> sources = List.of(services, egresses, pods);
            for (NodeInfo node : cluster.nodes()) {
                Optional<BgpPolicy> a = PolicyElection.effective(inForce, node);
                Optional<BgpPolicy> b = PolicyElection.effective(withCandidate, node);
                outcomes.add(new NodeOutcome(node, a, b, policy.spec().nodeSelector().matches(node.labels()),
                        peers(a, node), peers(b, node), routes(a, node, sources), routes(b, node, sources)));
            }
        }
        return new WhatIfReport(cluster.apiServer(), policy, candidate.source(), replaces,
                cluster.invalidPolicies().get(policy.name()), inForce, cluster.invalidPolicies(), outcomes);
    }

    /**
     * The candidate as the cluster would hold it once applied: replacing an object of the same name keeps that
     * object's creation time (so its place in the election) and bumps its generation; a new object is the newest
     * of all (created now, and after every policy there, whatever the clocks say).
     */
    static BgpPolicy admit(CandidatePolicy candidate, ClusterSnapshot cluster, Instant now) throws WhatIfException {
        PolicyMeta existing = cluster.policyCreation().get(candidate.name());
        if (existing != null) {
            return candidate.toPolicy(existing.creationTimestamp(), existing.generation() + 1);
        }
        Instant created = now.truncatedTo(ChronoUnit.SECONDS); // an API server's timestamps have seconds only
        for (PolicyMeta m : cluster.policyCreation().values()) {
            Instant after = m.creationTimestamp().plus(Duration.ofSeconds(1));
            if (!created.isAfter(m.creationTimestamp())) {
                created = after;
            }
        }
        return candidate.toPolicy(created, 1);
    }

    /** The peers the policy configures on this Node: those of the Node's families (BgpPolicyReconciler). */
    static List<BgpPeerSpec> peers(Optional<BgpPolicy> policy, NodeInfo node) {
        if (policy.isEmpty()) {
            return List.of();
        }
        return policy.get().spec().bgpPeers().stream().filter(p -> node.hasFamilyOf(p.address())).toList();
    }

    /** The routes the Node advertises under the policy: every source's, of the Node's families. */
    static List<Route> routes(Optional<BgpPolicy> policy, NodeInfo node, List<RouteSource> sources) {
        if (policy.isEmpty()) {
            return List.of();
        }
        Advertisements ads = policy.get().spec().advertisements();
        Set<Route> out = new HashSet<>();
        for (RouteSource s : sources) {
            for (Route r : s.routes(node, ads)) {
                if (node.hasFamilyOf(r.prefix())) {
                    out.add(r);
                }
            }
        }
        return List.copyOf(out);
    }
}
