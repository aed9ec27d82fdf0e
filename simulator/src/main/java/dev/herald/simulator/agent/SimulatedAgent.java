package dev.herald.simulator.agent;

import dev.herald.api.Addresses;
import dev.herald.api.PeerStatus;
import dev.herald.api.Route;
import dev.herald.api.spi.BgpServerFactory;
import dev.herald.api.spi.ClusterState;
import dev.herald.api.spi.RouteSource;
import dev.herald.api.spi.StopMode;
import dev.herald.api.spi.Telemetry;
import dev.herald.controller.BgpPolicyReconciler;
import dev.herald.controller.Controller;
import dev.herald.kube.InformerClusterState;
import dev.herald.kube.KubeClients;
import dev.herald.kube.KubeClusterWriter;
import dev.herald.source.egress.EgressRouteSource;
import dev.herald.source.pod.PodRouteSource;
import dev.herald.source.service.ServiceRouteSource;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Herald agent of an emulated node, in the simulator's JVM: the same parts the OSGi components wire together
 * (informers, the three route sources, the {@link Controller} with its loop and timers, a backend), each with its own
 * instances, its own NODE_NAME, kubeconfig and listen address. Only the OSGi shell differs, which the distribution
 * tests cover.
 */
public final class SimulatedAgent implements Agent {
    private static final Logger LOG = LoggerFactory.getLogger(SimulatedAgent.class);

    private final String node;
    private final ExecutorService executor;
    private final KubernetesClient client;
    /** This agent's own informers; null when it uses shared ones. */
    private final InformerClusterState own;
    private final List<RouteSource> sources = new ArrayList<>();
    private final Controller controller;

    /**
     * @param listenAddress the address the agent's BGP server listens on and sends from (its 127.0.0.x)
     */
    public SimulatedAgent(String node, Path kubeconfig, String listenAddress, BgpServerFactory backend)
            throws IOException {
        this(node, null, null, kubeconfig, listenAddress, backend);
    }

    /**
     * An agent on informers shared with other agents ({@link InformerClusterState#allNodes}); {@code client} is
     * shared too and only written through.
     */
    public SimulatedAgent(String node, InformerClusterState shared, KubernetesClient client, String listenAddress,
                          BgpServerFactory backend) throws IOException {
        this(node, shared, client, null, listenAddress, backend);
    }

    private SimulatedAgent(String node, InformerClusterState shared, KubernetesClient sharedClient, Path kubeconfig,
                           String listenAddress, BgpServerFactory backend) throws IOException {
        this.node = node;
        executor = KubeClients.executor("sim-" + node);
        ClusterState cluster;
        KubeClusterWriter writer;
        if (shared == null) {
            client = KubeClients.create(kubeconfig, executor);
            writer = new KubeClusterWriter(client, executor);
            own = new InformerClusterState(client, node, "kube-system").reportingTo(writer);
            cluster = own;
        } else {
            client = null;
            own = null;
            cluster = new NodeView(shared, node);
            writer = new KubeClusterWriter(sharedClient, executor);
        }
        sources.add(new ServiceRouteSource(cluster));
        sources.add(new EgressRouteSource(cluster));
        sources.add(new PodRouteSource(cluster));
        controller = new Controller(new Controller.Parts("sim-reconcile-" + node, cluster, writer,
                () -> Optional.of(backend), List::of, Telemetry.NONE, () -> false),
                new BgpPolicyReconciler.Settings(Optional.of(Addresses.address(listenAddress,
                        "listen address of " + node))));
        sources.forEach(controller::addSource);
    }

    public SimulatedAgent start() {
        if (own != null) {
            own.start();
        }
        controller.start();
        LOG.debug("Agent of {} started", node);
        return this;
    }

    public String node() {
        return node;
    }

    public Optional<String> effectivePolicy() {
        return controller.status().policy();
    }

    public List<PeerStatus> peers() {
        var server = controller.server();
        return server == null ? List.of() : server.peers();
    }

    public List<Route> routes() {
        return controller.status().routes();
    }

    public long reconcileErrors() {
        return controller.reconcileErrors();
    }

    /** Stops the agent as SIGTERM would: sessions closed with a Cease. */
    @Override
    public void close() {
        try {
            controller.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        var server = controller.server();
        if (server != null) {
            try {
                server.stop(StopMode.CEASE);
            } catch (RuntimeException e) {
                LOG.debug("Stopping the BGP server of {}: {}", node, e.getMessage());
            }
        }
        for (RouteSource s : sources) {
            try {
                ((AutoCloseable) s).close();
            } catch (Exception e) {
                LOG.debug("Closing a route source of {}: {}", node, e.getMessage());
            }
        }
        if (own != null) {
            own.close();
            client.close();
        }
        executor.shutdownNow();
    }
}
