package dev.herald.simulator.cluster;

import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Server-side tables ({@code meta.k8s.io/v1 Table}), which kubectl asks for on {@code get} and prints as they come:
 * without them it can only print NAME and AGE. The columns are those a real API server gives: kube-apiserver's own
 * for Nodes, Services and Pods, and for the two custom resources the columns their CRDs declare (Herald's BGPPolicy
 * CRD: Local ASN, Listen Port, Age; Antrea's Egress CRD: EgressIP, Age, Node). Any other resource gets Name and Age,
 * as kube-apiserver's default does.
 */
final class Tables {
    private static final Pattern RESOURCE = Pattern.compile(
            "/apis?/(?:[^/]+/)?v1[a-z0-9]*(?:/namespaces/[^/]+)?/([a-z]+)(?:/[^/]+)?");

    private record Column(String name, String type, int priority, Function<Map<String, Object>, Object> cell) {
    }

    private Tables() {
    }

    /** Whether the request asks for a table (kubectl's {@code Accept: application/json;as=Table;...}). */
    static boolean wanted(String accept, String query) {
        return accept != null && accept.contains("as=Table") && (query == null || !query.contains("watch=true"));
    }

    /**
     * The table for what the mock answered to {@code path}: a list or one object, as JSON; null when the answer is
     * not one (an error Status passes through).
     */
    @SuppressWarnings("unchecked")
    static String of(String path, String json, Instant now) {
        Matcher m = RESOURCE.matcher(path);
        if (!m.matches()) {
            return null;
        }
        Map<String, Object> body;
        try {
            body = Serialization.unmarshal(json, Map.class);
        } catch (RuntimeException e) {
            return null; // not a JSON object: passed on as it is
        }
        if (body == null || "Status".equals(body.get("kind"))) {
            return null;
        }
        List<Column> columns = columns(m.group(1), now);
        List<Map<String, Object>> items = body.get("items") instanceof List<?> l ? (List<Map<String, Object>>) l
                : List.of(body);
        List<Map<String, Object>> defs = new ArrayList<>();
        for (Column c : columns) {
            defs.add(Map.of("name", c.name(), "type", c.type(), "format", c.name().equals("Name") ? "name" : "",
                    "description", "", "priority", c.priority()));
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Map<String, Object> item : items) {
            List<Object> cells = new ArrayList<>();
            columns.forEach(c -> cells.add(c.cell().apply(item)));
            Map<String, Object> object = new LinkedHashMap<>();
            object.put("kind", "PartialObjectMetadata");
            object.put("apiVersion", "meta.k8s.io/v1");
            object.put("metadata", item.getOrDefault("metadata", Map.of()));
            rows.add(Map.of("cells", cells, "object", object));
        }
        Map<String, Object> table = new LinkedHashMap<>();
        table.put("kind", "Table");
        table.put("apiVersion", "meta.k8s.io/v1");
        table.put("metadata", body.get("items") instanceof List<?> ? body.getOrDefault("metadata", Map.of())
                : Map.of());
        table.put("columnDefinitions", defs);
        table.put("rows", rows);
        return Serialization.asJson(table);
    }

    private static List<Column> columns(String resource, Instant now) {
        List<Column> c = new ArrayList<>();
        c.add(new Column("Name", "string", 0, o -> text(o, "metadata", "name")));
        Column age = new Column("Age", "string", 0, o -> age(text(o, "metadata", "creationTimestamp"), now));
        switch (resource) {
            case "nodes" -> {
                c.add(new Column("Status", "string", 0, Tables::nodeStatus));
                c.add(new Column("Roles", "string", 0, Tables::roles));
                c.add(age);
                c.add(new Column("Version", "string", 0, o -> orDash(text(o, "status", "nodeInfo",
                        "kubeletVersion"))));
                c.add(new Column("Internal-IP", "string", 1, o -> orNone(addresses(o, "InternalIP"))));
            }
            case "services" -> {
                c.add(new Column("Type", "string", 0, o -> orDash(Objects.requireNonNullElse(text(o, "spec", "type"),
                        "ClusterIP"))));
                c.add(new Column("Cluster-IP", "string", 0, o -> orNone(text(o, "spec", "clusterIP"))));
                c.add(new Column("External-IP", "string", 0, Tables::externalIps));
                c.add(new Column("Port(s)", "string", 0, Tables::ports));
                c.add(age);
                c.add(new Column("Selector", "string", 1, o -> orNone(selector(o))));
            }
            case "pods" -> {
                c.add(new Column("Ready", "string", 0, o -> ready(o)));
                c.add(new Column("Status", "string", 0, o -> orDash(text(o, "status", "phase"))));
                c.add(new Column("Restarts", "integer", 0, o -> 0));
                c.add(age);
                c.add(new Column("IP", "string", 1, o -> orNone(text(o, "status", "podIP"))));
                c.add(new Column("Node", "string", 1, o -> orNone(text(o, "spec", "nodeName"))));
            }
            case "bgppolicies" -> {
                c.add(new Column("Local ASN", "integer", 0, o -> value(o, "spec", "localASN")));
                c.add(new Column("Listen Port", "integer", 0, o -> value(o, "spec", "listenPort")));
                c.add(age);
            }
            case "egresses" -> {
                c.add(new Column("EgressIP", "string", 0, o -> text(o, "spec", "egressIP")));
                c.add(age);
                c.add(new Column("Node", "string", 0, o -> text(o, "status", "egressNode")));
            }
            default -> c.add(age);
        }
        return c;
    }

    @SuppressWarnings("unchecked")
    private static Object value(Map<String, Object> o, String... path) {
        Object v = o;
        for (String p : path) {
            v = v instanceof Map<?, ?> m ? ((Map<String, Object>) m).get(p) : null;
        }
        return v;
    }

    private static String text(Map<String, Object> o, String... path) {
        Object v = value(o, path);
        return v == null ? null : String.valueOf(v);
    }

    private static String orNone(String s) {
        return s == null || s.isEmpty() ? "<none>" : s;
    }

    private static String orDash(String s) {
        return s == null || s.isEmpty() ? "" : s;
    }

    /** As kubectl shows ages: 45s, 3m12s, 2h5m, 4d. */
    static String age(String timestamp, Instant now) {
        if (timestamp == null) {
            return "<unknown>";
        }
        try {
            Duration d = Duration.between(Instant.parse(timestamp), now);
            long s = Math.max(0, d.getSeconds());
            if (s < 120) {
                return s + "s";
            }
            if (s < 600) {
                return s / 60 + "m" + (s % 60 == 0 ? "" : s % 60 + "s");
            }
            if (s < 3 * 3600) {
                return s / 60 + "m";
            }
            if (s < 8 * 3600) {
                return s / 3600 + "h" + (s % 3600 / 60 == 0 ? "" : s % 3600 / 60 + "m");
            }
            if (s < 2 * 86400) {
                return s / 3600 + "h";
            }
            return s / 86400 + "d";
        } catch (DateTimeParseException e) {
            return "<invalid>";
        }
    }

    private static List<?> list(Map<String, Object> o, String... path) {
        return value(o, path) instanceof List<?> l ? l : List.of();
    }

    @SuppressWarnings("unchecked")
    private static String nodeStatus(Map<String, Object> o) {
        for (Object c : list(o, "status", "conditions")) {
            Map<String, Object> cond = (Map<String, Object>) c;
            if ("Ready".equals(cond.get("type"))) {
                return "True".equals(cond.get("status")) ? "Ready" : "NotReady";
            }
        }
        return "Unknown";
    }

    @SuppressWarnings("unchecked")
    private static String roles(Map<String, Object> o) {
        List<String> roles = new ArrayList<>();
        if (value(o, "metadata", "labels") instanceof Map<?, ?> labels) {
            ((Map<String, Object>) labels).keySet().stream().filter(k -> k.startsWith("node-role.kubernetes.io/"))
                    .map(k -> k.substring("node-role.kubernetes.io/".length())).sorted().forEach(roles::add);
        }
        return roles.isEmpty() ? "<none>" : String.join(",", roles);
    }

    @SuppressWarnings("unchecked")
    private static String addresses(Map<String, Object> o, String type) {
        List<String> out = new ArrayList<>();
        for (Object a : list(o, "status", "addresses")) {
            Map<String, Object> addr = (Map<String, Object>) a;
            if (type.equals(addr.get("type"))) {
                out.add(String.valueOf(addr.get("address")));
            }
        }
        return String.join(",", out);
    }

    @SuppressWarnings("unchecked")
    private static String externalIps(Map<String, Object> o) {
        List<String> out = new ArrayList<>();
        for (Object i : list(o, "status", "loadBalancer", "ingress")) {
            Object ip = ((Map<String, Object>) i).get("ip");
            if (ip != null) {
                out.add(String.valueOf(ip));
            }
        }
        list(o, "spec", "externalIPs").forEach(ip -> out.add(String.valueOf(ip)));
        if (out.isEmpty()) {
            return "LoadBalancer".equals(text(o, "spec", "type")) ? "<pending>" : "<none>";
        }
        return String.join(",", out);
    }

    @SuppressWarnings("unchecked")
    private static String ports(Map<String, Object> o) {
        List<String> out = new ArrayList<>();
        for (Object p : list(o, "spec", "ports")) {
            Map<String, Object> port = (Map<String, Object>) p;
            String node = port.get("nodePort") == null ? "" : ":" + port.get("nodePort");
            out.add(port.get("port") + node + "/" + Objects.requireNonNullElse(port.get("protocol"), "TCP"));
        }
        return out.isEmpty() ? "<none>" : String.join(",", out);
    }

    @SuppressWarnings("unchecked")
    private static String selector(Map<String, Object> o) {
        if (value(o, "spec", "selector") instanceof Map<?, ?> sel && !sel.isEmpty()) {
            List<String> out = new ArrayList<>();
            ((Map<String, Object>) sel).forEach((k, v) -> out.add(k + "=" + v));
            return String.join(",", out);
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    private static String ready(Map<String, Object> o) {
        List<?> containers = list(o, "spec", "containers");
        long ready = 0;
        for (Object s : list(o, "status", "containerStatuses")) {
            ready += Boolean.TRUE.equals(((Map<String, Object>) s).get("ready")) ? 1 : 0;
        }
        if (list(o, "status", "containerStatuses").isEmpty()) {
            // the emulated kubelet reports no container statuses: a Pod not marked unready counts as ready
            boolean unready = list(o, "status", "conditions").stream().map(c -> (Map<String, Object>) c)
                    .anyMatch(c -> "Ready".equals(c.get("type")) && "False".equals(c.get("status")));
            ready = unready ? 0 : containers.size();
        }
        return ready + "/" + containers.size();
    }
}
