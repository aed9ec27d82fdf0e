package dev.herald.kube;

import dev.herald.api.BgpPolicy;
import dev.herald.api.EgressInfo;
import dev.herald.api.EndpointInfo;
import dev.herald.api.NodeInfo;
import dev.herald.api.ServiceInfo;
import dev.herald.api.spi.ClusterState;
import dev.herald.api.spi.Registration;
import dev.herald.api.spi.Telemetry;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ClusterState} fed by fabric8 informers: the local Node (by name), Services and EndpointSlices of every
 * namespace, BGPPolicies, Egresses and the password Secret. Each event converts one object into Herald's records and
 * tells the listeners which key changed. When the API server is unreachable the informers keep their caches and keep
 * retrying, so the state stays at the last known one and nothing is withdrawn on ignorance.
 */
public final class InformerClusterState implements ClusterState, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(InformerClusterState.class);
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
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final List<Watch<?>> watches = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService watchdog;
    private volatile boolean closed;
    private volatile boolean apiDown;
    private volatile boolean syncAnnounced;
    private KubernetesClient probe;
    private volatile boolean secretSeen;
    private volatile Telemetry telemetry = Telemetry.NONE;
    /** Values skipped because they cannot be used, logged and recorded as Events (docs/robustness.md). */
    private final InputReports reports = new InputReports();
    private final EgressNodeCheck egressNodes;
    /** How often the API server is probed for the watch safety net. */
    static final Duration PROBE = Duration.ofSeconds(2);

    /** The local Node, or every Node when this state serves many nodes (see {@link #allNodes}). */
    private final Map<String, NodeInfo> nodes = new ConcurrentHashMap<>();
    private final Map<String, BgpPolicy> policies = new ConcurrentHashMap<>();
    private final Map<String, String> invalidPolicies = new ConcurrentHashMap<>();
    /** The generation each invalid policy was found invalid at, so that it is read again only when it changes. */
    private final Map<String, Long> invalidGenerations = new ConcurrentHashMap<>();
    private volatile Map<String, String> passwords = Map.of();
    private final Map<String, ServiceInfo> services = new ConcurrentHashMap<>();
    /** serviceKey -> (slice name -> endpoints) */
    private final Map<String, Map<String, List<EndpointInfo>>> endpoints = new ConcurrentHashMap<>();
    /** slice namespace/name -> service key, to find a deleted slice's service */
    private final Map<String, String> sliceOwners = new ConcurrentHashMap<>();
    private final Map<String, EgressInfo> egresses = new ConcurrentHashMap<>();

    public InformerClusterState(KubernetesClient client, String nodeName, String namespace) {
        this.client = client;
        this.nodeName = nodeName;
        this.namespace = namespace;
        ClassLoader fabric8 = KubernetesClientBuilder.class.getClassLoader();
        this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "herald-kube-watchdog");
            t.setDaemon(true);
            t.setContextClassLoader(fabric8); // docs/development.md, pitfall 15
            return t;
        });
        this.egressNodes = new EgressNodeCheck(reports, watchdog,
                n -> probeClient().nodes().withName(n).get() != null);
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
        return !apiDown;
    }

    /** Starts every informer without waiting for it: {@link #synced()} says when the first lists are in. */
    public InformerClusterState start() {
        watches.add(new Watch<>("Node", true, () -> nodeName == null ? client.nodes().runnableInformer(0)
                : client.nodes().withName(nodeName).runnableInformer(0),
                this::onNode, this::onNodeDeleted, n -> n.getMetadata().getName(),
                () -> Set.copyOf(nodes.keySet()), k -> {
                    nodes.remove(k);
                    reports.forget(about("v1", "Node", null, k, null));
                    fire(Kind.NODE, Set.of(k));
                }));
        watches.add(new Watch<>("Service", true, () -> client.services().inAnyNamespace().runnableInformer(0),
                this::onService, this::onServiceDeleted, InformerClusterState::namespacedKey,
                () -> Set.copyOf(services.keySet()), this::removeService));
        watches.add(new Watch<>("EndpointSlice", true,
                () -> client.discovery().v1().endpointSlices().inAnyNamespace().runnableInformer(0),
                this::onSlice, this::onSliceDeleted, InformerClusterState::namespacedKey,
                () -> Set.copyOf(sliceOwners.keySet()), this::removeSlice));
        watches.add(new Watch<>("BGPPolicy", true,
                () -> client.genericKubernetesResources(BGP_POLICIES).runnableInformer(0), this::onPolicy,
                this::onPolicyDeleted, r -> r.getMetadata().getName(), () -> {
                    Set<String> all = new HashSet<>(policies.keySet());
                    all.addAll(invalidPolicies.keySet());
                    return all;
                }, this::removePolicy));
        watches.add(new Watch<>("Secret", true,
                () -> client.secrets().inNamespace(namespace).withName(PASSWORD_SECRET).runnableInformer(0),
                this::onSecret, x -> onSecretDeleted(), x -> x.getMetadata().getName(),
                () -> secretSeen ? Set.of(PASSWORD_SECRET) : Set.of(), k -> onSecretDeleted()));
        // Egress is optional: a cluster without Antrea's Egress CRD must still advertise Services and Pods
        watches.add(new Watch<>("Egress", false, () -> client.genericKubernetesResources(EGRESSES).runnableInformer(0),
                this::onEgress, this::onEgressDeleted, r -> r.getMetadata().getName(),
                () -> Set.copyOf(egresses.keySet()), this::removeEgress));
        watches.forEach(Watch::start);
        watchdog.scheduleWithFixedDelay(this::checkApi, 200, PROBE.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /**
     * The safety net for watches that die silently (seen with the JDK HTTP client when connections are cut: the
     * WebSocket aborts and nothing reconnects): probe the API server; when it answers again after failing, or when
     * a watch is not running, list that kind again. Objects missing from the new list are deleted: the API server
     * said so, this is not ignorance. While the API server is away nothing changes.
     */
    private void checkApi() {
        try {
            announceSync();
            probeAndRelist();
        } catch (Throwable t) {
            // a scheduled task that throws is never run again: this one must survive anything
            LOG.warn("Kubernetes watch check failed: {}", t.toString());
        }
    }

    /**
     * Tells listeners once when the first lists are all in: a listener that registered after the informers' first
     * events, and found the state not synced yet, would otherwise wait for the next change to look again.
     */
    private void announceSync() {
        if (!syncAnnounced && synced()) {
            syncAnnounced = true;
            fire(Kind.NODE, nodeName != null ? Set.of(nodeName) : Set.copyOf(nodes.keySet()));
        }
    }

    private void probeAndRelist() {
        try {
            // a get by name answers (null) even when the Node does not exist: enough to know the API is there
            probeClient().nodes().withName(nodeName != null ? nodeName : "herald-api-probe").get();
        } catch (RuntimeException e) {
            if (closed) {
                return; // the probe's client went away with us (the bundle stops): not an outage
            }
            if (!apiDown) {
                LOG.warn("Kubernetes API unreachable ({}): keeping the last known state until it returns",
                        e.getMessage());
                apiDown = true;
            }
            return;
        }
        boolean cameBack = apiDown;
        apiDown = false;
        if (cameBack) {
            LOG.info("Kubernetes API reachable again: listing everything again");
        }
        for (Watch<?> w : watches) {
            w.prunePending();
            // a watch is briefly not running right after a list and while fabric8 reconnects it: restart it only
            // when it has stayed down for two probes in a row (closing a healthy watch costs the server work)
            boolean down = w.synced() && !w.informer.isWatching();
            boolean stayedDown = down && w.seenDown;
            w.seenDown = down && !stayedDown;
            if (cameBack || stayedDown) {
                w.seenDown = false;
                w.restart(cameBack ? "the API server returned" : "its watch stopped");
            }
        }
    }

    /**
     * A client for the probe that fails fast: the main client retries a failed request with back-off for about a
     * hundred seconds, which would hide an outage from the probe for as long.
     */
    private KubernetesClient probeClient() {
        if (probe == null) {
            Config c = new ConfigBuilder(client.getConfiguration()).withRequestRetryBackoffLimit(0)
                    .withConnectionTimeout((int) PROBE.toMillis()).withRequestTimeout((int) PROBE.toMillis()).build();
            probe = new KubernetesClientBuilder().withConfig(c).withHttpClientFactory(KubeClients.httpClientFactory(c))
                    .build();
        }
        return probe;
    }

    private static String namespacedKey(HasMetadata o) {
        return o.getMetadata().getNamespace() + "/" + o.getMetadata().getName();
    }

    /** One kind of object: its informer, how to apply it, and how to forget what a new list no longer has. */
    private final class Watch<T extends HasMetadata> {
        final String kind;
        final boolean required;
        final Supplier<SharedIndexInformer<T>> factory;
        final Consumer<T> upsert;
        final Consumer<T> delete;
        final Function<T, String> keyOf;
        final Supplier<Set<String>> known;
        final Consumer<String> forget;
        volatile SharedIndexInformer<T> informer;
        volatile boolean everSynced;
        /** Keys handed to this state before the first sync was confirmed. */
        final Set<String> firstList = ConcurrentHashMap.newKeySet();
        /** Objects handed over or deleted so far; counted after {@link #firstList} is written. */
        final java.util.concurrent.atomic.AtomicLong changes = new java.util.concurrent.atomic.AtomicLong();
        /** {@link #changes} when the store was last compared with {@link #firstList} and found ahead (guarded). */
        private long comparedAt = -1;
        volatile boolean prune;
        /** The last probe found the watch not running. */
        volatile boolean seenDown;

        Watch(String kind, boolean required, Supplier<SharedIndexInformer<T>> factory, Consumer<T> upsert,
              Consumer<T> delete, Function<T, String> keyOf, Supplier<Set<String>> known, Consumer<String> forget) {
            this.kind = kind;
            this.required = required;
            this.factory = factory;
            this.upsert = upsert;
            this.delete = delete;
            this.keyOf = keyOf;
            this.known = known;
            this.forget = forget;
        }

        void start() {
            SharedIndexInformer<T> i = factory.get();
            i.addEventHandler(new ResourceEventHandler<T>() {
                @Override
                public void onAdd(T obj) {
                    telemetry.watchEvent(kind, "ADDED");
                    guarded(obj, upsert);
                    delivered(obj);
                }

                @Override
                public void onUpdate(T oldObj, T newObj) {
                    telemetry.watchEvent(kind, "MODIFIED");
                    guarded(newObj, upsert);
                    delivered(newObj);
                }

                @Override
                public void onDelete(T obj, boolean deletedFinalStateUnknown) {
                    telemetry.watchEvent(kind, "DELETED");
                    guarded(obj, delete);
                    changes.incrementAndGet(); // the store shrank: the comparison may come out differently
                }
            });
            informer = i;
            i.start();
        }

        private void delivered(T obj) {
            if (!everSynced) {
                firstList.add(io.fabric8.kubernetes.client.informers.cache.Cache.metaNamespaceKeyFunc(obj));
                changes.incrementAndGet();
            }
        }

        /**
         * Listed at least once since start, and every listed object handed to this state: fabric8 says it has
         * synced when its store holds the list, while the handlers still receive it on another thread, and a pass
         * over half a list would elect the wrong policy or miss routes. A restart does not make the state unknown
         * again.
         */
        boolean synced() {
            if (everSynced || !informer.hasSynced()) {
                return everSynced;
            }
            // Every pass of every agent asks, and each object handed over triggers passes: comparing the whole
            // store each time made the first list quadratic (100 agents on 5,000 Services spent minutes here).
            // Nothing handed over or deleted since the last comparison: the answer has not changed.
            synchronized (this) {
                long seen = changes.get();
                if (everSynced || seen == comparedAt) {
                    return everSynced;
                }
                if (firstList.containsAll(informer.getStore().listKeys())) {
                    everSynced = true;
                    firstList.clear();
                } else {
                    comparedAt = seen;
                }
                return everSynced;
            }
        }

        /** A new informer lists again; what the old one delivered stays until the new list is in. */
        void restart(String why) {
            LOG.info("Watching {} again: {}", kind, why);
            informer.close();
            prune = true;
            start();
            changes.incrementAndGet(); // another store: compare again
        }

        /** Once the new list is in: forget what it no longer has. */
        void prunePending() {
            if (!prune || !informer.hasSynced()) {
                return;
            }
            prune = false;
            Set<String> present = new HashSet<>();
            informer.getStore().list().forEach(o -> present.add(keyOf.apply(o)));
            for (String k : known.get()) {
                if (!present.contains(k)) {
                    LOG.info("{} {} was deleted while it was not watched", kind, k);
                    forget.accept(k);
                }
            }
        }
    }

    /** One object that cannot be converted is logged and skipped; the informer goes on. */
    private static <T extends HasMetadata> void guarded(T obj, Consumer<T> action) {
        try {
            action.accept(obj);
        } catch (RuntimeException e) {
            LOG.warn("Ignoring {} {}: {}", obj.getKind(), obj.getMetadata().getName(), e.toString());
        }
    }

    // ---- event handlers ----

    private static InputReports.About about(String apiVersion, String kind, String namespace, String name,
                                            String uid) {
        return new InputReports.About(apiVersion, kind, namespace, name, uid);
    }

    /** What an Event about {@code o} names: kind and API version given, as list items may leave them out. */
    private static InputReports.About about(String apiVersion, String kind, HasMetadata o) {
        return about(apiVersion, kind, o.getMetadata().getNamespace(), o.getMetadata().getName(),
                o.getMetadata().getUid());
    }

    private static String apiVersion(ResourceDefinitionContext crd) {
        return crd.getGroup() + "/" + crd.getVersion();
    }

    private void onNode(Node n) {
        List<String> problems = new ArrayList<>();
        NodeInfo info = Converters.node(n, problems);
        reports.about(about("v1", "Node", n), InputReports.Reason.INVALID_FIELD, problems);
        if (!info.equals(nodes.put(info.name(), info))) {
            fire(Kind.NODE, Set.of(info.name()));
        }
    }

    private void onNodeDeleted(Node n) {
        nodes.remove(n.getMetadata().getName());
        reports.forget(about("v1", "Node", n));
        fire(Kind.NODE, Set.of(n.getMetadata().getName()));
    }

    private void onService(Service s) {
        List<String> problems = new ArrayList<>();
        ServiceInfo info = Converters.service(s, problems);
        reports.about(about("v1", "Service", s), InputReports.Reason.INVALID_FIELD, problems);
        ServiceInfo old = services.put(info.key(), info);
        if (!info.equals(old)) {
            fire(Kind.SERVICE, Set.of(info.key()));
        }
    }

    private void onServiceDeleted(Service s) {
        removeService(namespacedKey(s));
    }

    private void removeService(String key) {
        String[] nsName = key.split("/", 2);
        reports.forget(about("v1", "Service", nsName[0], nsName[1], null));
        if (services.remove(key) != null) {
            fire(Kind.SERVICE, Set.of(key));
        }
    }

    private void onSlice(EndpointSlice slice) {
        String sliceKey = slice.getMetadata().getNamespace() + "/" + slice.getMetadata().getName();
        String svc = Converters.serviceKeyOf(slice);
        if (svc == null) {
            return;
        }
        List<EndpointInfo> eps = Converters.endpoints(slice);
        sliceOwners.put(sliceKey, svc);
        List<EndpointInfo> old = endpoints.computeIfAbsent(svc, k -> new ConcurrentHashMap<>()).put(sliceKey, eps);
        if (!eps.equals(old)) {
            fire(Kind.ENDPOINT_SLICE, Set.of(svc));
        }
    }

    private void onSliceDeleted(EndpointSlice slice) {
        removeSlice(namespacedKey(slice));
    }

    private void removeSlice(String sliceKey) {
        String svc = sliceOwners.remove(sliceKey);
        if (svc == null) {
            return;
        }
        Map<String, List<EndpointInfo>> bySlice = endpoints.get(svc);
        if (bySlice != null && bySlice.remove(sliceKey) != null) {
            if (bySlice.isEmpty()) {
                endpoints.remove(svc, bySlice);
            }
            fire(Kind.ENDPOINT_SLICE, Set.of(svc));
        }
    }

    private void onPolicy(GenericKubernetesResource r) {
        String name = r.getMetadata().getName();
        BgpPolicy old = policies.get(name);
        // only a spec change matters (docs/bgp-policy.md, Behaviour §6): status writes and label edits do not bump
        // the generation. An invalid policy too: every node writes its condition into the status, and reading it
        // again each time made every agent log it, and run a pass, once per node (docs/robustness.md)
        Long generation = r.getMetadata().getGeneration();
        if (generation != null && (old != null ? old.generation() == generation
                : generation.equals(invalidGenerations.get(name)))) {
            return;
        }
        List<String> unknown = BgpPolicyFields.unknown(r.getAdditionalProperties());
        reports.about(about(apiVersion(BGP_POLICIES), "BGPPolicy", r), InputReports.Reason.UNKNOWN_FIELD,
                unknown.isEmpty() ? List.of() : List.of("fields Herald does not know: " + String.join(", ", unknown)));
        try {
            BgpPolicy p = BgpPolicyParser.parse(r);
            policies.put(name, p);
            invalidPolicies.remove(name);
            invalidGenerations.remove(name);
        } catch (IllegalArgumentException e) {
            LOG.warn("BGPPolicy {} is invalid and ignored: {}", name, e.getMessage());
            policies.remove(name);
            invalidPolicies.put(name, e.getMessage());
            if (generation != null) {
                invalidGenerations.put(name, generation);
            } else {
                invalidGenerations.remove(name);
            }
        }
        fire(Kind.BGP_POLICY, Set.of(name));
    }

    private void onPolicyDeleted(GenericKubernetesResource r) {
        removePolicy(r.getMetadata().getName());
    }

    private void removePolicy(String name) {
        reports.forget(about(apiVersion(BGP_POLICIES), "BGPPolicy", null, name, null));
        policies.remove(name);
        invalidPolicies.remove(name);
        invalidGenerations.remove(name);
        fire(Kind.BGP_POLICY, Set.of(name));
    }

    private void onSecret(Secret s) {
        secretSeen = true;
        List<String> problems = new ArrayList<>();
        Map<String, String> p = Converters.passwords(s, problems);
        reports.about(about("v1", "Secret", s), InputReports.Reason.INVALID_FIELD, problems);
        if (!p.equals(passwords)) {
            passwords = Map.copyOf(p);
            fire(Kind.SECRET, Set.of(PASSWORD_SECRET));
        }
    }

    private void onSecretDeleted() {
        secretSeen = false;
        reports.forget(about("v1", "Secret", namespace, PASSWORD_SECRET, null));
        passwords = Map.of();
        fire(Kind.SECRET, Set.of(PASSWORD_SECRET));
    }

    private void onEgress(GenericKubernetesResource r) {
        List<String> problems = new ArrayList<>();
        EgressInfo info = Converters.egress(r, problems);
        InputReports.About about = about(apiVersion(EGRESSES), "Egress", r);
        reports.about(about, InputReports.Reason.INVALID_FIELD, problems);
        egressNodes.seen(about, info, n -> n.equals(nodeName) || nodes.containsKey(n));
        EgressInfo old = egresses.put(info.name(), info);
        if (!info.equals(old)) {
            fire(Kind.EGRESS, Set.of(info.name()));
        }
    }

    private void onEgressDeleted(GenericKubernetesResource r) {
        removeEgress(r.getMetadata().getName());
    }

    private void removeEgress(String name) {
        reports.forget(about(apiVersion(EGRESSES), "Egress", null, name, null));
        egressNodes.gone(name);
        if (egresses.remove(name) != null) {
            fire(Kind.EGRESS, Set.of(name));
        }
    }

    private void fire(Kind kind, Set<String> keys) {
        for (Listener l : listeners) {
            try {
                l.changed(kind, keys);
            } catch (RuntimeException e) {
                LOG.warn("A ClusterState listener failed on {} {}: {}", kind, keys, e.toString());
            }
        }
    }

    // ---- ClusterState ----

    @Override
    public Optional<NodeInfo> localNode() {
        return nodeName == null ? Optional.empty() : node(nodeName);
    }

    /** A Node this state watches: the local one, or any with {@link #allNodes}. */
    public Optional<NodeInfo> node(String name) {
        return Optional.ofNullable(nodes.get(name));
    }

    @Override
    public List<BgpPolicy> bgpPolicies() {
        return List.copyOf(policies.values());
    }

    @Override
    public Map<String, String> invalidPolicies() {
        return Map.copyOf(invalidPolicies);
    }

    @Override
    public Map<String, String> bgpPasswords() {
        return passwords;
    }

    @Override
    public Collection<ServiceInfo> services() {
        return List.copyOf(services.values());
    }

    @Override
    public Optional<ServiceInfo> service(String key) {
        return Optional.ofNullable(services.get(key));
    }

    @Override
    public List<EndpointInfo> endpoints(String serviceKey) {
        Map<String, List<EndpointInfo>> bySlice = endpoints.get(serviceKey);
        if (bySlice == null) {
            return List.of();
        }
        List<EndpointInfo> out = new ArrayList<>();
        bySlice.values().forEach(out::addAll);
        return out;
    }

    @Override
    public Collection<EgressInfo> egresses() {
        return List.copyOf(egresses.values());
    }

    @Override
    public boolean synced() {
        boolean all = !watches.isEmpty();
        for (Watch<?> w : watches) {
            all &= !w.required || w.synced();
        }
        return all;
    }

    @Override
    public Registration addListener(Listener listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    public String nodeName() {
        return nodeName;
    }

    @Override
    public void close() {
        closed = true;
        watchdog.shutdownNow();
        if (probe != null) {
            probe.close();
        }
        watches.forEach(w -> w.informer.close());
    }
}
