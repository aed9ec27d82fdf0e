package dev.herald.kube;

import dev.herald.api.spi.StopMode;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import java.util.function.Function;

/**
 * Tells, as the agent's Pod is being stopped, whether a new Pod replaces it on this node or none does
 * (docs/deploy.md, "Upgrades without a flap"). The DaemonSet controller deletes a Pod in a rolling update only
 * after the DaemonSet's template changed, so a DaemonSet whose generation is newer than the Pod's
 * {@code pod-template-generation} label is rolling out and will start a Pod of the new generation here.
 * Anything else (the DaemonSet deleted, the node no longer selected or drained, the Pod deleted by hand) leaves no
 * agent behind at once, and peers had better drop the node's routes now.
 */
final class PodReplacement {
    /** The label the DaemonSet controller puts on each Pod: the DaemonSet generation of the Pod's template. */
    static final String TEMPLATE_GENERATION = "pod-template-generation";

    /** The decision and the reason, for the log. */
    record Decision(StopMode mode, String reason) {
    }

    private PodReplacement() {
    }

    /**
     * @param pod the agent's own Pod, or null when the API server no longer has it
     * @param daemonSets looks up a DaemonSet of the Pod's namespace by name (null when there is none)
     */
    static Decision decide(Pod pod, Function<String, DaemonSet> daemonSets) {
        if (pod == null) {
            return new Decision(StopMode.CEASE, "its Pod is gone from the API server");
        }
        OwnerReference owner = pod.getMetadata().getOwnerReferences().stream()
                .filter(o -> "DaemonSet".equals(o.getKind()) && Boolean.TRUE.equals(o.getController()))
                .findFirst().orElse(null);
        if (owner == null) {
            return new Decision(StopMode.CEASE, "its Pod is not run by a DaemonSet");
        }
        String label = pod.getMetadata().getLabels() == null ? null
                : pod.getMetadata().getLabels().get(TEMPLATE_GENERATION);
        DaemonSet ds = daemonSets.apply(owner.getName());
        if (ds == null || ds.getMetadata().getDeletionTimestamp() != null
                || !owner.getUid().equals(ds.getMetadata().getUid())) {
            return new Decision(StopMode.CEASE, "DaemonSet " + owner.getName() + " is being removed");
        }
        long podGeneration;
        try {
            podGeneration = Long.parseLong(label);
        } catch (NumberFormatException e) {
            return new Decision(StopMode.CEASE, "its Pod has no " + TEMPLATE_GENERATION + " label to compare");
        }
        Long dsGeneration = ds.getMetadata().getGeneration();
        if (dsGeneration != null && dsGeneration > podGeneration) {
            return new Decision(StopMode.GRACEFUL_RESTART, "DaemonSet " + owner.getName() + " rolls out generation "
                    + dsGeneration + " (this Pod runs generation " + podGeneration + ")");
        }
        return new Decision(StopMode.CEASE, "DaemonSet " + owner.getName() + " is unchanged (generation "
                + podGeneration + "): the Pod is removed from this node, not replaced");
    }
}
