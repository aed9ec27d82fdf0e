package dev.herald.kube;

import dev.herald.api.BgpPolicy;
import dev.herald.api.EgressInfo;
import dev.herald.api.EndpointInfo;
import dev.herald.api.NodeInfo;
import dev.herald.api.ServiceInfo;
import dev.herald.api.spi.ClusterState;
import dev.herald.api.spi.Registration;
import dev.herald.api.spi.Telemetry;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@link ClusterState} fed by fabric8 informers: the local Node (by name), Services and EndpointSlices of every
 * namespace, BGPPolicies, Egresses and the password Secret. Each event converts one object into Herald's records and
 * tells the listeners which key changed. When the API server is unreachable the informers keep their caches and keep
 * retrying, so the state stays at the last known one and nothing is withdrawn on ignorance.
 *
 * <p>The parts: a {@link ClusterStore} holds the records, one {@link KindWatch} per kind feeds it, and the
 * {@link ApiWatchdog} lists a kind again when its watch has died.
 */
public final class InformerClusterState implements ClusterState, AutoCloseable {
    /** The Secret Antrea users already keep their BGP peer passwords in. */
    public static final String PASSWORD_SECRET = "antrea-bgp-passwords";

    static final ResourceDefinitionContext BGP_POLICIES = new ResourceDefinitionContext.Builder()
            .withGroup("crd.antrea.io").withVersion("v1alpha1").withPlural("bgppolicies").withKind("BGPPolicy")
            .withNamespaced(false).build();
    static final ResourceDefinitionContext EGRESSES = new ResourceDefinitionContext.Builder()
            .withGroup("crd.antrea.io").withVersion("v1beta1").withPlural("egresses").withKind("Egress")
            .withNamespaced(false).build();

    private final KubernetesClient client;
    private final String nodeName;
    private final String namespace;
    private final ClusterStore store = new ClusterStore();
    private final ApiWatchdog watchdog;
    private volatile List<KindWatch<?>> watches = List.of();
    private volatile Telemetry telemetry = Telemetry.NONE;
    /** Values skipped because they cannot be used, logged and recorded as Events (docs/robustness.md). */
    private final InputReports reports = new InputReports();
    private final EgressNodeCheck egressNodes;

    public InformerClusterState(KubernetesClient client, String nodeName, String namespace) {
        this.client = client;
        this.nodeName = nodeName;
        this.namespace = namespace;
        this.watchdog = new ApiWatchdog(client, nodeName, store);
        this.egressNodes = new EgressNodeCheck(reports, watchdog.executor(),
                n -> watchdog.probeClient().nodes().withName(n).get() != null);
    }

    /**
     * One state for many nodes (the simulator's agents share it): every Node is watched, {@link #node(String)}
     * answers for each, and {@link #localNode()} is empty.
     */
    public static InformerClusterState allNodes(KubernetesClient client, String namespace) {
        return new InformerClusterState(client, null, namespace);
    }

    /** Where watch events are counted (docs/metrics.md); set before {@link #start()}. */
    public InformerClusterState telemetry(Telemetry t) {
        this.telemetry = t;
        return this;
    }

    /**
     * Records an Event on each object with values that cannot be used (a Service IP that is not one, a password
     * that cannot be a key, a BGPPolicy field Herald does not know), naming the field, through {@code writer};
     * without this they are only logged. Set before {@link #start()}.
     */
    public InformerClusterState reportingTo(KubeClusterWriter writer) {
        reports.sink((about, reason, message) -> writer.inputProblem(about, nodeName, reason, message));
        return this;
    }

    @Override
    public boolean apiReachable() {
        return watchdog.apiReachable();
    }

    /** Starts every informer without waiting for it: {@link #synced()} says when the first lists are in. */
    public InformerClusterState start() {
        Telemetry t = telemetry;
        watches = List.of(new NodeWatch(client, nodeName, store, reports, t),
                new ServiceWatch(client, store, reports, t),
                new EndpointSliceWatch(client, store, t),
                new BgpPolicyWatch(client, store, reports, t),
                new PasswordSecretWatch(client, namespace, store, reports, t),
                new EgressWatch(client, nodeName, store, reports, egressNodes, t));
        watches.forEach(KindWatch::start);
        watchdog.start(watches, this::synced);
        return this;
    }

    // ---- ClusterState ----

    @Override
    public Optional<NodeInfo> localNode() {
        return nodeName == null ? Optional.empty() : node(nodeName);
    }

    /** A Node this state watches: the local one, or any with {@link #allNodes}. */
    public Optional<NodeInfo> node(String name) {
        return store.node(name);
    }

    @Override
    public List<BgpPolicy> bgpPolicies() {
        return store.bgpPolicies();
    }

    @Override
    public Map<String, String> invalidPolicies() {
        return store.invalidPolicies();
    }

    @Override
    public Map<String, String> bgpPasswords() {
        return store.bgpPasswords();
    }

    @Override
    public Collection<ServiceInfo> services() {
        return store.services();
    }

    @Override
    public Optional<ServiceInfo> service(String key) {
        return store.service(key);
    }

    @Override
    public List<EndpointInfo> endpoints(String serviceKey) {
        return store.endpoints(serviceKey);
    }

    @Override
    public Collection<EgressInfo> egresses() {
        return store.egresses();
    }

    @Override
    public boolean synced() {
        List<KindWatch<?>> all = watches;
        boolean synced = !all.isEmpty();
        for (KindWatch<?> w : all) {
            synced &= !w.required || w.synced();
        }
        return synced;
    }

    @Override
    public Registration addListener(Listener listener) {
        return store.addListener(listener);
    }

    public String nodeName() {
        return nodeName;
    }

    @Override
    public void close() {
        watchdog.close();
        watches.forEach(KindWatch::close);
    }
}
