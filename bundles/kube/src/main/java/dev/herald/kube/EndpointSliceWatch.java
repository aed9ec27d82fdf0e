package dev.herald.kube;

import dev.herald.api.spi.Telemetry;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.Set;

/** The EndpointSlices of every namespace: their endpoints under the Service that owns them. */
final class EndpointSliceWatch extends KindWatch<EndpointSlice> {
    private final KubernetesClient client;
    private final ClusterStore store;

    EndpointSliceWatch(KubernetesClient client, ClusterStore store, Telemetry t) {
        super("EndpointSlice", true, t);
        this.client = client;
        this.store = store;
    }

    @Override
    SharedIndexInformer<EndpointSlice> newInformer() {
        return client.discovery().v1().endpointSlices().inAnyNamespace().runnableInformer(0);
    }

    @Override
    void upsert(EndpointSlice slice) {
        String svc = Converters.serviceKeyOf(slice);
        if (svc != null) {
            store.putSlice(namespacedKey(slice), svc, Converters.endpoints(slice));
        }
    }

    @Override
    String keyOf(EndpointSlice slice) {
        return namespacedKey(slice);
    }

    @Override
    Set<String> known() {
        return store.sliceKeys();
    }

    @Override
    void forget(String sliceKey) {
        store.removeSlice(sliceKey);
    }
}
