package dev.herald.kube;

import dev.herald.api.EgressInfo;
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
 * agent watches only its own Node, so it looks the named one up once per Egress and Node named, off the informer's
 * thread; the Event's name makes every agent's report the same one ({@link KubeClusterWriter#inputProblem}).
 */
final class EgressNodeCheck {
    private final InputReports reports;
    private final Executor executor;
    /** Whether a Node of that name exists (a GET); throws when the API server cannot say. */
    private final Predicate<String> nodeExists;
    /** Per Egress, the Node name last looked up: one lookup per change, not per event. */
    private final Map<String, String> looked = new ConcurrentHashMap<>();

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
            executor.execute(() -> {
                try {
                    reports.about(about, InputReports.Reason.UNKNOWN_NODE, nodeExists.test(target) ? List.of()
                            : List.of("status.egressNode '" + target + "' names no Node: status.egressIP "
                            + egress.egressIp().map(Object::toString).orElse("(none)") + " is advertised by no Node"));
                } catch (RuntimeException e) {
                    looked.remove(egress.name(), target); // look again on the Egress's next event
                }
            });
        } catch (RejectedExecutionException e) {
            looked.remove(egress.name(), target); // the informers are closing
        }
    }

    void gone(String egress) {
        looked.remove(egress);
    }
}
