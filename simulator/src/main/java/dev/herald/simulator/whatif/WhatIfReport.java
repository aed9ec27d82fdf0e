package dev.herald.simulator.whatif;

import dev.herald.api.BgpPolicy;
import java.util.List;
import java.util.Map;

/**
 * The result of a what-if: the candidate as it would stand once applied, and every Node now and with it.
 *
 * @param apiServer the cluster read
 * @param candidate the candidate policy, with the creation time it would have
 * @param source where the candidate was read from
 * @param replaces an object of the same name exists and the candidate replaces it
 * @param replacedInvalid the replaced object is invalid today (its message), or null
 * @param inForce the valid BGPPolicies in the cluster now
 * @param invalid the invalid BGPPolicies in the cluster now (ignored by every agent), name to message
 * @param nodes every Node, by name
 */
public record WhatIfReport(String apiServer, BgpPolicy candidate, String source, boolean replaces,
                           String replacedInvalid, List<BgpPolicy> inForce, Map<String, String> invalid,
                           List<NodeOutcome> nodes) {
    public WhatIfReport {
        inForce = inForce.stream().sorted(BgpPolicy.AGE_ORDER).toList();
        invalid = Map.copyOf(invalid);
        nodes = List.copyOf(nodes);
    }

    /** The Nodes the candidate would be effective on. */
    public List<NodeOutcome> effectiveOn() {
        return nodes.stream().filter(n -> n.whatIf().map(p -> p.name().equals(candidate.name())).orElse(false))
                .toList();
    }

    /** The Nodes the candidate selects where an older policy stays effective. */
    public List<NodeOutcome> losesOn() {
        return nodes.stream().filter(n -> n.candidateLoses(candidate.name())).toList();
    }

    /** The Nodes where anything would change. */
    public List<NodeOutcome> changed() {
        return nodes.stream().filter(NodeOutcome::changes).toList();
    }
}
