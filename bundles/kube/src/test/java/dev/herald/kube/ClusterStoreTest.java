package dev.herald.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.api.Addresses;
import dev.herald.api.EgressInfo;
import dev.herald.api.EndpointInfo;
import dev.herald.api.NodeInfo;
import dev.herald.api.ServiceInfo;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The store on its own, with plain records: no API server, no fabric8. */
class ClusterStoreTest {
    private final ClusterStore store = new ClusterStore();
    private final List<String> events = new CopyOnWriteArrayList<>();

    ClusterStoreTest() {
        store.addListener((kind, keys) -> events.add(kind + " " + keys));
    }

    private static ServiceInfo service(String name, String ip) {
        return new ServiceInfo("default", name, "ClusterIP", List.of(Addresses.address(ip, "ip")), List.of(),
                List.of(), false, false);
    }

    @Test
    void aChangeIsToldOnceAndARepeatNotAtAll() {
        store.putService(service("web", "10.96.0.10"));
        store.putService(service("web", "10.96.0.10"));
        store.putService(service("web", "10.96.0.11"));
        store.removeService("default/web");
        store.removeService("default/web");
        assertThat(events).containsExactly("SERVICE [default/web]", "SERVICE [default/web]", "SERVICE [default/web]");
        assertThat(store.services()).isEmpty();
    }

    @Test
    void endpointsOfEverySliceOfAServiceAddUpAndADeletedSliceFindsItsService() {
        EndpointInfo a = new EndpointInfo(Optional.of("node1"), true, true, false);
        EndpointInfo b = new EndpointInfo(Optional.of("node2"), true, true, false);
        store.putSlice("default/web-1", "default/web", List.of(a));
        store.putSlice("default/web-2", "default/web", List.of(b));
        assertThat(store.endpoints("default/web")).containsExactlyInAnyOrder(a, b);
        store.removeSlice("default/web-1");
        assertThat(store.endpoints("default/web")).containsExactly(b);
        store.removeSlice("default/web-2");
        assertThat(store.endpoints("default/web")).isEmpty();
        assertThat(store.sliceKeys()).isEmpty();
        assertThat(events).hasSize(4).allMatch(e -> e.equals("ENDPOINT_SLICE [default/web]"));
    }

    @Test
    void anInvalidPolicyIsNotReadAgainAtTheSameGeneration() {
        store.putInvalidPolicy("p", "no peers", 3L);
        assertThat(store.invalidPolicies()).containsEntry("p", "no peers");
        assertThat(store.policyRead("p", 3L)).isTrue();
        assertThat(store.policyRead("p", 4L)).isFalse();
        assertThat(store.policyRead("p", null)).isFalse();
        assertThat(store.policyNames()).containsExactly("p");
        store.removePolicy("p");
        assertThat(store.invalidPolicies()).isEmpty();
        assertThat(store.policyRead("p", 3L)).isFalse();
    }

    @Test
    void nodesEgressesAndPasswords() {
        NodeInfo n = new NodeInfo("node1", Map.of(), Map.of(), List.of(), List.of());
        store.putNode(n);
        store.putNode(n);
        assertThat(store.node("node1")).contains(n);
        store.putEgress(new EgressInfo("e", Optional.of(Addresses.address("10.0.0.9", "ip")), Optional.of("node1")));
        assertThat(store.egressNames()).containsExactly("e");
        store.putPasswords(Map.of("10.0.0.1-65000", "s3cret"));
        assertThat(store.secretSeen()).isTrue();
        store.removePasswords();
        assertThat(store.secretSeen()).isFalse();
        assertThat(store.bgpPasswords()).isEmpty();
        assertThat(events).containsExactly("NODE [node1]", "EGRESS [e]", "SECRET [antrea-bgp-passwords]",
                "SECRET [antrea-bgp-passwords]");
    }
}
