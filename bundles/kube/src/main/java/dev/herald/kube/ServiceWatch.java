package dev.herald.kube;

import dev.herald.api.spi.Telemetry;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** The Services of every namespace, keyed {@code namespace/name}. */
final class ServiceWatch extends KindWatch<Service> {
    private final KubernetesClient client;
    private final ClusterStore store;
    private final InputReports reports;

    ServiceWatch(KubernetesClient client, ClusterStore store, InputReports reports, Telemetry t) {
        super("Service", true, t);
        this.client = client;
        this.store = store;
        this.reports = reports;
    }

    @Override
    SharedIndexInformer<Service> newInformer() {
        return client.services().inAnyNamespace().runnableInformer(0);
    }

    @Override
    void upsert(Service s) {
        List<String> problems = new ArrayList<>();
        var info = Converters.service(s, problems);
        reports.about(about("v1", "Service", s), InputReports.Reason.INVALID_FIELD, problems);
        store.putService(info);
    }

    @Override
    String keyOf(Service s) {
        return namespacedKey(s);
    }

    @Override
    Set<String> known() {
        return store.serviceKeys();
    }

    @Override
    void forget(String key) {
        String[] nsName = key.split("/", 2);
        reports.forget(about("v1", "Service", nsName[0], nsName[1], null));
        store.removeService(key);
    }
}
