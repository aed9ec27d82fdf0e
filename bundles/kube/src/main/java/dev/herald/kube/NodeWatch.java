package dev.herald.kube;

import dev.herald.api.spi.Telemetry;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** The local Node, or every Node when {@code nodeName} is null. */
final class NodeWatch extends KindWatch<Node> {
    private final KubernetesClient client;
    private final String nodeName;
    private final ClusterStore store;
    private final InputReports reports;

    NodeWatch(KubernetesClient client, String nodeName, ClusterStore store, InputReports reports, Telemetry t) {
        super("Node", true, t);
        this.client = client;
        this.nodeName = nodeName;
        this.store = store;
        this.reports = reports;
    }

    @Override
    SharedIndexInformer<Node> newInformer() {
        return nodeName == null ? client.nodes().runnableInformer(0)
                : client.nodes().withName(nodeName).runnableInformer(0);
    }

    @Override
    void upsert(Node n) {
        List<String> problems = new ArrayList<>();
        var info = Converters.node(n, problems);
        reports.about(about("v1", "Node", n), InputReports.Reason.INVALID_FIELD, problems);
        store.putNode(info);
    }

    @Override
    void delete(Node n) {
        reports.forget(about("v1", "Node", n));
        store.removeNode(n.getMetadata().getName());
    }

    @Override
    Set<String> known() {
        return store.nodeNames();
    }

    @Override
    void forget(String name) {
        reports.forget(about("v1", "Node", null, name, null));
        store.removeNode(name);
    }
}
