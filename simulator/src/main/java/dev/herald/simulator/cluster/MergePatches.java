package dev.herald.simulator.cluster;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Merge patches as an API server applies them; the mock stores a null instead of removing the key, appends lists
 * instead of replacing them, and refuses strategic merge patches (kubectl's default for built-in kinds).
 *
 * <p>A JSON merge patch follows RFC 7386. A strategic merge patch follows the parts of Kubernetes' rules that
 * kubectl's patches use: lists of the built-in types that merge by a key (containers and env by name, Service and
 * container ports by port, conditions by type, ...) merge element by element, {@code $patch: delete} removes an
 * element, {@code $patch: replace} replaces a map, {@code $retainKeys} and {@code $deleteFromPrimitiveList/...}
 * apply, {@code $setElementOrder/...} is accepted (order is not kept), finalizers merge as a set; every other list
 * is replaced.
 */
final class MergePatches {
    /** The merge key of lists that merge by key, by field name (the field names are unique enough here). */
    private static final Map<String, List<String>> MERGE_KEYS = Map.ofEntries(
            Map.entry("containers", List.of("name")), Map.entry("initContainers", List.of("name")),
            Map.entry("ephemeralContainers", List.of("name")), Map.entry("volumes", List.of("name")),
            Map.entry("env", List.of("name")), Map.entry("imagePullSecrets", List.of("name")),
            Map.entry("volumeMounts", List.of("mountPath")), Map.entry("conditions", List.of("type")),
            Map.entry("ownerReferences", List.of("uid")), Map.entry("hostAliases", List.of("ip")),
            // Service ports by port (and protocol); container ports by containerPort
            Map.entry("ports", List.of("port", "protocol")));
    private static final String CONTAINER_PORT = "containerPort";

    private MergePatches() {
    }

    /** RFC 7386: objects merge key by key, null removes a key, anything else (lists too) replaces. */
    @SuppressWarnings("unchecked")
    static Object json(Object target, Object patch) {
        if (!(patch instanceof Map<?, ?> p)) {
            return patch;
        }
        Map<String, Object> out = target instanceof Map<?, ?> t ? new LinkedHashMap<>((Map<String, Object>) t)
                : new LinkedHashMap<>();
        p.forEach((k, v) -> {
            if (v == null) {
                out.remove(String.valueOf(k));
            } else {
                out.put(String.valueOf(k), json(out.get(String.valueOf(k)), v));
            }
        });
        return out;
    }

    /** A strategic merge patch of {@code target} (see the class comment). */
    @SuppressWarnings("unchecked")
    static Object strategic(Object target, Object patch) {
        if (!(patch instanceof Map<?, ?> raw)) {
            return patch;
        }
        Map<String, Object> p = (Map<String, Object>) raw;
        if ("replace".equals(p.get("$patch"))) {
            return withoutDirectives(p);
        }
        Map<String, Object> out = target instanceof Map<?, ?> t ? new LinkedHashMap<>((Map<String, Object>) t)
                : new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : p.entrySet()) {
            String k = e.getKey();
            Object v = e.getValue();
            if (k.startsWith("$deleteFromPrimitiveList/") && v instanceof List<?> gone) {
                String field = k.substring("$deleteFromPrimitiveList/".length());
                if (out.get(field) instanceof List<?> l) {
                    List<Object> kept = new ArrayList<>(l);
                    kept.removeAll(gone);
                    out.put(field, kept);
                }
            } else if (k.startsWith("$")) {
                continue; // $setElementOrder, $retainKeys (below), $patch: directives, not fields
            } else if (v == null || (v instanceof Map<?, ?> vm && "delete".equals(vm.get("$patch")))) {
                out.remove(k);
            } else if (v instanceof List<?> list) {
                out.put(k, mergeList(k, out.get(k) instanceof List<?> old ? old : List.of(), list));
            } else {
                out.put(k, strategic(out.get(k), v));
            }
        }
        if (p.get("$retainKeys") instanceof List<?> retain) {
            out.keySet().retainAll(retain.stream().map(String::valueOf).toList());
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> mergeList(String field, List<?> old, List<?> patch) {
        if ("finalizers".equals(field)) {
            LinkedHashSet<Object> union = new LinkedHashSet<>(old);
            union.addAll(patch);
            return new ArrayList<>(union);
        }
        List<String> keys = MERGE_KEYS.get(field);
        boolean maps = !patch.isEmpty() && patch.stream().allMatch(x -> x instanceof Map<?, ?>);
        if (keys == null || !maps) {
            return new ArrayList<>(withoutDirectives(patch));
        }
        if (((Map<String, Object>) patch.get(0)).containsKey(CONTAINER_PORT)) {
            keys = List.of(CONTAINER_PORT, "protocol");
        }
        List<Object> out = new ArrayList<>(old);
        for (Object o : patch) {
            Map<String, Object> element = (Map<String, Object>) o;
            int at = indexOf(out, element, keys);
            if ("delete".equals(element.get("$patch"))) {
                if (at >= 0) {
                    out.remove(at);
                }
            } else if (at >= 0) {
                out.set(at, strategic(out.get(at), element));
            } else {
                out.add(withoutDirectives(element));
            }
        }
        return out;
    }

    /** The element with the same merge key: the first key always, the others (protocol) only where both say. */
    @SuppressWarnings("unchecked")
    private static int indexOf(List<Object> list, Map<String, Object> element, List<String> keys) {
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof Map<?, ?> m)) {
                continue;
            }
            Map<String, Object> candidate = (Map<String, Object>) m;
            boolean same = Objects.equals(String.valueOf(candidate.get(keys.get(0))),
                    String.valueOf(element.get(keys.get(0))));
            for (String k : keys.subList(1, keys.size())) {
                if (candidate.containsKey(k) && element.containsKey(k)) {
                    same &= Objects.equals(candidate.get(k), element.get(k));
                }
            }
            if (same) {
                return i;
            }
        }
        return -1;
    }

    @SuppressWarnings("unchecked")
    private static <T> T withoutDirectives(T value) {
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            ((Map<String, Object>) m).forEach((k, v) -> {
                if (!k.startsWith("$")) {
                    out.put(k, withoutDirectives(v));
                }
            });
            return (T) out;
        }
        if (value instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            l.forEach(x -> out.add(withoutDirectives(x)));
            return (T) out;
        }
        return value;
    }
}
