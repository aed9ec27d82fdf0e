package dev.herald.simulator.whatif;

import dev.herald.api.BgpPolicy;
import dev.herald.api.EgressInfo;
import dev.herald.api.EndpointInfo;
import dev.herald.api.NodeInfo;
import dev.herald.api.ServiceInfo;
import dev.herald.api.spi.ClusterState;
import dev.herald.api.spi.Registration;
import dev.herald.kube.InformerClusterState;
import dev.herald.kube.KubeClients;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The cluster as every agent would see it at one moment, frozen: each Node, the BGPPolicies in force, Services with
 * their endpoints, Egresses. It is read with Herald's own informers ({@link InformerClusterState}, the code the
 * agents run), through GET, LIST and WATCH only, then the informers are closed. As a {@link ClusterState} it feeds
 * Herald's route sources, which answer for any Node given to them.
 *
 * @param apiServer the API server's address, for the report
 * @param nodes every Node, by name
 * @param policyCreation creation time and generation of every BGPPolicy object, valid or not, by name
 */
public record ClusterSnapshot(String apiServer, List<NodeInfo> nodes, List<BgpPolicy> bgpPolicies,
                              Map<String, String> invalidPolicies, Map<String, ServiceInfo> servicesByKey,
                              Map<String, List<EndpointInfo>> endpointsByService, List<EgressInfo> egresses,
                              Map<String, PolicyMeta> policyCreation) implements ClusterState {
    /** How long the informers' handlers must have been quiet before the state is taken as complete. */
    static final Duration QUIET = Duration.ofMillis(200);
    /** How long objects of the quick lists are waited for once the informers have synced. */
    static final Duration PRESENT_WITHIN = Duration.ofSeconds(5);
    static final ResourceDefinitionContext EGRESSES = new ResourceDefinitionContext.Builder()
            .withGroup("crd.antrea.io").withVersion("v1beta1").withPlural("egresses").withKind("Egress")
            .withNamespaced(false).build();
    static final ResourceDefinitionContext BGP_POLICIES = new ResourceDefinitionContext.Builder()
            .withGroup("crd.antrea.io").withVersion("v1alpha1").withPlural("bgppolicies").withKind("BGPPolicy")
            .withNamespaced(false).build();

    /** A BGPPolicy object's metadata that decides where a replacement of it would stand in the election. */
    public record PolicyMeta(Instant creationTimestamp, long generation) {
    }

    public ClusterSnapshot {
        nodes = nodes.stream().sorted(Comparator.comparing(NodeInfo::name)).toList();
        bgpPolicies = List.copyOf(bgpPolicies);
        invalidPolicies = Map.copyOf(invalidPolicies);
        servicesByKey = Map.copyOf(servicesByKey);
        endpointsByService = Map.copyOf(endpointsByService);
        egresses = List.copyOf(egresses);
        policyCreation = Map.copyOf(policyCreation);
    }

    /**
     * Reads the cluster. Nothing is written: the client lists Nodes and BGPPolicies once and the informers list and
     * watch until they have synced, then stop.
     *
     * @param namespace where the agents' {@code antrea-bgp-passwords} Secret is (the informers watch it)
     * @param timeout how long the informers may take to sync
     * @throws WhatIfException the API server cannot be reached or refuses to list, the BGPPolicy CRD is missing,
     *     or the informers do not sync in time
     */
    public static ClusterSnapshot read(KubernetesClient client, String namespace, Duration timeout)
            throws WhatIfException {
        String api = client.getConfiguration().getMasterUrl();
        List<String> nodeNames = new ArrayList<>();
        Map<String, PolicyMeta> created = new HashMap<>();
        Set<String> serviceKeys = new HashSet<>();
        Set<String> egressNames = new HashSet<>();
        // one quick look first, with a client that does not retry: an unreachable API server is said at once,
        // not after the minutes of retries of the informers' client
        try (KubernetesClient quick = failFast(client.getConfiguration(), timeout)) {
            for (Node n : list(api, "Nodes", () -> quick.nodes().list().getItems())) {
                nodeNames.add(n.getMetadata().getName());
            }
            List<GenericKubernetesResource> policies;
            try {
                policies = quick.genericKubernetesResources(BGP_POLICIES).list().getItems();
            } catch (KubernetesClientException e) {
                if (e.getCode() == 404) {
                    throw new WhatIfException("the cluster at " + api + " has no BGPPolicy resource (CRD "
                            + "bgppolicies.crd.antrea.io, v1alpha1): install Antrea's CRDs or deploy/kubernetes/crds/");
                }
                throw failure(api, "BGPPolicies", e);
            }
            for (var svc : list(api, "Services", () -> quick.services().inAnyNamespace().list().getItems())) {
                serviceKeys.add(svc.getMetadata().getNamespace() + "/" + svc.getMetadata().getName());
            }
            try {
                quick.genericKubernetesResources(EGRESSES).list().getItems()
                        .forEach(e -> egressNames.add(e.getMetadata().getName()));
            } catch (KubernetesClientException e) {
                // Egress is optional (a cluster without Antrea's Egress CRD), as for the agents
            }
            for (GenericKubernetesResource p : policies) {
                String ts = p.getMetadata().getCreationTimestamp();
                Long gen = p.getMetadata().getGeneration();
                created.put(p.getMetadata().getName(), new PolicyMeta(ts == null ? Instant.EPOCH : Instant.parse(ts),
                        gen == null ? 0 : gen));
            }
        }
        InformerClusterState state = InformerClusterState.allNodes(client, namespace);
        AtomicLong lastChange = new AtomicLong(System.nanoTime());
        state.addListener((kind, keys) -> lastChange.set(System.nanoTime()));
        state.start();
        try {
            awaitComplete(state, lastChange, api, namespace, timeout, nodeNames, created.keySet(), serviceKeys,
                    egressNames);
            List<NodeInfo> nodes = new ArrayList<>();
            for (String name : nodeNames) {
                state.node(name).ifPresent(nodes::add); // gone since the list: not there any more
            }
            Map<String, ServiceInfo> services = new TreeMap<>();
            Map<String, List<EndpointInfo>> endpoints = new HashMap<>();
            for (ServiceInfo s : state.services()) {
                services.put(s.key(), s);
                endpoints.put(s.key(), List.copyOf(state.endpoints(s.key())));
            }
            return new ClusterSnapshot(api, nodes, state.bgpPolicies(), state.invalidPolicies(), services, endpoints,
                    List.copyOf(state.egresses()), created);
        } finally {
            state.close();
        }
    }

    /**
     * Waits until the informers' first lists have reached the state. {@link InformerClusterState#synced()} says the
     * informers' caches are filled, but fabric8 hands the objects to the state's handlers afterwards, on another
     * thread: a state read at once may lack some. So this also waits for every object of the quick lists to be
     * there (for a few seconds: one deleted since is not waited for) and for the handlers to be quiet.
     */
    private static void awaitComplete(InformerClusterState state, AtomicLong lastChange, String api, String namespace,
                                      Duration timeout, List<String> nodes, Set<String> policies,
                                      Set<String> services, Set<String> egresses) throws WhatIfException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!state.synced()) {
            if (System.nanoTime() > deadline) {
                throw new WhatIfException("the cluster at " + api + " was not read within " + timeout.toSeconds()
                        + " s: the API server is slow, or this user may not list and watch Nodes, Services, "
                        + "EndpointSlices and BGPPolicies, or get the Secret "
                        + InformerClusterState.PASSWORD_SECRET + " in namespace " + namespace);
            }
            sleep();
        }
        long presentBy = Math.min(deadline, System.nanoTime() + PRESENT_WITHIN.toNanos());
        while (System.nanoTime() < presentBy && !present(state, nodes, policies, services, egresses)) {
            sleep();
        }
        while (System.nanoTime() - lastChange.get() < QUIET.toNanos() && System.nanoTime() < deadline) {
            sleep();
        }
    }

    private static boolean present(InformerClusterState state, List<String> nodes, Set<String> policies,
                                   Set<String> services, Set<String> egresses) {
        Set<String> statePolicies = new HashSet<>(state.invalidPolicies().keySet());
        state.bgpPolicies().forEach(p -> statePolicies.add(p.name()));
        Set<String> stateEgresses = new HashSet<>();
        state.egresses().forEach(e -> stateEgresses.add(e.name()));
        return nodes.stream().allMatch(n -> state.node(n).isPresent()) && statePolicies.containsAll(policies)
                && services.stream().allMatch(k -> state.service(k).isPresent())
                && stateEgresses.containsAll(egresses);
    }

    private interface Read<T> {
        T get();
    }

    private static <T> T list(String api, String what, Read<T> read) throws WhatIfException {
        try {
            return read.get();
        } catch (KubernetesClientException e) {
            throw failure(api, what, e);
        }
    }

    private static WhatIfException failure(String api, String what, KubernetesClientException e) {
        if (e.getCode() == 401 || e.getCode() == 403) {
            return new WhatIfException("the API server at " + api + " refused to list " + what + " (HTTP "
                    + e.getCode() + "): " + e.getStatus().getMessage());
        }
        if (e.getCode() > 0) {
            return new WhatIfException("listing " + what + " at " + api + " failed (HTTP " + e.getCode() + "): "
                    + e.getMessage());
        }
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return new WhatIfException("cannot reach the Kubernetes API at " + api + ": " + root);
    }

    private static KubernetesClient failFast(Config base, Duration timeout) {
        Config c = new ConfigBuilder(base).withRequestRetryBackoffLimit(0)
                .withConnectionTimeout((int) Math.min(timeout.toMillis(), 10_000))
                .withRequestTimeout((int) Math.min(timeout.toMillis(), 30_000)).build();
        return new KubernetesClientBuilder().withConfig(c).withHttpClientFactory(KubeClients.httpClientFactory(c))
                .build();
    }

    private static void sleep() throws WhatIfException {
        try {
            Thread.sleep(5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WhatIfException("interrupted while reading the cluster");
        }
    }

    /** A Node by name. */
    public Optional<NodeInfo> node(String name) {
        return nodes.stream().filter(n -> n.name().equals(name)).findFirst();
    }

    // ---- ClusterState: a frozen one, for the route sources ----

    /** None: the snapshot is every node's view at once; the route sources are asked per Node. */
    @Override
    public Optional<NodeInfo> localNode() {
        return Optional.empty();
    }

    /** Passwords are not read into the snapshot: the what-if does not need them. */
    @Override
    public Map<String, String> bgpPasswords() {
        return Map.of();
    }

    @Override
    public Collection<ServiceInfo> services() {
        return servicesByKey.values();
    }

    @Override
    public Optional<ServiceInfo> service(String key) {
        return Optional.ofNullable(servicesByKey.get(key));
    }

    @Override
    public List<EndpointInfo> endpoints(String serviceKey) {
        return endpointsByService.getOrDefault(serviceKey, List.of());
    }

    @Override
    public boolean synced() {
        return true;
    }

    /** Nothing ever changes in a snapshot. */
    @Override
    public Registration addListener(Listener listener) {
        return () -> {
        };
    }
}
