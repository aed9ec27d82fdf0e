package dev.herald.simulator.scenario;

import static dev.herald.simulator.scenario.Scenario.DEFAULT_WITHIN;

import dev.herald.simulator.scenario.Scenario.Apply;
import dev.herald.simulator.scenario.Scenario.ApiServer;
import dev.herald.simulator.scenario.Scenario.Delete;
import dev.herald.simulator.scenario.Scenario.Expect;
import dev.herald.simulator.scenario.Scenario.ExpectCondition;
import dev.herald.simulator.scenario.Scenario.ExpectCount;
import dev.herald.simulator.scenario.Scenario.ExpectEstablished;
import dev.herald.simulator.scenario.Scenario.ExpectEvent;
import dev.herald.simulator.scenario.Scenario.ExpectHistory;
import dev.herald.simulator.scenario.Scenario.Fault;
import dev.herald.simulator.scenario.Scenario.Fill;
import dev.herald.simulator.scenario.Scenario.Generate;
import dev.herald.simulator.scenario.Scenario.Label;
import dev.herald.simulator.scenario.Scenario.PeerSpec;
import dev.herald.simulator.scenario.Scenario.Repeat;
import dev.herald.simulator.scenario.Scenario.Sleep;
import dev.herald.simulator.scenario.Scenario.Step;
import dev.herald.simulator.scenario.Scenario.Swap;
import dev.herald.simulator.scenario.Scenario.Terminate;
import dev.herald.simulator.scenario.Scenario.Text;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The steps of a scenario's timeline, read from YAML (docs/simulator.md lists them); errors name the key. */
final class Steps {
    private static final String KINDS = "apply, generate, delete, terminate, label, fault, apiServer, sleep, expect, "
            + "expectCount, expectCondition, expectEvent, expectEstablished, swap, expectHistory";

    private Steps() {
    }

    static Step step(Map<String, Object> m, String p, List<PeerSpec> peers, Set<String> nodes) {
        if (m.size() != 1) {
            throw Yaml.error(p, "a step is one of " + KINDS + " (one key per step)");
        }
        String kind = m.keySet().iterator().next();
        Object v = m.get(kind);
        String q = p + "." + kind;
        switch (kind) {
            case "apply":
                return new Apply(p, String.valueOf(v));
            case "delete": {
                Map<String, Object> d = Yaml.map(v, q);
                Yaml.onlyKeys(d, q, Set.of("kind", "name", "namespace"));
                return new Delete(p, Yaml.string(d, "kind", q, null), Yaml.string(d, "namespace", q, "default"),
                        Yaml.string(d, "name", q, null));
            }
            case "terminate": {
                Map<String, Object> d = Yaml.map(v, q);
                Yaml.onlyKeys(d, q, Set.of("pod", "namespace"));
                return new Terminate(p, Yaml.string(d, "namespace", q, "default"), Yaml.string(d, "pod", q, null));
            }
            case "label": {
                Map<String, Object> d = Yaml.map(v, q);
                Yaml.onlyKeys(d, q, Set.of("node", "labels"));
                String node = Yaml.string(d, "node", q, null);
                checkNode(node, nodes, q + ".node");
                Map<String, String> labels = new LinkedHashMap<>();
                Yaml.map(d.get("labels"), q + ".labels").forEach((k, x) -> labels.put(k,
                        x == null ? null : String.valueOf(x)));
                return new Label(p, node, labels);
            }
            case "fault": {
                Map<String, Object> d = Yaml.map(v, q);
                Yaml.onlyKeys(d, q, Set.of("peer", "action", "node"));
                String action = Yaml.string(d, "action", q, null);
                if (!Fault.ACTIONS.contains(action)) {
                    throw Yaml.error(q + ".action", "expected one of " + Fault.ACTIONS.stream().sorted().toList());
                }
                Optional<String> node = Optional.ofNullable(d.get("node")).map(String::valueOf);
                node.ifPresent(n -> checkNode(n, nodes, q + ".node"));
                return new Fault(p, peer(Yaml.string(d, "peer", q, null), peers, q + ".peer"),
                        Scenario.constant(Fault.Action.class, action), node);
            }
            case "apiServer": {
                String s = String.valueOf(v);
                if (!s.equals("down") && !s.equals("up")) {
                    throw Yaml.error(q, "expected down or up");
                }
                return new ApiServer(p, s.equals("up"));
            }
            case "sleep":
                return new Sleep(p, Yaml.duration(String.valueOf(v), q));
            case "expect": {
                Map<String, Object> d = Yaml.map(v, q);
                Yaml.onlyKeys(d, q, Set.of("peer", "within", "routes", "exactly", "absent", "asPath"));
                Map<String, Set<String>> routes = new LinkedHashMap<>();
                Yaml.map(d.get("routes"), q + ".routes").forEach((prefix, from) -> {
                    Set<String> fromNodes = new java.util.TreeSet<>(Scenario.strings(from, q + ".routes." + prefix, List.of()));
                    fromNodes.forEach(n -> checkNode(n, nodes, q + ".routes." + prefix));
                    routes.put(prefix, fromNodes);
                });
                return new Expect(p, peer(Yaml.string(d, "peer", q, null), peers, q + ".peer"),
                        Yaml.duration(d, "within", q, DEFAULT_WITHIN), routes, Yaml.bool(d, "exactly", q, true),
                        new HashSet<>(Scenario.strings(d.get("absent"), q + ".absent", List.of())),
                        Optional.ofNullable(d.get("asPath")).map(String::valueOf));
            }
            case "expectCount": {
                Map<String, Object> d = Yaml.map(v, q);
                Yaml.onlyKeys(d, q, Set.of("peer", "within", "prefixes", "routes"));
                return new ExpectCount(p, peer(Yaml.string(d, "peer", q, null), peers, q + ".peer"),
                        Yaml.duration(d, "within", q, DEFAULT_WITHIN), Yaml.number(d, "prefixes", q, null),
                        Yaml.number(d, "routes", q, null));
            }
            case "expectCondition": {
                Map<String, Object> d = Yaml.map(v, q);
                Yaml.onlyKeys(d, q, Set.of("policy", "node", "within", "status", "reason", "message"));
                String node = Yaml.string(d, "node", q, null);
                checkNode(node, nodes, q + ".node");
                return new ExpectCondition(p, Yaml.string(d, "policy", q, null), node,
                        Yaml.duration(d, "within", q, DEFAULT_WITHIN), Yaml.string(d, "status", q, "True"),
                        Yaml.string(d, "reason", q, "Applied"), texts(d.get("message"), q + ".message"));
            }
            case "expectEvent": {
                Map<String, Object> d = Yaml.map(v, q);
                Yaml.onlyKeys(d, q, Set.of("kind", "namespace", "name", "reason", "message", "within"));
                return new ExpectEvent(p, Yaml.string(d, "kind", q, null),
                        Optional.ofNullable(d.get("namespace")).map(String::valueOf), Yaml.string(d, "name", q, null),
                        Optional.ofNullable(d.get("reason")).map(String::valueOf),
                        texts(d.get("message"), q + ".message"), Yaml.duration(d, "within", q, DEFAULT_WITHIN));
            }
            case "generate":
                return generate(Yaml.map(v, q), p, q);
            case "expectEstablished": {
                Map<String, Object> d = Yaml.map(v, q);
                Yaml.onlyKeys(d, q, Set.of("peer", "within", "nodes"));
                Set<String> with = new java.util.TreeSet<>(Scenario.strings(d.get("nodes"), q + ".nodes", List.of()));
                with.forEach(n -> checkNode(n, nodes, q + ".nodes"));
                return new ExpectEstablished(p, peer(Yaml.string(d, "peer", q, null), peers, q + ".peer"),
                        Yaml.duration(d, "within", q, DEFAULT_WITHIN), with);
            }
            case "swap": {
                Map<String, Object> d = Yaml.map(v, q);
                Set<String> present = new HashSet<>(d.keySet());
                present.retainAll(Swap.ACTIONS);
                if (present.size() != 1) {
                    throw Yaml.error(q, "expected exactly one of " + Swap.ACTIONS.stream().sorted().toList()
                            + " (and optionally node)");
                }
                Yaml.onlyKeys(d, q, Set.of("node", "update", "uninstall", "install", "backend"));
                String action = present.iterator().next();
                String target = Yaml.string(d, action, q, null);
                if (action.equals("backend") && !Set.of("native", "gobgp").contains(target)) {
                    throw Yaml.error(q + ".backend", "expected native or gobgp, got '" + target + "'");
                }
                Optional<String> node = Optional.ofNullable(d.get("node")).map(String::valueOf);
                node.ifPresent(n -> checkNode(n, nodes, q + ".node"));
                return new Swap(p, node, Scenario.constant(Swap.Action.class, action), target);
            }
            case "expectHistory": {
                Map<String, Object> d = Yaml.map(v, q);
                Yaml.onlyKeys(d, q, Set.of("peer", "within", "withdrawn", "sessions"));
                String sessions = Yaml.string(d, "sessions", q, "any");
                if (!ExpectHistory.SESSIONS.contains(sessions)) {
                    throw Yaml.error(q + ".sessions", "expected kept, renewed or any, got '" + sessions + "'");
                }
                return new ExpectHistory(p, peer(Yaml.string(d, "peer", q, null), peers, q + ".peer"),
                        Yaml.duration(d, "within", q, DEFAULT_WITHIN),
                        new java.util.TreeSet<>(Scenario.strings(d.get("withdrawn"), q + ".withdrawn", List.of())),
                        Scenario.constant(ExpectHistory.Sessions.class, sessions));
            }
            default:
                throw Yaml.error(q, "unknown step (expected " + KINDS + ")");
        }
    }

    /** A text, or a list of texts, that a message must contain. */
    private static List<String> texts(Object o, String path) {
        if (o == null) {
            return List.of();
        }
        return o instanceof List<?> ? Scenario.strings(o, path, List.of()) : List.of(String.valueOf(o));
    }

    private static Generate generate(Map<String, Object> d, String p, String q) {
        Yaml.onlyKeys(d, q, Set.of("object", "set"));
        String object = Yaml.string(d, "object", q, null);
        List<Fill> fills = new ArrayList<>();
        List<?> set = Yaml.list(d.get("set"), q + ".set");
        if (set.isEmpty()) {
            throw Yaml.error(q + ".set", "at least one generated value is needed (else use apply)");
        }
        for (int i = 0; i < set.size(); i++) {
            String w = q + ".set[" + i + "]";
            Map<String, Object> f = Yaml.map(set.get(i), w);
            Yaml.onlyKeys(f, w, Set.of("path", "repeat", "item", "bytes", "base64"));
            List<String> path = Scenario.strings(f.get("path"), w + ".path", List.of());
            if (path.isEmpty()) {
                throw Yaml.error(w + ".path", "a list of mapping keys is required, e.g. [spec, bgpPeers]");
            }
            if (f.containsKey("repeat") == f.containsKey("bytes")) {
                throw Yaml.error(w, "expected either repeat (with item) or bytes");
            }
            if (f.containsKey("repeat")) {
                if (f.get("item") == null || f.containsKey("base64")) {
                    throw Yaml.error(w, "repeat takes an item, and no base64");
                }
                fills.add(new Repeat(path, (int) bounded(f, "repeat", w, Generate.MAX_REPEAT), f.get("item")));
            } else {
                if (f.containsKey("item")) {
                    throw Yaml.error(w + ".item", "bytes makes a text; item goes with repeat");
                }
                fills.add(new Text(path, (int) bounded(f, "bytes", w, Generate.MAX_BYTES),
                        Yaml.bool(f, "base64", w, false)));
            }
        }
        return new Generate(p, object, List.copyOf(fills));
    }

    private static long bounded(Map<String, Object> m, String key, String path, int max) {
        long n = Yaml.number(m, key, path, null);
        if (n < 1 || n > max) {
            throw Yaml.error(path + "." + key, "expected 1 to " + max + ", got " + n);
        }
        return n;
    }

    private static String peer(String name, List<PeerSpec> peers, String path) {
        if (peers.stream().noneMatch(p -> p.name().equals(name))) {
            throw Yaml.error(path, "no peer named " + name);
        }
        return name;
    }

    private static void checkNode(String name, Set<String> nodes, String path) {
        if (!nodes.contains(name)) {
            throw Yaml.error(path, "no node named " + name);
        }
    }
}
