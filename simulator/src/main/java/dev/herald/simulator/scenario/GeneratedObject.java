package dev.herald.simulator.scenario;

import dev.herald.simulator.scenario.Scenario.Fill;
import dev.herald.simulator.scenario.Scenario.Generate;
import dev.herald.simulator.scenario.Scenario.Repeat;
import dev.herald.simulator.scenario.Scenario.Text;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The object of a {@code generate} step with its generated values in place, as JSON for the emulated cluster: the
 * lists and texts hostile-input scenarios need (10,000 peers, a 1 MB password) are too large to write out.
 */
final class GeneratedObject {
    private GeneratedObject() {
    }

    /** The object as JSON; a {@link ScenarioException} names the step when the object or a path does not fit. */
    static String json(Generate g) {
        Object tree;
        try {
            tree = Serialization.unmarshal(g.object(), Map.class);
        } catch (RuntimeException e) {
            throw new ScenarioException(g.where() + ".generate.object: not one YAML object: " + e.getMessage());
        }
        if (!(tree instanceof Map<?, ?>)) {
            throw new ScenarioException(g.where() + ".generate.object: expected a mapping");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> root = new LinkedHashMap<>((Map<String, Object>) tree);
        for (Fill f : g.fills()) {
            put(root, f.path(), value(f), g.where() + ".generate");
        }
        return Serialization.asJson(root);
    }

    private static Object value(Fill f) {
        if (f instanceof Repeat r) {
            List<Object> out = new ArrayList<>(r.count());
            for (int i = 0; i < r.count(); i++) {
                out.add(substitute(r.item(), Integer.toString(i)));
            }
            return out;
        }
        Text t = (Text) f;
        String text = "x".repeat(t.bytes());
        return t.base64() ? Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8)) : text;
    }

    /** A copy of a YAML tree with "{i}" replaced in every string, keys included. */
    private static Object substitute(Object node, String i) {
        if (node instanceof String s) {
            return s.replace("{i}", i);
        }
        if (node instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put(String.valueOf(substitute(String.valueOf(k), i)), substitute(v, i)));
            return out;
        }
        if (node instanceof List<?> l) {
            return l.stream().map(x -> substitute(x, i)).toList();
        }
        return node;
    }

    @SuppressWarnings("unchecked")
    private static void put(Map<String, Object> root, List<String> path, Object value, String where) {
        Map<String, Object> at = root;
        for (int k = 0; k < path.size() - 1; k++) {
            Object next = at.get(path.get(k));
            if (next == null) {
                next = new LinkedHashMap<String, Object>();
            } else if (!(next instanceof Map<?, ?>)) {
                throw new ScenarioException(where + ": " + String.join(".", path.subList(0, k + 1))
                        + " is not a mapping in the object");
            } else {
                next = new LinkedHashMap<>((Map<String, Object>) next);
            }
            at.put(path.get(k), next);
            at = (Map<String, Object>) next;
        }
        at.put(path.get(path.size() - 1), value);
    }
}
