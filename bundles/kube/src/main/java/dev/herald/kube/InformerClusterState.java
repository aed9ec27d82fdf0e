package dev.herald.kube;

import dev.herald.api.BgpPolicy;
import dev.herald.api.EgressInfo;
import dev.herald.api.EndpointInfo;
import dev.herald.api.NodeInfo;
import dev.herald.api.ServiceInfo;
import dev.herald.api.spi.ClusterState;
import dev.herald.api.spi.Registration;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
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
    private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
    /** Informers whose first list must have arrived before Herald acts; Egresses are not among them. */
    private final List<SharedIndexInformer<?>> required = new ArrayList<>();

    private volatile NodeInfo node;
    private final Map<String, BgpPolicy> policies = new ConcurrentHashMap<>();
    private final Map<String, String> invalidPolicies = new ConcurrentHashMap<>();
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
    }

    /** Starts every informer without waiting for it: {@link #synced()} says when the first lists are in. */
    public InformerClusterState start() {
        required.add(start(client.nodes().withName(nodeName).runnableInformer(0), this::onNode, this::onNodeDeleted));
        required.add(start(client.services().inAnyNamespace().runnableInformer(0), this::onService,
                this::onServiceDeleted));
        required.add(start(client.discovery().v1().endpointSlices().inAnyNamespace().runnableInformer(0),
                this::onSlice, this::onSliceDeleted));
        required.add(start(client.genericKubernetesResources(BGP_POLICIES).runnableInformer(0), this::onPolicy,
                this::onPolicyDeleted));
        required.add(start(client.secrets().inNamespace(namespace).withName(PASSWORD_SECRET).runnableInformer(0),
                this::onSecret, s -> onSecretDeleted()));
        // Egress is optional: a cluster without Antrea's Egress CRD must still advertise Services and Pods
        start(client.genericKubernetesResources(EGRESSES).runnableInformer(0), this::onEgress, this::onEgressDeleted);
        return this;
    }

    private <T extends HasMetadata> SharedIndexInformer<T> start(SharedIndexInformer<T> informer, Consumer<T> upsert,
                                                              Consumer<T> delete) {
        informer.addEventHandler(new ResourceEventHandler<T>() {
            @Override
            public void onAdd(T obj) {
                guarded(obj, upsert);
            }

            @Override
            public void onUpdate(T oldObj, T newObj) {
                guarded(newObj, upsert);
            }

            @Override
            public void onDelete(T obj, boolean deletedFinalStateUnknown) {
                guarded(obj, delete);
            }
        });
        informers.add(informer);
        informer.start();
        return informer;
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

    private void onNode(Node n) {
        NodeInfo info = Converters.node(n);
        if (!info.equals(node)) {
            node = info;
            fire(Kind.NODE, Set.of(info.name()));
        }
    }

    private void onNodeDeleted(Node n) {
        node = null;
        fire(Kind.NODE, Set.of(n.getMetadata().getName()));
    }

    private void onService(Service s) {
        ServiceInfo info = Converters.service(s);
        ServiceInfo old = services.put(info.key(), info);
        if (!info.equals(old)) {
            fire(Kind.SERVICE, Set.of(info.key()));
        }
    }

    private void onServiceDeleted(Service s) {
        String key = s.getMetadata().getNamespace() + "/" + s.getMetadata().getName();
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
        String sliceKey = slice.getMetadata().getNamespace() + "/" + slice.getMetadata().getName();
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

    @SuppressWarnings("unchecked")
    private void onPolicy(GenericKubernetesResource r) {
        String name = r.getMetadata().getName();
        BgpPolicy old = policies.get(name);
        // only a spec change matters (SPEC §6): status writes and label edits do not bump the generation
        if (old != null && r.getMetadata().getGeneration() != null && old.generation() == r.getMetadata().getGeneration()
                && !invalidPolicies.containsKey(name)) {
            return;
        }
        try {
            BgpPolicy p = BgpPolicyParser.parse(name, r.getMetadata().getCreationTimestamp(),
                    r.getMetadata().getGeneration(), (Map<String, Object>) r.getAdditionalProperties().get("spec"));
            policies.put(name, p);
            invalidPolicies.remove(name);
        } catch (IllegalArgumentException e) {
            LOG.warn("BGPPolicy {} is invalid and ignored: {}", name, e.getMessage());
            policies.remove(name);
            invalidPolicies.put(name, e.getMessage());
        }
        fire(Kind.BGP_POLICY, Set.of(name));
    }

    private void onPolicyDeleted(GenericKubernetesResource r) {
        String name = r.getMetadata().getName();
        policies.remove(name);
        invalidPolicies.remove(name);
        fire(Kind.BGP_POLICY, Set.of(name));
    }

    private void onSecret(Secret s) {
        Map<String, String> p = Converters.passwords(s);
        if (!p.equals(passwords)) {
            passwords = Map.copyOf(p);
            fire(Kind.SECRET, Set.of(PASSWORD_SECRET));
        }
    }

    private void onSecretDeleted() {
        passwords = Map.of();
        fire(Kind.SECRET, Set.of(PASSWORD_SECRET));
    }

    private void onEgress(GenericKubernetesResource r) {
        EgressInfo info = Converters.egress(r);
        EgressInfo old = egresses.put(info.name(), info);
        if (!info.equals(old)) {
            fire(Kind.EGRESS, Set.of(info.name()));
        }
    }

    private void onEgressDeleted(GenericKubernetesResource r) {
        if (egresses.remove(r.getMetadata().getName()) != null) {
            fire(Kind.EGRESS, Set.of(r.getMetadata().getName()));
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
        return Optional.ofNullable(node);
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
        return required.stream().allMatch(SharedIndexInformer::hasSynced);
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
        informers.forEach(SharedIndexInformer::close);
    }
}
