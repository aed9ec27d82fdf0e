package dev.herald.simulator.scenario;

import dev.herald.api.spi.BgpServerFactory;
import dev.herald.backend.nativebgp.NativeBgpServerFactory;
import dev.herald.simulator.agent.SimulatedAgent;
import dev.herald.simulator.cluster.EmulatedCluster;
import dev.herald.simulator.peer.AddressText;
import dev.herald.simulator.peer.EmulatedPeer;
import dev.herald.simulator.peer.EmulatedPeerConfig;
import dev.herald.simulator.peer.EmulatedPeers;
import dev.herald.simulator.peer.LearnedRoute;
import dev.herald.simulator.peer.RemoteId;
import dev.herald.simulator.peer.Remotes;
import dev.herald.simulator.peer.SessionFault;
import dev.herald.simulator.scenario.Scenario.ApiServer;
import dev.herald.simulator.scenario.Scenario.Apply;
import dev.herald.simulator.scenario.Scenario.Delete;
import dev.herald.simulator.scenario.Scenario.Expect;
import dev.herald.simulator.scenario.Scenario.ExpectCondition;
import dev.herald.simulator.scenario.Scenario.ExpectCount;
import dev.herald.simulator.scenario.Scenario.ExpectEstablished;
import dev.herald.simulator.scenario.Scenario.Fault;
import dev.herald.simulator.scenario.Scenario.Label;
import dev.herald.simulator.scenario.Scenario.NodeSpec;
import dev.herald.simulator.scenario.Scenario.PeerSpec;
import dev.herald.simulator.scenario.Scenario.Sleep;
import dev.herald.simulator.scenario.Scenario.Step;
import dev.herald.simulator.scenario.Scenario.Terminate;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a scenario: brings up the emulated cluster, the emulated peers and one Herald agent per node, applies the
 * starting objects, then walks the timeline. Stops at the first expectation that fails and says what was seen
 * instead. Everything it started is closed by {@link #close()}.
 */
public final class ScenarioRunner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ScenarioRunner.class);
    private static final Duration POLL = Duration.ofMillis(100);

    /** The outcome: passed, or the failed step and what was seen; plus how long the run took. */
    public record Result(boolean passed, String failedStep, String message, Duration elapsed) {
    }

    private final Scenario scenario;
    private final Path workDir;
    private final PrintStream out;
    private final boolean progress;
    private EmulatedCluster cluster;
    private ClusterChecks checks;
    private EmulatedPeers peers;
    private final Map<String, EmulatedPeer> peerByName = new LinkedHashMap<>();
    private final Map<String, SimulatedAgent> agents = new LinkedHashMap<>();
    /** Agents in their own OSGi framework ({@code agents: framework}). */
    private final Map<String, dev.herald.simulator.agent.FrameworkAgent> frameworkAgents = new LinkedHashMap<>();
    /** Each peer's sessions (remote: established since) when the current history began. */
    private final Map<String, Map<RemoteId, Optional<java.time.Instant>>> historyMark = new HashMap<>();
    /** Node by every address or router ID its sessions can show (router ID = the node's IPv4 address). */
    private final Map<String, String> nodeByAddress = new HashMap<>();
    // informers shared by all agents (informers: shared)
    private java.util.concurrent.ExecutorService sharedExecutor;
    private io.fabric8.kubernetes.client.KubernetesClient sharedClient;
    private dev.herald.kube.InformerClusterState shared;

    /**
     * @param out where step lines and tables go
     * @param progress print a progress line while waiting (for a terminal)
     */
    public ScenarioRunner(Scenario scenario, Path workDir, PrintStream out, boolean progress) {
        this.scenario = scenario;
        this.workDir = workDir;
        this.out = out;
        this.progress = progress;
    }

    public EmulatedCluster cluster() {
        return cluster;
    }

    public Map<String, EmulatedPeer> peers() {
        return Map.copyOf(peerByName);
    }

    public Map<String, SimulatedAgent> agents() {
        return Map.copyOf(agents);
    }

    /** Starts everything: cluster, peers, objects, agents (none with {@code agents: none}). */
    public void start() throws IOException {
        cluster = new EmulatedCluster(workDir.resolve("cluster"), scenario.cluster());
        checks = new ClusterChecks(cluster);
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
                List<java.net.InetSocketAddress> agentsAt = new ArrayList<>();
                for (NodeSpec n : scenario.nodes()) {
                    agentsAt.add(new java.net.InetSocketAddress(address(n.address()), p.connect().get()));
                }
                c = c.connectingTo(agentsAt);
            }
            peerByName.put(p.name(), peers.add(c));
        }
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
            startFrameworkAgents(t0, t1, applied);
            return;
        }
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
        out.printf("Scenario %s: %d node(s) with an agent each, %d peer(s), %d object(s) applied (and the cluster "
                        + "settled) in %.1f s, agents started in %.1f s; kubeconfig %s%n", scenario.name(),
                agents.size(), peerByName.size(), applied, (t1 - t0) / 1e9, (System.nanoTime() - t1) / 1e9,
                cluster.kubeconfig());
    }

    /** The agents' backend: Herald's own speaker, or one supervised gobgpd per agent. */
    private static BgpServerFactory backend(String name) {
        if (name.equals("native")) {
            return new NativeBgpServerFactory();
        }
        if (!gobgpdInstalled()) {
            throw new ScenarioException("backend: gobgp needs gobgpd (Debian: apt-get install gobgpd), which is not "
                    + "installed here");
        }
        return new dev.herald.backend.gobgp.GobgpBgpServerFactory();
    }

    /** Where the goBGP backend looks for the daemon when no path is configured. */
    public static boolean gobgpdInstalled() {
        if (java.nio.file.Files.isExecutable(Path.of("/usr/sbin/gobgpd"))
                || java.nio.file.Files.isExecutable(Path.of("/usr/bin/gobgpd"))) {
            return true;
        }
        String path = System.getenv("PATH");
        return path != null && java.util.Arrays.stream(path.split(":"))
                .anyMatch(d -> java.nio.file.Files.isExecutable(Path.of(d, "gobgpd")));
    }

    /** One agent per node, each the distribution's bundles in a framework of its own, started one after another. */
    private void startFrameworkAgents(long t0, long t1, int applied) throws IOException {
        String home = System.getProperty("herald.home");
        if (home == null || !java.nio.file.Files.isDirectory(Path.of(home, "system"))) {
            throw new ScenarioException("agents: framework boots the distribution's bundles: run it with bin/herald "
                    + "sim (or give the distribution folder with -Dherald.home=...)");
        }
        if (scenario.needsGobgp()) {
            backend("gobgp"); // says so when gobgpd is missing
        }
        for (NodeSpec n : scenario.nodes()) {
            frameworkAgents.put(n.name(), dev.herald.simulator.agent.FrameworkAgent.start(Path.of(home),
                    workDir.resolve("agents").resolve(n.name()), n.name(), cluster.kubeconfig(), n.address(),
                    scenario.backend()));
        }
        markHistory();
        out.printf("Scenario %s: %d node(s) with an agent each in its own OSGi framework, %d peer(s), %d object(s) "
                        + "applied (and the cluster settled) in %.1f s, agents started in %.1f s; kubeconfig %s%n",
                scenario.name(), frameworkAgents.size(), peerByName.size(), applied, (t1 - t0) / 1e9,
                (System.nanoTime() - t1) / 1e9, cluster.kubeconfig());
    }

    /** A new history starts (at the start, a swap or a fault): what each peer saw so far is forgotten, its sessions
     *  are noted. */
    private void markHistory() {
        peerByName.keySet().forEach(this::markHistory);
    }

    private void markHistory(String peer) {
        EmulatedPeer p = peerByName.get(peer);
        p.clearEvents();
        Map<RemoteId, Optional<java.time.Instant>> sessions = new HashMap<>();
        p.sessions().forEach(si -> sessions.put(si.id(), si.establishedSince()));
        historyMark.put(peer, sessions);
    }

    private String swap(Scenario.Swap w) {
        markHistory();
        List<dev.herald.simulator.agent.FrameworkAgent> targets = w.node().map(n -> List.of(frameworkAgents.get(n)))
                .orElse(List.copyOf(frameworkAgents.values()));
        for (var a : targets) {
            try {
                switch (w.action()) {
                    case "update" -> a.update(w.target());
                    case "uninstall" -> a.uninstall(w.target());
                    case "install" -> a.install(w.target());
                    case "backend" -> a.backend(w.target());
                    default -> throw new IllegalStateException(w.action());
                }
            } catch (Exception e) {
                return "agent " + a.node() + ": " + w.action() + " " + w.target() + " failed: " + e.getMessage();
            }
        }
        return null;
    }

    private String checkHistory(Scenario.ExpectHistory h) {
        EmulatedPeer p = peerByName.get(h.peer());
        List<String> problems = new ArrayList<>();
        Set<String> withdrawn = new TreeSet<>();
        p.events().stream().filter(e -> e.kind() == dev.herald.simulator.peer.RouteEvent.Kind.WITHDRAW)
                .forEach(e -> withdrawn.add(e.prefix()));
        if (!withdrawn.equals(h.withdrawn())) {
            Set<String> unexpected = new TreeSet<>(withdrawn);
            unexpected.removeAll(h.withdrawn());
            Set<String> missing = new TreeSet<>(h.withdrawn());
            missing.removeAll(withdrawn);
            if (!unexpected.isEmpty()) {
                problems.add(unexpected.size() + " prefix(es) withdrawn that should not have been: "
                        + unexpected.stream().limit(10).toList());
            }
            if (!missing.isEmpty()) {
                problems.add("not withdrawn: " + missing);
            }
        }
        historyMark.getOrDefault(h.peer(), Map.of()).forEach((remote, since) -> {
            Optional<dev.herald.simulator.peer.SessionInfo> si = p.session(remote);
            Optional<java.time.Instant> now = si.flatMap(dev.herald.simulator.peer.SessionInfo::establishedSince);
            String node = nodeOf(remote.routerId().orElse(null), remote.address());
            if (h.sessions().equals("kept") && !now.equals(since)) {
                problems.add("the session with " + node + " was " + (now.isEmpty() ? "down" : "re-established")
                        + " (established " + since.map(Object::toString).orElse("never") + " before, "
                        + now.map(Object::toString).orElse("not now") + ")");
            } else if (h.sessions().equals("renewed")) {
                if (now.isEmpty() || (since.isPresent() && !now.get().isAfter(since.get()))) {
                    problems.add("the session with " + node + " was not replaced by a new one yet");
                } else if (!si.get().endOfRibReceived().containsAll(si.get().families())
                        || si.get().staleRoutes() > 0) {
                    problems.add("the new session with " + node + " has not finished its graceful restart: End-of-RIB "
                            + "for " + si.get().endOfRibReceived() + " of " + si.get().families() + ", "
                            + si.get().staleRoutes() + " stale route(s)");
                }
            }
        });
        return problems.isEmpty() ? null : String.join("\n", problems);
    }

    /** Walks the timeline; returns at the first failed expectation. */
    public Result run() {
        long t0 = System.nanoTime();
        for (Step s : scenario.steps()) {
            String failure;
            long s0 = System.nanoTime();
            try {
                failure = execute(s);
            } catch (RuntimeException e) {
                failure = e.getClass().getSimpleName() + ": " + e.getMessage();
            }
            Duration took = Duration.ofNanos(System.nanoTime() - s0);
            clearProgress();
            if (failure != null) {
                out.printf("FAIL %s %s%n%s%n", s.where(), describe(s), indent(failure));
                return new Result(false, s.where() + " " + describe(s), failure, Duration.ofNanos(System.nanoTime() - t0));
            }
            out.printf("ok   %s %s (%s)%n", s.where(), describe(s), seconds(took));
        }
        return new Result(true, null, null, Duration.ofNanos(System.nanoTime() - t0));
    }

    /** Does the step; returns null when it passed, else what was seen instead. */
    private String execute(Step s) {
        if (s instanceof Apply a) {
            cluster.apply(a.yaml());
            return null;
        }
        if (s instanceof Scenario.Generate g) {
            cluster.apply(GeneratedObject.json(g));
            return null;
        }
        if (s instanceof Delete d) {
            return cluster.delete(d.kind(), d.namespace(), d.name()) ? null
                    : d.kind() + " " + d.name() + " does not exist";
        }
        if (s instanceof Terminate t) {
            cluster.terminate(t.namespace(), t.pod());
            return null;
        }
        if (s instanceof Label l) {
            cluster.label(l.node(), l.labels());
            return null;
        }
        if (s instanceof ApiServer a) {
            if (a.up()) {
                cluster.reconnectAgents();
            } else {
                cluster.cutAgentsOff();
            }
            return null;
        }
        if (s instanceof Sleep sl) {
            sleep(sl.duration());
            return null;
        }
        if (s instanceof Fault f) {
            return fault(f);
        }
        if (s instanceof Expect e) {
            return await(e.within(), () -> checkRoutes(e), () -> progressOf(e));
        }
        if (s instanceof ExpectCount c) {
            return await(c.within(), () -> checkCount(c), () -> countProgress(c));
        }
        if (s instanceof ExpectCondition c) {
            return await(c.within(), () -> checks.condition(c), () -> "waiting for the condition");
        }
        if (s instanceof Scenario.ExpectEvent e) {
            return await(e.within(), () -> checks.event(e), () -> "waiting for the Event");
        }
        if (s instanceof ExpectEstablished e) {
            return await(e.within(), () -> checkEstablished(e), () -> "waiting for sessions");
        }
        if (s instanceof Scenario.Swap w) {
            return swap(w);
        }
        if (s instanceof Scenario.ExpectHistory h) {
            return await(h.within(), () -> checkHistory(h), () -> "waiting for the sessions");
        }
        throw new IllegalStateException("unknown step " + s);
    }

    /**
     * Injects the fault and, for those that end sessions, waits until the sessions hit really went down, so the
     * next step sees the consequence and not the state before it.
     */
    private String fault(Fault f) {
        if (!f.action().equals("resume-reading")) {
            // expectHistory after a fault: what the peer saw since, and whether its sessions came back
            markHistory(f.peer());
        }
        EmulatedPeer p = peerByName.get(f.peer());
        Map<RemoteId, Optional<java.time.Instant>> before = new HashMap<>();
        p.sessions().stream().filter(s -> s.state() == dev.herald.bgp.session.FsmState.ESTABLISHED)
                .filter(s -> f.node().isEmpty() || f.node().get().equals(nodeOf(s.remoteRouterId(), s.remote())))
                .forEach(s -> before.put(s.id(), s.establishedSince()));
        boolean reading = Set.of("stop-reading", "resume-reading").contains(f.action());
        String failure = null;
        if (f.node().isPresent() && !Set.of("restart", "graceful-restart").contains(f.action())) {
            // a node's session, told apart by router ID where agents share ::1
            if (before.isEmpty() && !reading) {
                failure = "no Established session with " + f.node().get();
            }
            for (Iterator<RemoteId> it = before.keySet().iterator(); failure == null && it.hasNext(); ) {
                failure = inject(p, f, Optional.of(it.next()));
            }
        } else {
            failure = inject(p, f, Optional.empty());
        }
        if (failure != null || reading) {
            return failure;
        }
        return await(Duration.ofSeconds(5), () -> {
            List<String> still = new ArrayList<>();
            before.forEach((id, since) -> p.session(id).ifPresent(s -> {
                if (s.state() == dev.herald.bgp.session.FsmState.ESTABLISHED && s.establishedSince().equals(since)) {
                    still.add(nodeOf(s.remoteRouterId(), s.remote()));
                }
            }));
            return still.isEmpty() ? null : "sessions with " + still + " did not go down";
        }, () -> "waiting for the fault to take effect");
    }

    private String inject(EmulatedPeer p, Fault f, Optional<RemoteId> remote) {
        Remotes which = remote.map(Remotes::of).orElse(Remotes.ALL);
        switch (f.action()) {
            case "drop":
                return p.inject(SessionFault.DROP, which) > 0 ? null : "no session to drop";
            case "notification": // Cease, administrative reset
                return p.inject(SessionFault.notification(6, 4), which) > 0
                        ? null : "no session to send a NOTIFICATION on";
            case "stop-reading":
                p.inject(SessionFault.STOP_READING, which);
                return null;
            case "resume-reading":
                p.inject(SessionFault.RESUME_READING, which);
                return null;
            case "malformed":
                return p.inject(SessionFault.MALFORMED_UPDATE, which) > 0 ? null
                        : "no session to send a malformed UPDATE on";
            case "restart":
                p.restart(false);
                return null;
            case "graceful-restart":
                p.restart(true);
                return null;
            default:
                throw new IllegalStateException(f.action());
        }
    }

    /**
     * Polls a check until it passes or time is up. A check of a large table costs real CPU, which the agents need:
     * the pause between polls grows with the cost of a poll (at least 100 ms, at most a fifth of the time busy).
     */
    private String await(Duration within, Supplier<String> check, Supplier<String> progressLine) {
        long deadline = System.nanoTime() + within.toNanos();
        long lastProgress = 0;
        String last;
        while (true) {
            long t0 = System.nanoTime();
            last = check.get();
            long cost = System.nanoTime() - t0;
            if (last == null) {
                return null;
            }
            if (System.nanoTime() > deadline) {
                return "not within " + seconds(within) + ":\n" + last;
            }
            if (progress && System.nanoTime() - lastProgress > 1_000_000_000L) {
                out.print("\r  " + progressLine.get() + "   ");
                out.flush();
                lastProgress = System.nanoTime();
            }
            sleep(Duration.ofNanos(Math.max(POLL.toNanos(), 4 * cost)));
        }
    }

    /** Prefix → the nodes it was learned from, as the peer holds it now. */
    private Map<String, Set<String>> seen(EmulatedPeer p, List<String> badNextHops) {
        Map<String, Set<String>> seen = new TreeMap<>();
        for (Map<String, LearnedRoute> routes : p.table().values()) {
            for (LearnedRoute r : routes.values()) {
                String node = nodeOf(r);
                seen.computeIfAbsent(r.prefix(), k -> new TreeSet<>()).add(node);
                if (r.nextHop() == null || !r.nextHop().equals(r.fromAddress())) {
                    badNextHops.add(r.prefix() + " from " + node + " has next hop "
                            + (r.nextHop() == null ? "none" : AddressText.of(r.nextHop()))
                            + ", not its session address " + AddressText.of(r.fromAddress()));
                }
            }
        }
        return seen;
    }

    private String nodeOf(LearnedRoute r) {
        return nodeOf(r.fromRouterId(), r.fromAddress());
    }

    /** The node behind a session: by its router ID (the node's IPv4 address), else by the session's address. */
    private String nodeOf(String routerId, InetAddress remote) {
        String byId = routerId == null ? null : nodeByAddress.get(routerId);
        return byId != null ? byId : nodeByAddress.getOrDefault(remote.getHostAddress(), AddressText.of(remote));
    }

    private String checkRoutes(Expect e) {
        EmulatedPeer p = peerByName.get(e.peer());
        List<String> problems = new ArrayList<>();
        Map<String, Set<String>> seen = seen(p, problems);
        for (Map.Entry<String, Set<String>> want : e.routes().entrySet()) {
            Set<String> got = seen.getOrDefault(want.getKey(), Set.of());
            if (!got.equals(want.getValue())) {
                problems.add(want.getKey() + ": expected from " + want.getValue() + ", seen from "
                        + (got.isEmpty() ? "no node" : got));
            }
        }
        if (e.exactly()) {
            seen.forEach((prefix, from) -> {
                if (!e.routes().containsKey(prefix)) {
                    problems.add(prefix + ": not expected, seen from " + from);
                }
            });
        }
        if (e.asPath().isPresent()) {
            for (Map<String, LearnedRoute> routes : p.table().values()) {
                for (LearnedRoute r : routes.values()) {
                    String path = r.asPath().stream().map(String::valueOf).reduce((a, b) -> a + " " + b).orElse("");
                    if (e.routes().containsKey(r.prefix()) && !path.equals(e.asPath().get())) {
                        problems.add(r.prefix() + " from " + nodeOf(r) + ": AS path '" + path + "', expected '"
                                + e.asPath().get() + "'");
                    }
                }
            }
        }
        for (String a : e.absent()) {
            if (seen.containsKey(a)) {
                problems.add(a + ": expected absent, seen from " + seen.get(a));
            }
        }
        return problems.isEmpty() ? null : String.join("\n", problems);
    }

    private String checkCount(ExpectCount c) {
        List<String> problems = new ArrayList<>();
        Map<String, Set<String>> seen = seen(peerByName.get(c.peer()), problems);
        long routes = seen.values().stream().mapToLong(Set::size).sum();
        if (seen.size() != c.prefixes() || routes != c.routes()) {
            problems.add(0, "holds " + seen.size() + " prefixes and " + routes + " routes, expected " + c.prefixes()
                    + " and " + c.routes());
        }
        return problems.isEmpty() ? null : String.join("\n", problems.subList(0, Math.min(problems.size(), 20)));
    }

    private String countProgress(ExpectCount c) {
        Map<String, Set<String>> seen = seen(peerByName.get(c.peer()), new ArrayList<>());
        return "converging: peer " + c.peer() + " has " + seen.size() + "/" + c.prefixes() + " prefixes, "
                + seen.values().stream().mapToLong(Set::size).sum() + "/" + c.routes() + " routes";
    }

    private String progressOf(Expect e) {
        Map<String, Set<String>> seen = seen(peerByName.get(e.peer()), new ArrayList<>());
        long ok = e.routes().entrySet().stream().filter(w -> w.getValue().equals(seen.get(w.getKey()))).count();
        return "converging: peer " + e.peer() + " has " + ok + "/" + e.routes().size() + " expected routes, "
                + seen.size() + " prefixes in all";
    }

    private String checkEstablished(ExpectEstablished e) {
        Set<String> with = new TreeSet<>();
        peerByName.get(e.peer()).sessions().stream()
                .filter(s -> s.state() == dev.herald.bgp.session.FsmState.ESTABLISHED)
                .forEach(s -> with.add(nodeOf(s.remoteRouterId(), s.remote())));
        return with.equals(e.nodes()) ? null : "established with " + with + ", expected " + e.nodes();
    }

    /** Per peer, the routes it holds and from which nodes, as a table. */
    public void printTables() {
        for (Map.Entry<String, EmulatedPeer> e : peerByName.entrySet()) {
            EmulatedPeer p = e.getValue();
            Map<String, List<LearnedRoute>> byPrefix = new TreeMap<>(Comparators.PREFIX);
            p.table().values().forEach(m -> m.values().forEach(r ->
                    byPrefix.computeIfAbsent(r.prefix(), k -> new ArrayList<>()).add(r)));
            out.printf("%nPeer %s (%s, AS %d): %d prefixes from %d session(s)%n", e.getKey(),
                    AddressText.of(p.localAddress()), p.config().asn(), byPrefix.size(), p.sessions().stream()
                            .filter(s -> s.state() == dev.herald.bgp.session.FsmState.ESTABLISHED).count());
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"PREFIX", "NEXT-HOP", "AS-PATH", "FROM-NODE"});
            byPrefix.forEach((prefix, routes) -> {
                routes.sort(java.util.Comparator.comparing(this::nodeOf));
                for (LearnedRoute r : routes) {
                    rows.add(new String[] {prefix, AddressText.of(r.nextHop()),
                            r.asPath().stream().map(String::valueOf).reduce((a, b) -> a + " " + b).orElse("-"),
                            nodeOf(r) + (r.stale() ? " (stale)" : "")});
                }
            });
            Table.print(out, rows);
        }
    }

    private void clearProgress() {
        if (progress) {
            out.print("\r" + " ".repeat(100) + "\r");
            out.flush();
        }
    }

    private static String describe(Step s) {
        if (s instanceof Apply a) {
            return "apply " + a.yaml().lines().filter(l -> l.trim().startsWith("kind:") || l.trim()
                    .startsWith("name:")).map(String::trim).limit(4).toList();
        }
        if (s instanceof Delete d) {
            return "delete " + d.kind() + " " + d.name();
        }
        if (s instanceof Terminate t) {
            return "terminate Pod " + t.pod();
        }
        if (s instanceof Label l) {
            return "label Node " + l.node() + " " + l.labels();
        }
        if (s instanceof Fault f) {
            return "fault " + f.action() + " at peer " + f.peer() + f.node().map(n -> " toward " + n).orElse("");
        }
        if (s instanceof ApiServer a) {
            return "API server " + (a.up() ? "up" : "down");
        }
        if (s instanceof Sleep sl) {
            return "sleep " + seconds(sl.duration());
        }
        if (s instanceof Expect e) {
            return "expect peer " + e.peer() + " holds " + e.routes().size() + " route(s)"
                    + (e.exactly() ? " exactly" : "") + (e.absent().isEmpty() ? "" : ", " + e.absent().size()
                    + " absent");
        }
        if (s instanceof ExpectCount c) {
            return "expect peer " + c.peer() + " holds " + c.prefixes() + " prefixes, " + c.routes() + " routes";
        }
        if (s instanceof ExpectCondition c) {
            return "expect BGPPolicy " + c.policy() + " shows " + c.node() + " " + c.status() + " " + c.reason()
                    + (c.message().isEmpty() ? "" : " " + c.message());
        }
        if (s instanceof Scenario.ExpectEvent e) {
            return "expect an Event about " + e.kind() + " " + e.namespace().map(ns -> ns + "/").orElse("")
                    + e.name() + e.reason().map(r -> " " + r).orElse("") + (e.message().isEmpty() ? ""
                    : " " + e.message());
        }
        if (s instanceof Scenario.Generate g) {
            return "generate " + g.object().lines().filter(l -> l.trim().startsWith("kind:") || l.trim()
                    .startsWith("name:")).map(String::trim).limit(2).toList() + " with " + g.fills().stream()
                    .map(f -> String.join(".", f.path()) + (f instanceof Scenario.Repeat r ? " × " + r.count()
                            : " of " + ((Scenario.Text) f).bytes() + " bytes")).toList();
        }
        if (s instanceof ExpectEstablished e) {
            return "expect peer " + e.peer() + " established with " + e.nodes();
        }
        if (s instanceof Scenario.Swap w) {
            return "swap: " + (w.action().equals("backend") ? "backend = " + w.target() : w.action() + " "
                    + w.target()) + " on " + w.node().map(n -> "agent " + n).orElse("every agent");
        }
        if (s instanceof Scenario.ExpectHistory h) {
            return "expect peer " + h.peer() + " saw " + (h.withdrawn().isEmpty() ? "no withdrawal"
                    : h.withdrawn().size() + " withdrawal(s)") + switch (h.sessions()) {
                        case "kept" -> " and kept its sessions";
                        case "renewed" -> " and its sessions restarted gracefully";
                        default -> "";
                    } + " since the last swap";
        }
        return s.toString();
    }

    private static String indent(String s) {
        return s.lines().map(l -> "     " + l).reduce((a, b) -> a + "\n" + b).orElse("");
    }

    static String seconds(Duration d) {
        return String.format("%.1f s", d.toMillis() / 1000.0);
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
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
        frameworkAgents.values().forEach(dev.herald.simulator.agent.FrameworkAgent::close);
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
