package dev.herald.kube;

import dev.herald.api.NodeInfo;
import dev.herald.api.spi.ClusterWriter;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes to the API server on its own executor, so a slow or absent API server never holds up a reconcile: the
 * router-ID annotation as a JSON merge patch of the Node, and Events on the BGPPolicy and the Node. A failure is
 * logged and retried on the next call that needs it; it never fails the caller.
 */
public final class KubeClusterWriter implements ClusterWriter {
    private static final Logger LOG = LoggerFactory.getLogger(KubeClusterWriter.class);
    /** Cluster-scoped objects keep their Events in the default namespace. */
    private static final String EVENT_NAMESPACE = "default";

    private final KubernetesClient client;
    private final ExecutorService executor;
    private final Map<String, String> annotated = new ConcurrentHashMap<>();

    public KubeClusterWriter(KubernetesClient client, ExecutorService executor) {
        this.client = client;
        this.executor = executor;
    }

    @Override
    public void annotateRouterId(String node, String routerId) {
        if (routerId.equals(annotated.get(node))) {
            return; // already written; the informer will show it soon
        }
        annotated.put(node, routerId);
        executor.execute(() -> {
            try {
                String patch = "{\"metadata\":{\"annotations\":{\"" + NodeInfo.ROUTER_ID_ANNOTATION + "\":\""
                        + routerId + "\"}}}";
                client.nodes().withName(node).patch(PatchContext.of(PatchType.JSON_MERGE), patch);
                LOG.info("Annotated Node {} with {}={}", node, NodeInfo.ROUTER_ID_ANNOTATION, routerId);
            } catch (RuntimeException e) {
                annotated.remove(node, routerId);
                LOG.warn("Could not annotate Node {} with router ID {}: {}", node, routerId, e.getMessage());
            }
        });
    }

    @Override
    public void event(String policy, String node, boolean warning, String reason, String message) {
        executor.execute(() -> {
            if (policy != null) {
                create(new ObjectReferenceBuilder().withApiVersion("crd.antrea.io/v1alpha1").withKind("BGPPolicy")
                        .withName(policy).build(), warning, reason, message);
            }
            create(new ObjectReferenceBuilder().withApiVersion("v1").withKind("Node").withName(node).build(),
                    warning, reason, message);
        });
    }

    private void create(ObjectReference about, boolean warning, String reason, String message) {
        try {
            String now = Instant.now().toString();
            Event e = new EventBuilder().withNewMetadata()
                    .withName(about.getName() + "." + UUID.randomUUID().toString().substring(0, 8))
                    .withNamespace(EVENT_NAMESPACE).endMetadata()
                    .withInvolvedObject(about).withType(warning ? "Warning" : "Normal").withReason(reason)
                    .withMessage(message).withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
                    .withNewSource().withComponent("herald").endSource().build();
            client.v1().events().inNamespace(EVENT_NAMESPACE).resource(e).create();
        } catch (RuntimeException ex) {
            LOG.debug("Could not record Event {} on {} {}: {}", reason, about.getKind(), about.getName(),
                    ex.getMessage());
        }
    }
}
