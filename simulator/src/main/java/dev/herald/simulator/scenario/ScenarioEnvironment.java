package dev.herald.simulator.scenario;

import dev.herald.api.spi.BgpServerFactory;
import dev.herald.backend.nativebgp.NativeBgpServerFactory;
import dev.herald.simulator.agent.Agent;
import dev.herald.simulator.agent.FrameworkAgent;
import dev.herald.simulator.agent.SimulatedAgent;
import dev.herald.simulator.cluster.EmulatedCluster;
import dev.herald.simulator.peer.AddressText;
import dev.herald.simulator.peer.EmulatedPeer;
import dev.herald.simulator.peer.EmulatedPeerConfig;
import dev.herald.simulator.peer.EmulatedPeers;
import dev.herald.simulator.peer.LearnedRoute;
import dev.herald.simulator.scenario.Scenario.NodeSpec;
import dev.herald.simulator.scenario.Scenario.PeerSpec;
import dev.herald.support.gobgp.GobgpdBinary;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a scenario runs on: the emulated cluster, the emulated peers and one agent per node (none with
 * {@code agents: none}), and which node is behind an address. Everything it started is closed by {@link #close()}.
 */
final class ScenarioEnvironment implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ScenarioEnvironment.class);

    private final Scenario scenario;
    private final Path workDir;
    private final PrintStream out;
    private EmulatedCluster cluster;
    private EmulatedPeers peers;
    private final Map<String, EmulatedPeer> peerByName = new LinkedHashMap<>();
    /** Every node's agent, of one kind: in this JVM, or in an OSGi framework of its own ({@code agents: framework}). */
    private final Map<String, Agent> agents = new LinkedHashMap<>();
    /** Node by every address or router ID its sessions can show (router ID = the node's IPv4 address). */
    private final Map<String, String> nodeByAddress = new HashMap<>();
    // informers shared by all agents (informers: shared)
    private java.util.concurrent.ExecutorService sharedExecutor;
    private io.fabric8.kubernetes.client.KubernetesClient sharedClient;
    private dev.herald.kube.InformerClusterState shared;

    ScenarioEnvironment(Scenario scenario, Path workDir, PrintStream out) {
        this.scenario = scenario;
        this.workDir = workDir;
        this.out = out;
    }

    EmulatedCluster cluster() {
        return cluster;
    }

    EmulatedPeer peer(String name) {
        return peerByName.get(name);
    }

    /** The peers by name, in the scenario's order. */
    Map<String, EmulatedPeer> peers() {
        return Map.copyOf(peerByName);
    }

    /** The peers by name, in the scenario's order (a view). */
    Map<String, EmulatedPeer> peersInOrder() {
        return java.util.Collections.unmodifiableMap(peerByName);
    }

    Map<String, Agent> agents() {
        return Map.copyOf(agents);
    }

    /** The agents in their own framework: of one node when given, else all. */
    List<FrameworkAgent> frameworkAgents(java.util.Optional<String> node) {
        var candidates = node.isPresent() ? java.util.stream.Stream.ofNullable(agents.get(node.get()))
                : agents.values().stream();
        return candidates.filter(FrameworkAgent.class::isInstance).map(FrameworkAgent.class::cast).toList();
    }

    /** Starts everything: cluster, peers, objects, agents (none with {@code agents: none}). */
    void start() throws IOException {
        cluster = new EmulatedCluster(workDir.resolve("cluster"), scenario.cluster());
        for (NodeSpec n : scenario.nodes()) {
            List<String> ips = new ArrayList<>(List.of(n.address()));
            n.ipv6Address().ifPresent(ips::add);
            cluster.node(n.name(), ips, n.labels(), n.podCidrs());
            nodeByAddress.put(n.address(), n.name());
        }
        if (scenario.frameworkAgents()) {
            // for the rest of this JVM: see PeerTransport
            System.setProperty("herald.sim.transport", "nio");
        }
        startPeers();
        long t0 = System.nanoTime();
        int applied = scenario.objects().isBlank() ? 0 : cluster.apply(scenario.objects()).size();
        // the agents start on a cluster whose controllers are done (EndpointSlices written), as on a real one
        try {
            if (!cluster.awaitSettled(Duration.ofSeconds(60))) {
                LOG.warn("The emulated cluster's controllers were still busy 60 s after the objects were applied");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while the emulated cluster settled", e);
        }
        long t1 = System.nanoTime();
        if (scenario.noAgents()) {
            out.printf("Scenario %s: %d node(s) without agents (agents: none: run them against the kubeconfig), "
                            + "%d peer(s), %d object(s) applied (and the cluster settled) in %.1f s; kubeconfig %s%n",
                    scenario.name(), scenario.nodes().size(), peerByName.size(), applied, (t1 - t0) / 1e9,
                    cluster.kubeconfig());
            return;
        }
        if (scenario.frameworkAgents()) {
            startFrameworkAgents();
        } else {
            startSimulatedAgents();
        }
        out.printf("Scenario %s: %d node(s) with an agent each%s, %d peer(s), %d object(s) applied (and the cluster "
                        + "settled) in %.1f s, agents started in %.1f s; kubeconfig %s%n", scenario.name(),
                agents.size(), scenario.frameworkAgents() ? " in its own OSGi framework" : "", peerByName.size(),
                applied, (t1 - t0) / 1e9, (System.nanoTime() - t1) / 1e9, cluster.kubeconfig());
    }

    private void startPeers() {
        peers = new EmulatedPeers();
        int i = 1;
        for (PeerSpec p : scenario.peers()) {
            EmulatedPeerConfig c = EmulatedPeerConfig.of(p.name(), address(p.address()), p.port(), p.asn(),
                    "10.255.255." + i++);
            if (p.password().isPresent()) {
                c = c.withPassword(p.password().get());
            }
            if (p.gracefulRestart()) {
                c = c.withGracefulRestart(true, EmulatedPeerConfig.DEFAULT_RESTART_TIME);
            }
            if (p.connect().isPresent()) {
                List<InetSocketAddress> agentsAt = new ArrayList<>();
                for (NodeSpec n : scenario.nodes()) {
                    agentsAt.add(new InetSocketAddress(address(n.address()), p.connect().get()));
                }
                c = c.connectingTo(agentsAt);
            }
            peerByName.put(p.name(), peers.add(c));
        }
    }

    private void startSimulatedAgents() throws IOException {
        BgpServerFactory backend = backend(scenario.backend());
        if (scenario.sharedInformers()) {
            sharedExecutor = dev.herald.kube.KubeClients.executor("sim-shared");
            sharedClient = dev.herald.kube.KubeClients.create(cluster.kubeconfig(), sharedExecutor);
            shared = dev.herald.kube.InformerClusterState.allNodes(sharedClient, "kube-system")
                    .reportingTo(new dev.herald.kube.KubeClusterWriter(sharedClient, sharedExecutor)).start();
        }
        for (NodeSpec n : scenario.nodes()) {
            SimulatedAgent a = shared == null
                    ? new SimulatedAgent(n.name(), cluster.kubeconfig(), n.address(), backend)
                    : new SimulatedAgent(n.name(), shared, sharedClient, n.address(), backend);
            agents.put(n.name(), a.start());
        }
    }

    /** One agent per node, each the distribution's bundles in a framework of its own, started one after another. */
    private void startFrameworkAgents() throws IOException {
        String home = System.getProperty("herald.home");
        if (home == null || !Files.isDirectory(Path.of(home, "system"))) {
            throw new ScenarioException("agents: framework boots the distribution's bundles: run it with bin/herald "
                    + "sim (or give the distribution folder with -Dherald.home=...)");
        }
        if (scenario.needsGobgp()) {
            backend("gobgp"); // says so when gobgpd is missing
        }
        for (NodeSpec n : scenario.nodes()) {
            agents.put(n.name(), FrameworkAgent.start(Path.of(home), workDir.resolve("agents").resolve(n.name()),
                    n.name(), cluster.kubeconfig(), n.address(), scenario.backend()));
        }
    }

    /** The agents' backend: Herald's own speaker, or one supervised gobgpd per agent. */
    private static BgpServerFactory backend(String name) {
        if (name.equals("native")) {
            return new NativeBgpServerFactory();
        }
        if (!GobgpdBinary.installed()) {
            throw new ScenarioException("backend: gobgp needs gobgpd (Debian: apt-get install gobgpd), which is not "
                    + "installed here");
        }
        return new dev.herald.backend.gobgp.GobgpBgpServerFactory();
    }

    String nodeOf(LearnedRoute r) {
        return nodeOf(r.fromRouterId(), r.fromAddress());
    }

    /** The node behind a session: by its router ID (the node's IPv4 address), else by the session's address. */
    String nodeOf(String routerId, InetAddress remote) {
        String byId = routerId == null ? null : nodeByAddress.get(routerId);
        return byId != null ? byId : nodeByAddress.getOrDefault(remote.getHostAddress(), AddressText.of(remote));
    }

    private static InetAddress address(String a) {
        try {
            return InetAddress.getByName(a);
        } catch (UnknownHostException e) {
            throw new ScenarioException("not an address: " + a);
        }
    }

    @Override
    public void close() {
        agents.values().forEach(a -> {
            try {
                a.close();
            } catch (RuntimeException e) {
                LOG.debug("closing agent {}: {}", a.node(), e.getMessage());
            }
        });
        if (shared != null) {
            shared.close();
            sharedClient.close();
            sharedExecutor.shutdownNow();
        }
        if (peers != null) {
            peers.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }
}
