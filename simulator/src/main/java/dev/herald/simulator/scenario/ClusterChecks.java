package dev.herald.simulator.scenario;

import dev.herald.simulator.cluster.EmulatedCluster;
import dev.herald.simulator.scenario.Scenario.ExpectCondition;
import dev.herald.simulator.scenario.Scenario.ExpectEvent;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectReference;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The expectations a scenario checks in the cluster rather than at the peers: a BGPPolicy's per-node condition and
 * the Events about an object, as {@code kubectl describe} shows them. Each check returns null when it holds, else
 * what was seen.
 */
final class ClusterChecks {
    /** Events listed in a failure message, at most. */
    private static final int SHOWN = 5;

    private final EmulatedCluster cluster;

    ClusterChecks(EmulatedCluster cluster) {
        this.cluster = cluster;
    }

    @SuppressWarnings("unchecked")
    String condition(ExpectCondition c) {
        GenericKubernetesResource r = cluster.client().genericKubernetesResources(EmulatedCluster.BGP_POLICIES)
                .withName(c.policy()).get();
        if (r == null) {
            return "BGPPolicy " + c.policy() + " does not exist";
        }
        Object st = r.getAdditionalProperties().get("status");
        List<Object> conditions = st instanceof Map<?, ?> m && m.get("conditions") instanceof List<?> l
                ? (List<Object>) l : List.of();
        for (Object o : conditions) {
            Map<String, Object> cond = (Map<String, Object>) o;
            if (c.node().equals(cond.get("nodeName"))) {
                String message = String.valueOf(cond.get("message"));
                if (c.status().equals(cond.get("status")) && c.reason().equals(cond.get("reason"))
                        && c.message().stream().allMatch(message::contains)) {
                    return null;
                }
                return "node " + c.node() + " has " + cond.get("status") + " " + cond.get("reason") + ": " + message
                        + (c.message().isEmpty() ? "" : "\nexpected a message containing " + c.message());
            }
        }
        return "node " + c.node() + " has no condition in BGPPolicy " + c.policy();
    }

    String event(ExpectEvent e) {
        List<Event> about = cluster.client().v1().events().inAnyNamespace().list().getItems().stream()
                .filter(ev -> concerns(ev.getInvolvedObject(), e)).toList();
        for (Event ev : about) {
            String message = String.valueOf(ev.getMessage());
            if (e.reason().map(r -> r.equals(ev.getReason())).orElse(true)
                    && e.message().stream().allMatch(message::contains)) {
                return null;
            }
        }
        String object = e.kind() + " " + e.namespace().map(ns -> ns + "/").orElse("") + e.name();
        if (about.isEmpty()) {
            return "no Event about " + object;
        }
        StringBuilder seen = new StringBuilder(about.size() + " Event(s) about " + object + ", none with "
                + e.reason().map(r -> "reason " + r + " and ").orElse("") + "a message containing " + e.message()
                + ":");
        about.stream().limit(SHOWN).forEach(ev -> seen.append("\n").append(ev.getType()).append(" ")
                .append(ev.getReason()).append(": ").append(ev.getMessage()));
        return seen.toString();
    }

    private static boolean concerns(ObjectReference o, ExpectEvent e) {
        return o != null && e.kind().equals(o.getKind()) && e.name().equals(o.getName())
                && e.namespace().map(ns -> ns.equals(Objects.toString(o.getNamespace(), ""))).orElse(true);
    }
}
