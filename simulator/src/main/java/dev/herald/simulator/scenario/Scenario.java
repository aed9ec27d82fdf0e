package dev.herald.simulator.scenario;

import dev.herald.simulator.cluster.ClusterConfig;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A scenario file: an emulated cluster (nodes, address plan), emulated BGP peers, the objects to start with, and a
 * timeline of steps with expectations. The schema is in docs/simulator.md; examples in simulator/scenarios/.
 * With {@code noAgents} ({@code agents: none}) the simulator runs the cluster and the peers only: the agents run
 * elsewhere (a container, a bin/herald process) against the cluster's kubeconfig.
 */
public record Scenario(String name, String description, String backend, boolean sharedInformers,
                       boolean frameworkAgents, boolean noAgents, ClusterConfig cluster, List<NodeSpec> nodes,
                       List<PeerSpec> peers, String objects, List<Step> steps) {

    /** An emulated node: the agent's BGP address is also the Node's IPv4 InternalIP (and its router ID). */
    public record NodeSpec(String name, String address, Optional<String> ipv6Address, Map<String, String> labels,
                           List<String> podCidrs) {
    }

    /**
     * An emulated router.
     *
     * @param connect the agents' BGP port: the router also connects to every node's address on it, as a router with
     *     configured neighbours does (else it only accepts the agents' connections)
     */
    public record PeerSpec(String name, String address, int port, long asn, Optional<String> password,
                           boolean gracefulRestart, Optional<Integer> connect) {
        public boolean isIpv6() {
            return address.contains(":");
        }
    }

    /** One step of the timeline; {@code line} is its place in the file, for messages. */
    public sealed interface Step permits Apply, Generate, Delete, Terminate, Label, Fault, ApiServer, Sleep, Expect,
            ExpectCount, ExpectCondition, ExpectEvent, ExpectEstablished, Swap, ExpectHistory {
        String where();
    }

    public record Apply(String where, String yaml) implements Step {
    }

    public record Delete(String where, String kind, String namespace, String name) implements Step {
    }

    public record Terminate(String where, String namespace, String pod) implements Step {
    }

    /** Sets (or, with a null value, removes) labels of a Node, as {@code kubectl label} does. */
    public record Label(String where, String node, Map<String, String> labels) implements Step {
    }

    /** A fault injected by a peer: drop, notification, stop-reading, resume-reading, malformed, restart, graceful-restart. */
    public record Fault(String where, String peer, Action action, Optional<String> node) implements Step {
        /** The faults, each written in a file as its lower-case name with dashes ({@code stop-reading}). */
        public enum Action {
            DROP, NOTIFICATION, STOP_READING, RESUME_READING, MALFORMED, RESTART, GRACEFUL_RESTART;

            /** Whether the fault ends a session and the peer then waits to see it go down. */
            boolean endsSessions() {
                return this != STOP_READING && this != RESUME_READING;
            }

            /** Whether the whole router restarts, rather than one of its sessions being hit. */
            boolean restartsRouter() {
                return this == RESTART || this == GRACEFUL_RESTART;
            }

            @Override
            public String toString() {
                return word(this);
            }
        }

        static final Set<String> ACTIONS = words(Action.class);
    }

    /** The API server becomes unreachable for the agents ({@code up=false}) or reachable again. */
    public record ApiServer(String where, boolean up) implements Step {
    }

    public record Sleep(String where, Duration duration) implements Step {
    }

    /**
     * Within a time, a peer holds routes: each prefix learned from exactly the listed nodes, with the session's
     * address of that node as next hop. With {@code exactly}, the peer holds no other prefix; {@code absent}
     * prefixes must not be held by the peer at all.
     */
    public record Expect(String where, String peer, Duration within, Map<String, Set<String>> routes,
                         boolean exactly, Set<String> absent, Optional<String> asPath) implements Step {
    }

    /**
     * Within a time, a peer holds this many prefixes and this many routes in all (one per prefix and node that
     * advertises it), each with its session address as next hop: the check of scale scenarios, whose tables are too
     * large to list.
     */
    public record ExpectCount(String where, String peer, Duration within, long prefixes, long routes)
            implements Step {
    }

    /**
     * Within a time, a BGPPolicy's status shows this condition for the node; with {@code message}, its message
     * contains each of these texts.
     */
    public record ExpectCondition(String where, String policy, String node, Duration within, String status,
                                  String reason, List<String> message) implements Step {
    }

    /**
     * Within a time, the cluster holds an Event about this object (kind, namespace when namespaced, name) with this
     * reason, when given, whose message contains each of these texts.
     */
    public record ExpectEvent(String where, String kind, Optional<String> namespace, String name,
                              Optional<String> reason, List<String> message, Duration within) implements Step {
    }

    /**
     * Applies one object with parts too large to write out (docs/simulator.md, generate): each {@link Fill} puts a
     * generated value at its path of the object, creating the mappings on the way.
     */
    public record Generate(String where, String object, List<Fill> fills) implements Step {
        /** The most copies of an item a list may get. */
        public static final int MAX_REPEAT = 100_000;
        /** The longest generated text, in bytes. */
        public static final int MAX_BYTES = 16 * 1024 * 1024;
    }

    /** A generated value and where it goes in the object: a path of mapping keys. */
    public sealed interface Fill permits Repeat, Text {
        List<String> path();
    }

    /** A list of {@code count} copies of {@code item}, with "{i}" in its strings replaced by the copy's index. */
    public record Repeat(List<String> path, int count, Object item) implements Fill {
    }

    /** A text of {@code bytes} bytes ("x" repeated), base64-encoded when {@code base64} (a Secret's data). */
    public record Text(List<String> path, int bytes, boolean base64) implements Fill {
    }

    /** Within a time, a peer has established sessions with exactly these nodes. */
    public record ExpectEstablished(String where, String peer, Duration within, Set<String> nodes) implements Step {
    }

    /**
     * Replaces a part of running agents (all, or one {@code node}), as an operator would: {@code update},
     * {@code uninstall} or {@code install} of a bundle by symbolic name, or {@code backend} set in etc/herald.cfg.
     * Needs {@code agents: framework}. Starts a new history for {@link ExpectHistory}.
     */
    public record Swap(String where, Optional<String> node, Action action, String target) implements Step {
        /** What is replaced: a bundle ({@code update}, {@code uninstall}, {@code install}) or the backend. */
        public enum Action {
            UPDATE, UNINSTALL, INSTALL, BACKEND;

            @Override
            public String toString() {
                return word(this);
            }
        }

        static final Set<String> ACTIONS = words(Action.class);
    }

    /**
     * What a peer went through since the last {@link Swap} (or the start), within a time: exactly these prefixes
     * withdrawn (none, usually); with {@code sessions} {@code kept} no session went down or was replaced, with
     * {@code renewed} every session was replaced by a new one that sent End-of-RIB and left nothing stale (a
     * graceful restart that completed), with {@code any} sessions are not looked at.
     */
    public record ExpectHistory(String where, String peer, Duration within, Set<String> withdrawn,
                                Sessions sessions) implements Step {
        /** What the peer's sessions must have gone through. */
        public enum Sessions {
            ANY, KEPT, RENEWED;

            @Override
            public String toString() {
                return word(this);
            }
        }

        static final Set<String> SESSIONS = words(Sessions.class);
    }

    /** How a scenario file writes a constant of one of the steps' enums: lower case, dashes for underscores. */
    static String word(Enum<?> constant) {
        return constant.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    /** The words of every constant of the enum. */
    static <E extends Enum<E>> Set<String> words(Class<E> type) {
        Set<String> words = new java.util.LinkedHashSet<>();
        for (E e : type.getEnumConstants()) {
            words.add(word(e));
        }
        return Set.copyOf(words);
    }

    /** The constant the file's word names; the caller has checked that it is one of {@link #words}. */
    static <E extends Enum<E>> E constant(Class<E> type, String word) {
        for (E e : type.getEnumConstants()) {
            if (word(e).equals(word)) {
                return e;
            }
        }
        throw new IllegalArgumentException(word);
    }

    public static final Duration DEFAULT_WITHIN = Duration.ofSeconds(10);

    /** Whether some agent runs on goBGP at some point (the scenario's backend, or a swap to it). */
    public boolean needsGobgp() {
        return backend.equals("gobgp") || steps.stream().anyMatch(st -> st instanceof Swap w
                && w.action() == Swap.Action.BACKEND && w.target().equals("gobgp"));
    }

    /** Reads a scenario from its YAML text; {@code source} names the file in error messages. */
    public static Scenario parse(String yaml, String source) {
        Object tree;
        try {
            tree = Serialization.unmarshal(yaml, Map.class);
        } catch (RuntimeException e) {
            throw new ScenarioException(source + ": not valid YAML: " + e.getMessage());
        } catch (StackOverflowError e) {
            // an alias inside its own anchor ("a: &x {b: *x}") makes a tree that contains itself, and a deep enough
            // nesting has the same effect: the YAML library's conversion recurses until the stack ends
            throw new ScenarioException(source + ": not valid YAML: a node contains itself or nests too deeply");
        }
        try {
            return from(Yaml.map(tree, source));
        } catch (ScenarioException e) {
            throw new ScenarioException(source + ": " + e.getMessage());
        }
    }

    private static Scenario from(Map<String, Object> root) {
        Yaml.onlyKeys(root, "", Set.of("name", "description", "backend", "informers", "agents", "cluster", "nodes",
                "peers", "objects", "steps"));
        String agents = Yaml.string(root, "agents", "", "in-process");
        if (!Set.of("in-process", "framework", "none").contains(agents)) {
            throw Yaml.error("agents", "expected in-process, framework or none, got '" + agents + "'");
        }
        String informers = Yaml.string(root, "informers", "", "per-agent");
        if (!Set.of("per-agent", "shared").contains(informers)) {
            throw Yaml.error("informers", "expected per-agent or shared, got '" + informers + "'");
        }
        String name = Yaml.string(root, "name", "", "scenario");
        String backend = Yaml.string(root, "backend", "", "native");
        if (!Set.of("native", "gobgp").contains(backend)) {
            throw Yaml.error("backend", "expected native or gobgp, got '" + backend + "'");
        }
        Map<String, Object> c = Yaml.map(root.get("cluster"), "cluster");
        Yaml.onlyKeys(c, "cluster", Set.of("serviceCIDRs", "loadBalancerPools", "egressPools"));
        ClusterConfig d = ClusterConfig.DEFAULT;
        ClusterConfig cluster = new ClusterConfig(
                strings(c.get("serviceCIDRs"), "cluster.serviceCIDRs", d.serviceCidrs()),
                strings(c.get("loadBalancerPools"), "cluster.loadBalancerPools", d.loadBalancerPools()),
                strings(c.get("egressPools"), "cluster.egressPools", d.egressPools()));

        List<NodeSpec> nodes = new ArrayList<>();
        Set<String> names = new HashSet<>();
        List<?> ns = Yaml.list(root.get("nodes"), "nodes");
        if (ns.isEmpty()) {
            throw Yaml.error("nodes", "at least one node is needed");
        }
        for (int i = 0; i < ns.size(); i++) {
            String p = "nodes[" + i + "]";
            Map<String, Object> n = Yaml.map(ns.get(i), p);
            Yaml.onlyKeys(n, p, Set.of("name", "address", "ipv6", "labels", "podCIDRs"));
            String nodeName = Yaml.string(n, "name", p, "node" + (i + 1));
            if (!names.add(nodeName)) {
                throw Yaml.error(p + ".name", "duplicate node name " + nodeName);
            }
            String address = Yaml.string(n, "address", p, "127.0.0." + (11 + i));
            if (!address.startsWith("127.")) {
                throw Yaml.error(p + ".address", "agents run on loopback: use an address in 127.0.0.0/8");
            }
            boolean v6 = Yaml.bool(n, "ipv6", p, true);
            Map<String, String> labels = new LinkedHashMap<>();
            Yaml.map(n.get("labels"), p + ".labels").forEach((k, v) -> labels.put(k, String.valueOf(v)));
            List<String> defaultCidrs = v6 ? List.of("10.244." + (i + 1) + ".0/24",
                    "fd00:10:244:" + Integer.toHexString(i + 1) + "::/64") : List.of("10.244." + (i + 1) + ".0/24");
            nodes.add(new NodeSpec(nodeName, address, v6 ? Optional.of("fd00:10::" + Integer.toHexString(11 + i))
                    : Optional.empty(), labels, strings(n.get("podCIDRs"), p + ".podCIDRs", defaultCidrs)));
        }

        List<PeerSpec> peers = new ArrayList<>();
        List<?> ps = Yaml.list(root.get("peers"), "peers");
        for (int i = 0; i < ps.size(); i++) {
            String p = "peers[" + i + "]";
            Map<String, Object> m = Yaml.map(ps.get(i), p);
            Yaml.onlyKeys(m, p, Set.of("name", "address", "port", "asn", "password", "gracefulRestart", "connect"));
            String address = Yaml.string(m, "address", p, null);
            if (!address.startsWith("127.") && !address.equals("::1")) {
                throw Yaml.error(p + ".address", "peers run on loopback: use 127.0.0.0/8 or ::1");
            }
            Optional<Integer> connect = Optional.empty();
            if (m.get("connect") != null) {
                long port = Yaml.number(m, "connect", p, null);
                if (port < 1 || port > 65535) {
                    throw Yaml.error(p + ".connect", "the agents' BGP port (the BGPPolicy's listenPort), 1..65535");
                }
                if (address.contains(":")) {
                    throw Yaml.error(p + ".connect", "a peer on ::1 cannot connect to the agents: they listen on "
                            + "their nodes' 127.0.0.x addresses only");
                }
                connect = Optional.of((int) port);
            }
            peers.add(new PeerSpec(Yaml.string(m, "name", p, "r" + (i + 1)), address,
                    (int) Yaml.number(m, "port", p, 1179L), Yaml.number(m, "asn", p, null),
                    Optional.ofNullable(m.get("password")).map(String::valueOf),
                    Yaml.bool(m, "gracefulRestart", p, false), connect));
        }

        String objects = root.get("objects") == null ? "" : Yaml.string(root, "objects", "", "");
        List<Step> steps = new ArrayList<>();
        List<?> ss = Yaml.list(root.get("steps"), "steps");
        for (int i = 0; i < ss.size(); i++) {
            steps.add(Steps.step(Yaml.map(ss.get(i), "steps[" + i + "]"), "steps[" + i + "]", peers, names));
        }
        boolean framework = agents.equals("framework");
        for (int i = 0; i < peers.size(); i++) {
            if (framework && peers.get(i).password().isPresent()) {
                throw Yaml.error("peers[" + i + "].password", "TCP-MD5 needs the native epoll transport, which "
                        + "emulated peers cannot use beside framework agents in one JVM (netty's native library is "
                        + "unloaded with an updated bundle); use agents: in-process for password scenarios");
            }
        }
        if (framework && informers.equals("shared")) {
            throw Yaml.error("informers", "shared informers are for in-process agents; framework agents each run "
                    + "their own");
        }
        if (agents.equals("none") && informers.equals("shared")) {
            throw Yaml.error("informers", "shared informers are for in-process agents; with agents: none the "
                    + "simulator runs none");
        }
        for (Step st : steps) {
            if (st instanceof Swap && !framework) {
                throw Yaml.error(st.where() + ".swap", "bundle swaps need agents: framework (each agent in its own "
                        + "OSGi framework)");
            }
        }
        return new Scenario(name, Yaml.string(root, "description", "", ""), backend, informers.equals("shared"),
                framework, agents.equals("none"), cluster, List.copyOf(nodes),
                List.copyOf(peers), objects, List.copyOf(steps));
    }

    static List<String> strings(Object o, String path, List<String> fallback) {
        if (o == null) {
            return fallback;
        }
        return Yaml.list(o, path).stream().map(String::valueOf).toList();
    }
}
