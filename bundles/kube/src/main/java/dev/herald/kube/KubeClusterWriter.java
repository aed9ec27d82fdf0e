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
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes to the API server on its own executor, so a slow or absent API server never holds up a reconcile: the
 * router-ID annotation as a JSON merge patch of the Node, Events on the BGPPolicy and the Node, and Events on objects
 * with values Herald cannot use ({@link InputReports}). A failure is
 * logged and retried on the next call that needs it; it never fails the caller.
 */
public final class KubeClusterWriter implements ClusterWriter {
    private static final Logger LOG = LoggerFactory.getLogger(KubeClusterWriter.class);
    /** Cluster-scoped objects keep their Events in the default namespace. */
    private static final String EVENT_NAMESPACE = "default";

    private final KubernetesClient client;
    private final ExecutorService executor;
    private final Map<String, String> annotated = new ConcurrentHashMap<>();
    private final Map<String, Optional<Map<String, Object>>> pendingConditions = new ConcurrentHashMap<>();
    /** The condition type each node sets in a BGPPolicy's status, one entry per node. */
    static final String CONDITION_TYPE = "Effective";

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

    @Override
    public void policyCondition(String policy, String node, boolean effective, String reason, String message) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("type", CONDITION_TYPE);
        c.put("status", effective ? "True" : "False");
        c.put("nodeName", node);
        c.put("reason", reason);
        c.put("message", message);
        c.put("lastTransitionTime", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        writeCondition(policy, node, Optional.of(c));
    }

    @Override
    public void clearPolicyCondition(String policy, String node) {
        writeCondition(policy, node, Optional.empty());
    }

    /**
     * Conditions of all nodes share one list, so each write reads the object, replaces only this node's entry and
     * puts the status back with the resourceVersion it read: a concurrent write by another node is a conflict,
     * retried, never lost. Only the newest wish per policy is written (older queued ones are dropped).
     */
    private void writeCondition(String policy, String node, Optional<Map<String, Object>> condition) {
        if (pendingConditions.put(policy, condition) != null) {
            return; // a task for this policy is queued and will write the newest wish
        }
        executor.execute(() -> {
            Optional<Map<String, Object>> wish = pendingConditions.remove(policy);
            if (wish == null) {
                return;
            }
            for (int attempt = 1; ; attempt++) {
                try {
                    var resource = client.genericKubernetesResources(InformerClusterState.BGP_POLICIES)
                            .withName(policy);
                    GenericKubernetesResource r = resource.get();
                    if (r == null) {
                        return; // the policy is gone, and its status with it
                    }
                    if (!replaceCondition(r, node, wish)) {
                        return;
                    }
                    client.genericKubernetesResources(InformerClusterState.BGP_POLICIES).resource(r).updateStatus();
                    LOG.debug("BGPPolicy {} status: condition of Node {} set to {}", policy, node, wish);
                    return;
                } catch (KubernetesClientException e) {
                    if (e.getCode() == 409 && attempt < 5) {
                        continue; // another node wrote meanwhile: read again
                    }
                    LOG.warn("Could not write Node {}'s condition into BGPPolicy {}'s status: {}", node, policy,
                            e.getMessage());
                    return;
                } catch (RuntimeException e) {
                    LOG.warn("Could not write Node {}'s condition into BGPPolicy {}'s status: {}", node, policy,
                            e.getMessage());
                    return;
                }
            }
        });
    }

    /** Puts {@code wish} in place of this node's condition; false when the status already says exactly that. */
    @SuppressWarnings("unchecked")
    static boolean replaceCondition(GenericKubernetesResource r, String node, Optional<Map<String, Object>> wish) {
        Object st = r.getAdditionalProperties().get("status");
        Map<String, Object> status = st instanceof Map<?, ?> m ? new LinkedHashMap<>((Map<String, Object>) m)
                : new LinkedHashMap<>();
        List<Map<String, Object>> conditions = new ArrayList<>();
        Map<String, Object> old = null;
        if (status.get("conditions") instanceof List<?> l) {
            for (Object o : l) {
                if (o instanceof Map<?, ?> c) {
                    if (CONDITION_TYPE.equals(c.get("type")) && node.equals(c.get("nodeName"))) {
                        old = (Map<String, Object>) c;
                    } else {
                        conditions.add((Map<String, Object>) c);
                    }
                }
            }
        }
        if (wish.isEmpty() && old == null) {
            return false;
        }
        if (wish.isPresent()) {
            Map<String, Object> c = new LinkedHashMap<>(wish.get());
            if (old != null && Objects.equals(old.get("status"), c.get("status"))) {
                if (Objects.equals(old.get("reason"), c.get("reason"))
                        && Objects.equals(old.get("message"), c.get("message"))) {
                    return false;
                }
                // the time of the last change of status, as Kubernetes conditions mean it
                c.put("lastTransitionTime", old.getOrDefault("lastTransitionTime", c.get("lastTransitionTime")));
            }
            conditions.add(c);
        }
        conditions.sort(Comparator.comparing(c -> String.valueOf(c.get("nodeName"))));
        status.put("conditions", conditions);
        r.getAdditionalProperties().put("status", status);
        return true;
    }

    /**
     * A Warning Event on an object with a value Herald cannot use ({@link InputReports}), in the object's namespace
     * (cluster-scoped objects: {@value #EVENT_NAMESPACE}), with the object's uid so that {@code kubectl describe}
     * lists it. Every agent sees a bad Service or Secret; the Event's name comes from the object and the problem, so
     * the first agent's create records it and the others' are refused as duplicates: one Event per problem in the
     * cluster, not one per Node.
     */
    void inputProblem(InputReports.About about, String node, String reason, String message) {
        ObjectReference ref = new ObjectReferenceBuilder().withApiVersion(about.apiVersion()).withKind(about.kind())
                .withNamespace(about.namespace()).withName(about.name()).withUid(about.uid()).build();
        String name = about.name() + "." + digest(about.kind() + "|" + about.namespace() + "|" + about.uid() + "|"
                + reason + "|" + message);
        executor.execute(() -> create(ref, name, node, true, reason, message));
    }

    /** 16 hex digits of the text's SHA-256: an Event name the same for every agent that reports the same. */
    private static String digest(String text) {
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(d, 0, 8);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    private void create(ObjectReference about, boolean warning, String reason, String message) {
        create(about, about.getName() + "." + UUID.randomUUID().toString().substring(0, 8), null, warning, reason,
                message);
    }

    private void create(ObjectReference about, String name, String node, boolean warning, String reason,
                        String message) {
        String namespace = about.getNamespace() == null ? EVENT_NAMESPACE : about.getNamespace();
        try {
            String now = Instant.now().toString();
            Event e = new EventBuilder().withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
                    .withInvolvedObject(about).withType(warning ? "Warning" : "Normal").withReason(reason)
                    .withMessage(message).withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
                    .withNewSource().withComponent("herald").withHost(node).endSource().build();
            client.v1().events().inNamespace(namespace).resource(e).create();
        } catch (RuntimeException ex) {
            LOG.debug("Could not record Event {} on {} {}: {}", reason, about.getKind(), about.getName(),
                    ex.getMessage());
        }
    }
}
