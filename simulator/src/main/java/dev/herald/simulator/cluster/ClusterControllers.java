package dev.herald.simulator.cluster;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's own controllers, watching the emulated API like the real ones: the EndpointSlice controller (Pods
 * selected by a Service, per address family, with ready/serving/terminating conditions) and Antrea's Egress
 * failover (an Egress whose Node goes away moves to another Node). One worker thread; changes are coalesced per
 * Service, so a burst of Pod events costs one pass per Service touched.
 */
final class ClusterControllers implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterControllers.class);
    static final String MANAGED_BY = "endpointslice-controller.herald.dev";
    /** Marks a Pod whose graceful deletion has begun (see {@link EmulatedCluster#terminate}). */
    static final String TERMINATING = "sim.herald.dev/terminating";

    private final KubernetesClient client;
    private final ClusterDispatcher dispatcher;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "sim-cluster-controllers");
        t.setDaemon(true);
        return t;
    });
    private final Set<String> pendingServices = new LinkedHashSet<>();
    /** A Service taken off the queue is being synced (guarded by pendingServices). */
    private boolean syncing;
    /** Work outside the queue: retries waiting to be queued again, Egress moves (guarded by pendingServices). */
    private int outstanding;
    /** Services whose EndpointSlices this controller wrote (only the worker thread touches it). */
    private final Set<String> managed = new HashSet<>();
    private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
    private SharedIndexInformer<Pod> pods;
    private SharedIndexInformer<Service> services;

    ClusterControllers(KubernetesClient client, ClusterDispatcher dispatcher) {
        this.client = client;
        this.dispatcher = dispatcher;
    }

    ClusterControllers start() {
        services = client.services().inAnyNamespace().inform(handler(this::serviceChanged), 0);
        pods = client.pods().inAnyNamespace().inform(handler(this::podChanged), 0);
        SharedIndexInformer<Node> nodes = client.nodes().inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Node n) {
            }

            @Override
            public void onUpdate(Node o, Node n) {
            }

            @Override
            public void onDelete(Node n, boolean unknown) {
                outside(1);
                worker.execute(() -> {
                    try {
                        moveEgressesOff(n.getMetadata().getName());
                    } finally {
                        outside(-1);
                    }
                });
            }
        }, 0);
        informers.addAll(List.of(services, pods, nodes));
        return this;
    }

    private <T> ResourceEventHandler<T> handler(java.util.function.Consumer<T> changed) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T obj) {
                changed.accept(obj);
            }

            @Override
            public void onUpdate(T oldObj, T newObj) {
                changed.accept(oldObj);
                changed.accept(newObj);
            }

            @Override
            public void onDelete(T obj, boolean deletedFinalStateUnknown) {
                changed.accept(obj);
            }
        };
    }

    private void serviceChanged(Service s) {
        schedule(key(s.getMetadata()));
    }

    private void podChanged(Pod p) {
        if (services == null) {
            return;
        }
        String ns = p.getMetadata().getNamespace();
        Map<String, String> labels = labels(p.getMetadata());
        for (Service s : services.getIndexer().byIndex("namespace", ns)) {
            if (selects(s, labels)) {
                schedule(key(s.getMetadata()));
            }
        }
    }

    private void schedule(String service) {
        synchronized (pendingServices) {
            if (!pendingServices.add(service) || pendingServices.size() > 1) {
                return; // a drain is queued already
            }
        }
        worker.execute(this::drain);
    }

    private void outside(int delta) {
        synchronized (pendingServices) {
            outstanding += delta;
        }
    }

    private void retryLater(String service) {
        outside(1);
        Thread t = new Thread(() -> {
            try {
                Thread.sleep(500);
                schedule(service);
            } catch (InterruptedException | java.util.concurrent.RejectedExecutionException e) {
                // closing
            } finally {
                outside(-1);
            }
        }, "sim-cluster-controllers-retry");
        t.setDaemon(true);
        t.start();
    }

    private void drain() {
        while (true) {
            String next;
            synchronized (pendingServices) {
                if (pendingServices.isEmpty()) {
                    syncing = false;
                    return;
                }
                next = pendingServices.iterator().next();
                pendingServices.remove(next);
                syncing = true;
            }
            try {
                syncSlices(next);
            } catch (RuntimeException e) {
                if (worker.isShutdown()) {
                    return;
                }
                LOG.warn("EndpointSlices of Service {}: {}; trying again", next, e.getMessage());
                retryLater(next);
            }
        }
    }

    private static String key(ObjectMeta m) {
        return m.getNamespace() + "/" + m.getName();
    }

    private static Map<String, String> labels(ObjectMeta m) {
        return m.getLabels() == null ? Map.of() : m.getLabels();
    }

    private static boolean selects(Service s, Map<String, String> labels) {
        Map<String, String> sel = s.getSpec() == null ? null : s.getSpec().getSelector();
        return sel != null && !sel.isEmpty() && labels.entrySet().containsAll(sel.entrySet());
    }

    /** Makes the Service's EndpointSlices (one per address family) say what its selected Pods are now. */
    private void syncSlices(String serviceKey) {
        String[] k = serviceKey.split("/", 2);
        Service s = services.getIndexer().getByKey(serviceKey);
        boolean selects = s != null && s.getSpec().getSelector() != null && !s.getSpec().getSelector().isEmpty();
        if (!selects && !managed.contains(serviceKey)) {
            return; // no selector and no slices of ours: someone else's EndpointSlices, or none at all
        }
        List<EndpointSlice> existing = client.discovery().v1().endpointSlices().inNamespace(k[0])
                .withLabel("kubernetes.io/service-name", k[1]).withLabel("endpointslice.kubernetes.io/managed-by",
                        MANAGED_BY).list().getItems();
        Set<String> wanted = new HashSet<>();
        if (s != null && s.getSpec().getSelector() != null && !s.getSpec().getSelector().isEmpty()) {
            List<String> families = s.getSpec().getIpFamilies() == null || s.getSpec().getIpFamilies().isEmpty()
                    ? List.of("IPv4") : s.getSpec().getIpFamilies();
            for (String family : families) {
                EndpointSlice slice = slice(s, family);
                wanted.add(slice.getMetadata().getName());
                EndpointSlice old = existing.stream().filter(e -> e.getMetadata().getName()
                        .equals(slice.getMetadata().getName())).findFirst().orElse(null);
                if (old == null || !Objects.equals(old.getEndpoints(), slice.getEndpoints())
                        || !Objects.equals(old.getPorts(), slice.getPorts())) {
                    client.discovery().v1().endpointSlices().inNamespace(k[0]).resource(slice)
                            .createOr(x -> x.update());
                    managed.add(serviceKey);
                }
            }
        }
        if (wanted.isEmpty()) {
            managed.remove(serviceKey);
        }
        for (EndpointSlice e : existing) {
            if (!wanted.contains(e.getMetadata().getName())) {
                client.discovery().v1().endpointSlices().inNamespace(k[0]).withName(e.getMetadata().getName())
                        .delete();
            }
        }
    }

    private EndpointSlice slice(Service s, String family) {
        List<Endpoint> endpoints = new ArrayList<>();
        boolean v6 = "IPv6".equals(family);
        List<Pod> selected = new ArrayList<>(pods.getIndexer().byIndex("namespace", s.getMetadata().getNamespace()));
        selected.sort(java.util.Comparator.comparing(p -> p.getMetadata().getName()));
        for (Pod p : selected) {
            if (!selects(s, labels(p.getMetadata())) || p.getSpec() == null || p.getSpec().getNodeName() == null
                    || p.getStatus() == null) {
                continue;
            }
            List<String> ips = new ArrayList<>();
            if (p.getStatus().getPodIPs() != null) {
                p.getStatus().getPodIPs().stream().map(PodIP::getIp).forEach(ips::add);
            } else if (p.getStatus().getPodIP() != null) {
                ips.add(p.getStatus().getPodIP());
            }
            String ip = ips.stream().filter(a -> a.contains(":") == v6).findFirst().orElse(null);
            if (ip == null) {
                continue;
            }
            boolean terminating = p.getMetadata().getDeletionTimestamp() != null
                    || p.getMetadata().getAnnotations() != null
                    && p.getMetadata().getAnnotations().containsKey(TERMINATING);
            boolean podReady = p.getStatus().getConditions() == null || p.getStatus().getConditions().stream()
                    .filter(c -> "Ready".equals(c.getType())).allMatch(c -> "True".equals(c.getStatus()));
            endpoints.add(new EndpointBuilder().withAddresses(ip).withNodeName(p.getSpec().getNodeName())
                    .withNewConditions().withReady(podReady && !terminating).withServing(podReady)
                    .withTerminating(terminating).endConditions()
                    .withNewTargetRef().withKind("Pod").withNamespace(p.getMetadata().getNamespace())
                    .withName(p.getMetadata().getName()).endTargetRef().build());
        }
        List<EndpointPort> ports = new ArrayList<>();
        for (ServicePort sp : s.getSpec().getPorts() == null ? List.<ServicePort>of() : s.getSpec().getPorts()) {
            ports.add(new EndpointPortBuilder().withName(sp.getName()).withPort(sp.getTargetPort() != null
                    && sp.getTargetPort().getIntVal() != null ? sp.getTargetPort().getIntVal() : sp.getPort())
                    .withProtocol(sp.getProtocol() == null ? "TCP" : sp.getProtocol()).build());
        }
        return new EndpointSliceBuilder().withNewMetadata()
                .withName(s.getMetadata().getName() + "-" + family.toLowerCase())
                .withNamespace(s.getMetadata().getNamespace())
                .addToLabels("kubernetes.io/service-name", s.getMetadata().getName())
                .addToLabels("endpointslice.kubernetes.io/managed-by", MANAGED_BY).endMetadata()
                .withAddressType(family).withEndpoints(endpoints).withPorts(ports).build();
    }

    /** Antrea moves an Egress off a Node that is gone; here to the next Node by name hash. */
    @SuppressWarnings("unchecked")
    private void moveEgressesOff(String node) {
        try {
            for (GenericKubernetesResource e : client.genericKubernetesResources(EmulatedCluster.EGRESSES).list()
                    .getItems()) {
                Object st = e.getAdditionalProperties().get("status");
                if (st instanceof Map<?, ?> status && node.equals(status.get("egressNode"))) {
                    String target = dispatcher.placeEgress(e.getMetadata().getName(), Set.of(node)).orElse(null);
                    Map<String, Object> s = new java.util.LinkedHashMap<>((Map<String, Object>) status);
                    if (target == null) {
                        s.remove("egressNode");
                    } else {
                        s.put("egressNode", target);
                    }
                    e.getAdditionalProperties().put("status", s);
                    client.genericKubernetesResources(EmulatedCluster.EGRESSES).resource(e).updateStatus();
                    LOG.info("Egress {} moved from Node {} to {}", e.getMetadata().getName(), node,
                            target == null ? "no Node" : target);
                }
            }
        } catch (RuntimeException ex) {
            LOG.warn("Could not move the Egresses of Node {}: {}", node, ex.getMessage());
        }
    }

    /** True when no change is waiting to be applied. */
    /**
     * Nothing queued, running or waiting to be retried, and the Service watch has caught up with the Services the
     * API holds ({@code services}: a count the API server keeps).
     */
    boolean idle(int services) {
        synchronized (pendingServices) {
            if (!pendingServices.isEmpty() || syncing || outstanding > 0) {
                return false;
            }
        }
        return this.services == null || this.services.getStore().list().size() >= services;
    }

    @Override
    public void close() {
        informers.forEach(SharedIndexInformer::close);
        worker.shutdownNow();
        try {
            worker.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
