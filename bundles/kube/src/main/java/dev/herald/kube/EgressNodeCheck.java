package dev.herald.kube;

import dev.herald.api.EgressInfo;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Predicate;

/**
 * An Egress whose {@code status.egressNode} names a Node that does not exist: only that Node would advertise its IP,
 * so no Node does. Nothing is wrong with the routes (an IP no Node holds must not be advertised), but the user is
 * told, with a Warning Event on the Egress that names the field (docs/robustness.md, "Hostile cluster input"). An
 * agent watches only its own Node, so it looks the named one up, off the informer's thread: once per Egress and
 * Node named, and at most once per {@link #FRESH} for a Node found to exist, so that the usual case (Egresses held
 * by a few gateway Nodes) costs each agent a handful of requests, not one per Egress. The Event's name makes every
 * agent's report the same one ({@link KubeClusterWriter#inputProblem}).
 */
final class EgressNodeCheck {
    /** How long a Node found to exist is taken to exist without asking again. */
    static final Duration FRESH = Duration.ofMinutes(10);

    private final InputReports reports;
    private final Executor executor;
    /** Whether a Node of that name exists (a GET); throws when the API server cannot say. */
    private final Predicate<String> nodeExists;
    /** Per Egress, the Node name last looked up: one lookup per change, not per event. */
    private final Map<String, String> looked = new ConcurrentHashMap<>();
    /** Node names found to exist, and when (nanoTime); one entry per Node an Egress names. */
    private final Map<String, Long> existing = new ConcurrentHashMap<>();

    /** @param executor one thread: its tasks run one after another, so a Node is looked up once, not per Egress */
    EgressNodeCheck(InputReports reports, Executor executor, Predicate<String> nodeExists) {
        this.reports = reports;
        this.executor = executor;
        this.nodeExists = nodeExists;
    }

    /** An Egress as the informer delivered it; {@code knownNode} says which Nodes this agent has seen itself. */
    void seen(InputReports.About about, EgressInfo egress, Predicate<String> knownNode) {
        String target = egress.egressNode().orElse(null);
        if (target == null || knownNode.test(target)) {
            looked.remove(egress.name());
            reports.about(about, InputReports.Reason.UNKNOWN_NODE, List.of());
            return;
        }
        if (target.equals(looked.put(egress.name(), target))) {
            return;
        }
        try {
            executor.execute(() -> check(about, egress, target));
        } catch (RejectedExecutionException e) {
            looked.remove(egress.name(), target); // the informers are closing
        }
    }

    private void check(InputReports.About about, EgressInfo egress, String target) {
        long now = System.nanoTime();
        Long confirmed = existing.get(target);
        boolean exists;
        if (confirmed != null && now - confirmed < FRESH.toNanos()) {
            exists = true;
        } else {
            try {
                exists = nodeExists.test(target);
            } catch (RuntimeException e) {
                looked.remove(egress.name(), target); // look again on the Egress's next event
                return;
            }
            existing.values().removeIf(t -> now - t >= FRESH.toNanos());
            if (exists) {
                existing.put(target, now);
            } else {
                existing.remove(target);
            }
        }
        reports.about(about, InputReports.Reason.UNKNOWN_NODE, exists ? List.of()
                : List.of("status.egressNode '" + target + "' names no Node: status.egressIP "
                + egress.egressIp().map(Object::toString).orElse("(none)") + " is advertised by no Node"));
    }

    void gone(String egress) {
        looked.remove(egress);
    }
}
