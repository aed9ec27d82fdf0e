package dev.herald.simulator.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** Requests read as the API server's authorizer reads them. */
class ApiRequestTest {
    private static ApiRequest get(String target) {
        return ApiRequest.of(Instant.EPOCH, "GET", target, "kubectl/v1.32.4 (linux/amd64)", null);
    }

    /** verb group resource subresource namespace name, "-" for none. */
    private static String seen(ApiRequest r) {
        return String.join(" ", r.verb(), dash(r.group()), dash(r.resource()), dash(r.subresource()),
                dash(r.namespace()), dash(r.name()));
    }

    private static String dash(String s) {
        return s == null ? "-" : s.isEmpty() ? "core" : s;
    }

    @Test
    void readsVerbGroupResourceNamespaceAndName() {
        assertThat(seen(get("/api/v1/nodes/node1"))).isEqualTo("get core nodes - - node1");
        assertThat(seen(get("/api/v1/services?limit=500"))).isEqualTo("list core services - - -");
        assertThat(seen(get("/api/v1/namespaces/herald/pods/herald-agent-x"))).isEqualTo(
                "get core pods - herald herald-agent-x");
        assertThat(seen(get("/apis/discovery.k8s.io/v1/endpointslices?allowWatchBookmarks=true&watch=true")))
                .isEqualTo("watch discovery.k8s.io endpointslices - - -");
        assertThat(seen(get("/api/v1/watch/namespaces/default/services"))).isEqualTo(
                "watch core services - default -");
        assertThat(seen(ApiRequest.of(Instant.EPOCH, "PUT", "/apis/crd.antrea.io/v1alpha1/bgppolicies/p/status",
                null, null))).isEqualTo("update crd.antrea.io bgppolicies status - p");
        assertThat(seen(ApiRequest.of(Instant.EPOCH, "PATCH", "/api/v1/nodes/node1?fieldManager=x", null, null)))
                .isEqualTo("patch core nodes - - node1");
        assertThat(seen(ApiRequest.of(Instant.EPOCH, "POST", "/apis/apps/v1/namespaces/herald/daemonsets", null,
                null))).isEqualTo("create apps daemonsets - herald -");
        assertThat(seen(ApiRequest.of(Instant.EPOCH, "DELETE", "/api/v1/namespaces/default/pods", null, null)))
                .isEqualTo("deletecollection core pods - default -");
        assertThat(get("/apis/apps/v1/namespaces/herald/daemonsets/herald-agent").resourcePath())
                .isEqualTo("daemonsets");
        assertThat(get("/apis/crd.antrea.io/v1alpha1/bgppolicies/p/status").resourcePath())
                .isEqualTo("bgppolicies/status");
    }

    @Test
    void aNamespaceIsInItself() {
        assertThat(seen(get("/api/v1/namespaces/herald"))).isEqualTo("get core namespaces - herald herald");
        assertThat(seen(ApiRequest.of(Instant.EPOCH, "PUT", "/api/v1/namespaces/herald/status", null, null)))
                .isEqualTo("update core namespaces status herald herald");
        assertThat(seen(get("/api/v1/namespaces"))).isEqualTo("list core namespaces - - -");
    }

    @Test
    void aListOrWatchByFieldSelectorNamesItsObject() {
        // how an informer of one object asks, and what a role's resourceNames then allows
        assertThat(seen(get("/api/v1/namespaces/herald/secrets?fieldSelector=metadata.name%3Dantrea-bgp-passwords"
                + "&watch=true"))).isEqualTo("watch core secrets - herald antrea-bgp-passwords");
        assertThat(seen(get("/api/v1/nodes?fieldSelector=metadata.name%3D%3Dnode1")))
                .isEqualTo("list core nodes - - node1");
    }

    @Test
    void pathsThatNameNoResourceKeepTheMethodsVerb() {
        for (String path : new String[] {"/version", "/api", "/apis", "/api/v1", "/apis/apps/v1",
                "/openapi/v3/apis/apps/v1?hash=1"}) {
            ApiRequest r = get(path);
            assertThat(r.isResourceRequest()).as(path).isFalse();
            assertThat(r.verb()).as(path).isEqualTo("get");
        }
    }

    @Test
    void aBearerTokenIsRecordedAsWhoItSaysNeverAsItself() {
        String claims = "{\"iss\":\"kubernetes/serviceaccount\",\"sub\":\"system:serviceaccount:herald:herald-agent\"}";
        String jwt = "eyJhbGciOiJSUzI1NiJ9." + Base64.getUrlEncoder().withoutPadding().encodeToString(
                claims.getBytes(StandardCharsets.UTF_8)) + ".c2ln";
        ApiRequest r = ApiRequest.of(Instant.EPOCH, "GET", "/api/v1/nodes", "fabric8-kubernetes-client/7.0.0",
                "Bearer " + jwt);
        assertThat(r.user()).isEqualTo("system:serviceaccount:herald:herald-agent");
        String opaque = ApiRequest.of(Instant.EPOCH, "GET", "/api/v1/nodes", null, "Bearer sa-token-1").user();
        assertThat(opaque).isEqualTo(ApiRequest.identityOf("sa-token-1")).startsWith("token-sha256:")
                .doesNotContain("sa-token-1").hasSize("token-sha256:".length() + 16);
        assertThat(ApiRequest.identityOf("sa-token-2")).isNotEqualTo(opaque);
        assertThat(get("/api/v1/nodes").user()).isNull();
        assertThat(r.toJson()).contains("\"verb\":\"list\"", "\"user\":\"system:serviceaccount:herald:herald-agent\"")
                .doesNotContain(jwt);
    }
}
