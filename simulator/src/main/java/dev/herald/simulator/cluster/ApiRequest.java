package dev.herald.simulator.cluster;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One request the emulated API server served, with what an API server's authorizer makes of it: the verb (get,
 * list, watch, create, update, patch, delete, deletecollection), API group ("" for the core API), resource,
 * subresource, namespace and name. A request that names no resource (discovery, {@code /version}, OpenAPI) has a
 * null resource and the HTTP method's verb. A list or watch with a {@code metadata.name} field selector carries
 * that name, as Kubernetes authorizes it (a role's {@code resourceNames} then applies).
 *
 * @param path the request target as sent, query included
 * @param userAgent the User-Agent header (fabric8's starts with "fabric8-kubernetes-client", kubectl's with
 *     "kubectl"), or null
 * @param user who the bearer token says the client is: {@link #identityOf(String)}; null without a token
 */
public record ApiRequest(Instant time, String method, String path, String verb, String group, String version,
                         String resource, String subresource, String namespace, String name, String userAgent,
                         String user) {

    /** Whether the request is about a resource (else it is discovery or another non-resource path). */
    public boolean isResourceRequest() {
        return resource != null;
    }

    /** The resource with its subresource, as a role's rule names it: {@code bgppolicies/status}. */
    public String resourcePath() {
        return subresource == null ? resource : resource + "/" + subresource;
    }

    /**
     * What a bearer token tells of its client: the subject ({@code sub}) of a JSON Web Token, as a service account
     * token's {@code system:serviceaccount:NAMESPACE:NAME}; for any other token {@code token-sha256:} and the first
     * 16 hex digits of its SHA-256 (the token itself is never recorded).
     */
    public static String identityOf(String token) {
        String[] parts = token.split("\\.");
        if (parts.length == 3) {
            try {
                String claims = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
                Object sub = io.fabric8.kubernetes.client.utils.Serialization.unmarshal(claims, Map.class).get("sub");
                if (sub instanceof String s && !s.isEmpty()) {
                    return s;
                }
            } catch (RuntimeException e) {
                // not a JWT after all: identified by its hash below
            }
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return "token-sha256:" + HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e); // every JDK has SHA-256
        }
    }

    /** Reads a request as kube-apiserver's request-info resolver would. */
    static ApiRequest of(Instant time, String method, String target, String userAgent, String authorization) {
        String[] pathAndQuery = target.split("\\?", 2);
        String query = pathAndQuery.length > 1 ? pathAndQuery[1] : "";
        String user = null;
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            user = identityOf(authorization.substring(7).trim());
        }
        String[] p = pathAndQuery[0].replaceAll("^/+|/+$", "").split("/");
        String group;
        String version;
        int i;
        if (p.length >= 2 && p[0].equals("api")) {
            group = "";
            version = p[1];
            i = 2;
        } else if (p.length >= 3 && p[0].equals("apis")) {
            group = p[1];
            version = p[2];
            i = 3;
        } else {
            return new ApiRequest(time, method, target, method.toLowerCase(), null, null, null, null, null, null,
                    userAgent, user);
        }
        boolean watchPath = i < p.length && p[i].equals("watch"); // the old /watch/ paths
        if (watchPath) {
            i++;
        }
        String namespace = null;
        if (i + 1 < p.length && p[i].equals("namespaces")) {
            // namespaces/NS/RESOURCE...; but namespaces/NS, namespaces/NS/status and /finalize are the Namespace
            // itself, which is in its own namespace as the authorizer sees it
            namespace = p[i + 1];
            if (i + 2 < p.length && !p[i + 2].equals("status") && !p[i + 2].equals("finalize")) {
                i += 2;
            }
        }
        if (i >= p.length) {
            return new ApiRequest(time, method, target, method.toLowerCase(), group, version, null, null, null, null,
                    userAgent, user);
        }
        String resource = p[i];
        String name = i + 1 < p.length ? p[i + 1] : null;
        String subresource = i + 2 < p.length ? String.join("/", java.util.Arrays.copyOfRange(p, i + 2, p.length))
                : null;
        Map<String, String> params = query(query);
        String verb = switch (method) {
            case "POST" -> "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> name == null ? "deletecollection" : "delete";
            default -> watchPath || "true".equals(params.get("watch")) || "1".equals(params.get("watch")) ? "watch"
                    : name == null ? "list" : "get";
        };
        if (name == null && (verb.equals("list") || verb.equals("watch"))) {
            name = nameSelected(params.get("fieldSelector"));
        }
        return new ApiRequest(time, method, target, verb, group, version, resource, subresource, namespace, name,
                userAgent, user);
    }

    private static Map<String, String> query(String query) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : query.split("&")) {
            if (!pair.isEmpty()) {
                String[] kv = pair.split("=", 2);
                out.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                        kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
            }
        }
        return out;
    }

    /** The name of {@code metadata.name=NAME} (or {@code ==}) in a field selector, else null. */
    private static String nameSelected(String selector) {
        if (selector == null) {
            return null;
        }
        for (String term : selector.split(",")) {
            String t = term.trim();
            for (String op : new String[] {"metadata.name==", "metadata.name="}) {
                if (t.startsWith(op)) {
                    return t.substring(op.length());
                }
            }
        }
        return null;
    }

    /** This record as a JSON object, every field present (null where it has none). */
    String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("time", time.toString());
        m.put("method", method);
        m.put("path", path);
        m.put("verb", verb);
        m.put("group", group);
        m.put("version", version);
        m.put("resource", resource);
        m.put("subresource", subresource);
        m.put("namespace", namespace);
        m.put("name", name);
        m.put("userAgent", userAgent);
        m.put("user", user);
        return io.fabric8.kubernetes.client.utils.Serialization.asJson(m);
    }
}
