package dev.herald.simulator.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Merge patches as kubectl sends them, applied as an API server would. */
class MergePatchesTest {
    private static Object json(String s) {
        return Serialization.unmarshal(s, Map.class);
    }

    private static Object strategic(String target, String patch) {
        return MergePatches.strategic(json(target), json(patch));
    }

    @Test
    void aJsonMergePatchReplacesListsAndRemovesNulls() {
        assertThat(MergePatches.json(json("{\"spec\": {\"bgpPeers\": [{\"asn\": 1}, {\"asn\": 2}], \"localASN\": 5}}"),
                json("{\"spec\": {\"bgpPeers\": [{\"asn\": 3}], \"localASN\": null}}")))
                .isEqualTo(json("{\"spec\": {\"bgpPeers\": [{\"asn\": 3}]}}"));
    }

    @Test
    void kubectlApplyOfAChangedServicePortMergesByPortAndKeepsTheOthers() {
        assertThat(strategic("""
                {"spec": {"ports": [{"port": 80, "targetPort": 8080, "protocol": "TCP"}, {"port": 443}],
                          "externalIPs": ["192.0.2.1"], "selector": {"app": "web"}}}""", """
                {"spec": {"$setElementOrder/ports": [{"port": 80}, {"port": 443}],
                          "ports": [{"port": 80, "targetPort": 8081}], "externalIPs": ["192.0.2.2"]}}"""))
                .isEqualTo(json("""
                {"spec": {"ports": [{"port": 80, "targetPort": 8081, "protocol": "TCP"}, {"port": 443}],
                          "externalIPs": ["192.0.2.2"], "selector": {"app": "web"}}}"""));
    }

    @Test
    void directivesDeleteReplaceRetainAndNeverLandInTheObject() {
        assertThat(strategic("{\"spec\": {\"ports\": [{\"port\": 80}, {\"port\": 443}]}}",
                "{\"spec\": {\"ports\": [{\"port\": 443, \"$patch\": \"delete\"}]}}"))
                .isEqualTo(json("{\"spec\": {\"ports\": [{\"port\": 80}]}}"));
        assertThat(strategic("{\"metadata\": {\"labels\": {\"a\": \"1\", \"b\": \"2\"}}}",
                "{\"metadata\": {\"labels\": {\"$patch\": \"replace\", \"c\": \"3\"}}}"))
                .isEqualTo(json("{\"metadata\": {\"labels\": {\"c\": \"3\"}}}"));
        assertThat(strategic("{\"spec\": {\"a\": 1, \"b\": 2, \"c\": 3}}",
                "{\"spec\": {\"$retainKeys\": [\"a\", \"d\"], \"d\": 4}}"))
                .isEqualTo(json("{\"spec\": {\"a\": 1, \"d\": 4}}"));
        assertThat(strategic("{\"metadata\": {\"finalizers\": [\"x\", \"y\"]}}",
                "{\"metadata\": {\"$deleteFromPrimitiveList/finalizers\": [\"x\"]}}"))
                .isEqualTo(json("{\"metadata\": {\"finalizers\": [\"y\"]}}"));
        assertThat(strategic("{\"metadata\": {\"finalizers\": [\"x\"]}}",
                "{\"metadata\": {\"finalizers\": [\"y\", \"x\"]}}"))
                .isEqualTo(json("{\"metadata\": {\"finalizers\": [\"x\", \"y\"]}}"));
    }

    @Test
    void containersMergeByNameAndTheirEnvToo() {
        assertThat(strategic("""
                {"spec": {"containers": [{"name": "a", "image": "a:1", "env": [{"name": "X", "value": "1"}]},
                                         {"name": "b", "image": "b:1"}]}}""", """
                {"spec": {"containers": [{"name": "a", "env": [{"name": "Y", "value": "2"}]}]}}"""))
                .isEqualTo(json("""
                {"spec": {"containers": [{"name": "a", "image": "a:1",
                                          "env": [{"name": "X", "value": "1"}, {"name": "Y", "value": "2"}]},
                                         {"name": "b", "image": "b:1"}]}}"""));
    }
}
