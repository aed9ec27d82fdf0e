package dev.herald.simulator.cluster;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.util.Map;

/** The defaults of the BGPPolicy CRD's schema, which a real API server fills in and the mock does not. */
final class CrdDefaults {
    private CrdDefaults() {
    }

    /** Fills in what the schema defaults; true when something was added. */
    static boolean bgpPolicy(GenericKubernetesResource r) {
        Map<String, Object> spec = ClusterDispatcher.map(r.getAdditionalProperties(), "spec");
        boolean changed = spec.putIfAbsent("listenPort", 179) == null;
        if (spec.get("bgpPeers") instanceof java.util.List<?> peers) {
            for (Object o : peers) {
                if (o instanceof Map<?, ?>) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> p = (Map<String, Object>) o;
                    changed |= p.putIfAbsent("port", 179) == null;
                    changed |= p.putIfAbsent("multihopTTL", 1) == null;
                    changed |= p.putIfAbsent("gracefulRestartTimeSeconds", 120) == null;
                }
            }
        }
        return changed;
    }
}
