package dev.herald.kube;

import dev.herald.api.spi.Telemetry;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Antrea's Egresses. Optional: a cluster without the Egress CRD must still advertise Services and Pods, so the
 * state is synced without them.
 */
final class EgressWatch extends KindWatch<GenericKubernetesResource> {
    private static final String API_VERSION = apiVersion(InformerClusterState.EGRESSES);

    private final KubernetesClient client;
    private final String nodeName;
    private final ClusterStore store;
    private final InputReports reports;
    private final EgressNodeCheck egressNodes;

    EgressWatch(KubernetesClient client, String nodeName, ClusterStore store, InputReports reports,
                EgressNodeCheck egressNodes, Telemetry t) {
        super("Egress", false, t);
        this.client = client;
        this.nodeName = nodeName;
        this.store = store;
        this.reports = reports;
        this.egressNodes = egressNodes;
    }

    @Override
    SharedIndexInformer<GenericKubernetesResource> newInformer() {
        return client.genericKubernetesResources(InformerClusterState.EGRESSES).runnableInformer(0);
    }

    @Override
    void upsert(GenericKubernetesResource r) {
        List<String> problems = new ArrayList<>();
        var info = Converters.egress(r, problems);
        InputReports.About about = about(API_VERSION, "Egress", r);
        reports.about(about, InputReports.Reason.INVALID_FIELD, problems);
        egressNodes.seen(about, info, n -> n.equals(nodeName) || store.node(n).isPresent());
        store.putEgress(info);
    }

    @Override
    Set<String> known() {
        return store.egressNames();
    }

    @Override
    void forget(String name) {
        reports.forget(about(API_VERSION, "Egress", null, name, null));
        egressNodes.gone(name);
        store.removeEgress(name);
    }
}
