package dev.herald.kube;

import dev.herald.api.spi.Telemetry;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** The Secret of the peers' TCP-MD5 passwords ({@link InformerClusterState#PASSWORD_SECRET}) in Herald's namespace. */
final class PasswordSecretWatch extends KindWatch<Secret> {
    private static final String NAME = InformerClusterState.PASSWORD_SECRET;

    private final KubernetesClient client;
    private final String namespace;
    private final ClusterStore store;
    private final InputReports reports;

    PasswordSecretWatch(KubernetesClient client, String namespace, ClusterStore store, InputReports reports,
                        Telemetry t) {
        super("Secret", true, t);
        this.client = client;
        this.namespace = namespace;
        this.store = store;
        this.reports = reports;
    }

    @Override
    SharedIndexInformer<Secret> newInformer() {
        return client.secrets().inNamespace(namespace).withName(NAME).runnableInformer(0);
    }

    @Override
    void upsert(Secret s) {
        List<String> problems = new ArrayList<>();
        var passwords = Converters.passwords(s, problems);
        reports.about(about("v1", "Secret", s), InputReports.Reason.INVALID_FIELD, problems);
        store.putPasswords(passwords);
    }

    @Override
    Set<String> known() {
        return store.secretSeen() ? Set.of(NAME) : Set.of();
    }

    @Override
    void forget(String name) {
        reports.forget(about("v1", "Secret", namespace, NAME, null));
        store.removePasswords();
    }
}
