package dev.herald.kube;

import dev.herald.api.spi.Telemetry;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Antrea's BGPPolicies, parsed; an invalid one is kept with its reason. */
final class BgpPolicyWatch extends KindWatch<GenericKubernetesResource> {
    private static final Logger LOG = LoggerFactory.getLogger(BgpPolicyWatch.class);
    private static final String API_VERSION = apiVersion(InformerClusterState.BGP_POLICIES);

    private final KubernetesClient client;
    private final ClusterStore store;
    private final InputReports reports;

    BgpPolicyWatch(KubernetesClient client, ClusterStore store, InputReports reports, Telemetry t) {
        super("BGPPolicy", true, t);
        this.client = client;
        this.store = store;
        this.reports = reports;
    }

    @Override
    SharedIndexInformer<GenericKubernetesResource> newInformer() {
        return client.genericKubernetesResources(InformerClusterState.BGP_POLICIES).runnableInformer(0);
    }

    @Override
    void upsert(GenericKubernetesResource r) {
        String name = r.getMetadata().getName();
        // only a spec change matters (docs/bgp-policy.md, Behaviour §6): status writes and label edits do not bump
        // the generation. An invalid policy too: every node writes its condition into the status, and reading it
        // again each time made every agent log it, and run a pass, once per node (docs/robustness.md)
        Long generation = r.getMetadata().getGeneration();
        if (store.policyRead(name, generation)) {
            return;
        }
        List<String> unknown = BgpPolicyFields.unknown(r.getAdditionalProperties());
        reports.about(about(API_VERSION, "BGPPolicy", r), InputReports.Reason.UNKNOWN_FIELD,
                unknown.isEmpty() ? List.of() : List.of("fields Herald does not know: " + String.join(", ", unknown)));
        try {
            store.putPolicy(BgpPolicyParser.parse(r));
        } catch (IllegalArgumentException e) {
            LOG.warn("BGPPolicy {} is invalid and ignored: {}", name, e.getMessage());
            store.putInvalidPolicy(name, e.getMessage(), generation);
        }
    }

    @Override
    Set<String> known() {
        return store.policyNames();
    }

    @Override
    void forget(String name) {
        reports.forget(about(API_VERSION, "BGPPolicy", null, name, null));
        store.removePolicy(name);
    }
}
