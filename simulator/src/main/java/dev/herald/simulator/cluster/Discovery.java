package dev.herald.simulator.cluster;

import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The discovery documents a real API server serves and fabric8's mock lacks ({@code /version}, {@code /api},
 * {@code /apis} and one per group version), so that kubectl and other discovery-driven clients work against the
 * emulated cluster: {@code kubectl --kubeconfig sim.kubeconfig get bgppolicies}.
 *
 * <p>Also a skeleton of the OpenAPI v3 documents ({@code /openapi/v3}): only each kind's PATCH operation with its
 * {@code fieldValidation} parameter, which is what kubectl reads before {@code create} or {@code apply} to learn that
 * the server validates (it then validates nothing itself, and would otherwise want the protobuf OpenAPI v2).
 */
final class Discovery {
    private record Kind(String plural, String kind, boolean namespaced, String shortName) {
    }

    /** The Kubernetes version the emulated cluster says it runs (API server and kubelets). */
    static final String VERSION = "v1.31.0-herald-sim";
    private static final List<String> VERBS = List.of("create", "delete", "get", "list", "patch", "update", "watch");
    private static final Map<String, List<Kind>> RESOURCES = new LinkedHashMap<>();

    static {
        RESOURCES.put("v1", List.of(new Kind("nodes", "Node", false, "no"),
                new Kind("namespaces", "Namespace", false, "ns"), new Kind("services", "Service", true, "svc"),
                new Kind("pods", "Pod", true, "po"), new Kind("secrets", "Secret", true, null),
                new Kind("configmaps", "ConfigMap", true, "cm"), new Kind("events", "Event", true, "ev"),
                new Kind("endpoints", "Endpoints", true, "ep"),
                new Kind("serviceaccounts", "ServiceAccount", true, "sa")));
        RESOURCES.put("apps/v1", List.of(new Kind("daemonsets", "DaemonSet", true, "ds")));
        RESOURCES.put("discovery.k8s.io/v1", List.of(new Kind("endpointslices", "EndpointSlice", true, null)));
        RESOURCES.put("events.k8s.io/v1", List.of(new Kind("events", "Event", true, "ev")));
        RESOURCES.put("crd.antrea.io/v1alpha1", List.of(new Kind("bgppolicies", "BGPPolicy", false, "bp")));
        RESOURCES.put("crd.antrea.io/v1beta1", List.of(new Kind("egresses", "Egress", false, "eg")));
        RESOURCES.put("apiextensions.k8s.io/v1",
                List.of(new Kind("customresourcedefinitions", "CustomResourceDefinition", false, "crd")));
        // what deploy/kubernetes installs besides the kinds above
        RESOURCES.put("rbac.authorization.k8s.io/v1", List.of(new Kind("clusterroles", "ClusterRole", false, null),
                new Kind("clusterrolebindings", "ClusterRoleBinding", false, null),
                new Kind("roles", "Role", true, null), new Kind("rolebindings", "RoleBinding", true, null)));
        RESOURCES.put("scheduling.k8s.io/v1", List.of(new Kind("priorityclasses", "PriorityClass", false, "pc")));
    }

    private Discovery() {
    }

    /** The document for a discovery path, or null when the path is not one. */
    static String answer(String path) {
        switch (path) {
            case "/version":
                return json(Map.of("major", "1", "minor", "31", "gitVersion", VERSION,
                        "platform", "linux/amd64"));
            case "/api":
                return json(Map.of("kind", "APIVersions", "versions", List.of("v1"),
                        "serverAddressByClientCIDRs", List.of()));
            case "/apis":
                return json(groups());
            case "/api/v1":
                return json(resources("v1"));
            case "/openapi/v3":
                return json(openApiIndex());
            default:
                if (path.startsWith("/openapi/v3/")) {
                    String gv = path.substring("/openapi/v3/".length()).replaceFirst("^apis?/", "");
                    return RESOURCES.containsKey(gv) ? json(openApi(gv)) : null;
                }
                if (path.startsWith("/apis/")) {
                    String gv = path.substring("/apis/".length());
                    if (RESOURCES.containsKey(gv)) {
                        return json(resources(gv));
                    }
                    for (Map<String, Object> g : groupList()) {
                        if (g.get("name").equals(gv)) {
                            return json(g);
                        }
                    }
                }
                return null;
        }
    }

    /** Paths that a real API server serves and this one does not: answered 404 rather than by the mock. */
    static boolean notServed(String path) {
        return path.startsWith("/openapi/v3/");
    }

    private static Map<String, Object> openApiIndex() {
        Map<String, Object> paths = new LinkedHashMap<>();
        for (String gv : RESOURCES.keySet()) {
            String rel = (gv.contains("/") ? "apis/" : "api/") + gv;
            // the hash lets clients cache a document; these never change while the cluster runs
            paths.put(rel, Map.of("serverRelativeURL", "/openapi/v3/" + rel + "?hash=" + Integer.toHexString(
                    gv.hashCode())));
        }
        return Map.of("paths", paths);
    }

    private static Map<String, Object> openApi(String groupVersion) {
        String[] gv = groupVersion.contains("/") ? groupVersion.split("/") : new String[] {"", groupVersion};
        String base = groupVersion.contains("/") ? "/apis/" + groupVersion : "/api/" + groupVersion;
        Map<String, Object> paths = new LinkedHashMap<>();
        for (Kind k : RESOURCES.get(groupVersion)) {
            Map<String, Object> patch = new LinkedHashMap<>();
            patch.put("operationId", "patch" + k.kind());
            patch.put("x-kubernetes-group-version-kind", Map.of("group", gv[0], "version", gv[1], "kind", k.kind()));
            patch.put("parameters", List.of(Map.of("name", "fieldValidation", "in", "query",
                    "schema", Map.of("type", "string"))));
            patch.put("responses", Map.of("200", Map.of("description", "OK")));
            paths.put(base + (k.namespaced() ? "/namespaces/{namespace}/" : "/") + k.plural() + "/{name}",
                    Map.of("patch", patch));
        }
        return Map.of("openapi", "3.0.0", "info", Map.of("title", "Kubernetes", "version", "v1.31.0"),
                "paths", paths);
    }

    private static Map<String, Object> groups() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", "APIGroupList");
        m.put("apiVersion", "v1");
        m.put("groups", groupList());
        return m;
    }

    private static List<Map<String, Object>> groupList() {
        Map<String, List<String>> versions = new LinkedHashMap<>();
        RESOURCES.keySet().stream().filter(gv -> gv.contains("/")).forEach(gv -> {
            String[] p = gv.split("/");
            versions.computeIfAbsent(p[0], g -> new ArrayList<>()).add(p[1]);
        });
        List<Map<String, Object>> out = new ArrayList<>();
        versions.forEach((group, vs) -> {
            List<Map<String, String>> list = vs.stream().map(v -> Map.of("groupVersion", group + "/" + v,
                    "version", v)).toList();
            Map<String, Object> g = new LinkedHashMap<>();
            g.put("kind", "APIGroup");
            g.put("apiVersion", "v1");
            g.put("name", group);
            g.put("versions", list);
            g.put("preferredVersion", list.get(0));
            out.add(g);
        });
        return out;
    }

    private static Map<String, Object> resources(String groupVersion) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (Kind k : RESOURCES.get(groupVersion)) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("name", k.plural());
            r.put("singularName", k.kind().toLowerCase());
            r.put("namespaced", k.namespaced());
            r.put("kind", k.kind());
            r.put("verbs", VERBS);
            if (k.shortName() != null) {
                r.put("shortNames", List.of(k.shortName()));
            }
            list.add(r);
            if (List.of("nodes", "services", "pods", "daemonsets", "bgppolicies", "egresses").contains(k.plural())) {
                list.add(Map.of("name", k.plural() + "/status", "singularName", "", "namespaced", k.namespaced(),
                        "kind", k.kind(), "verbs", List.of("get", "patch", "update")));
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", "APIResourceList");
        m.put("apiVersion", "v1");
        m.put("groupVersion", groupVersion);
        m.put("resources", list);
        return m;
    }

    private static String json(Object o) {
        return Serialization.asJson(o);
    }
}
