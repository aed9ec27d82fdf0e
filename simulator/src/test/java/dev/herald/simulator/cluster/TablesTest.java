package dev.herald.simulator.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The server-side tables kubectl prints, without kubectl. */
class TablesTest {
    private static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");

    @Test
    void agesReadAsKubectlPrintsThem() {
        assertThat(Tables.age("2026-11-26T11:59:15Z", NOW)).isEqualTo("45s");
        assertThat(Tables.age("2026-11-26T11:56:48Z", NOW)).isEqualTo("3m12s");
        assertThat(Tables.age("2026-11-26T11:00:00Z", NOW)).isEqualTo("60m");
        assertThat(Tables.age("2026-11-26T06:55:00Z", NOW)).isEqualTo("5h5m");
        assertThat(Tables.age("2026-11-22T12:00:00Z", NOW)).isEqualTo("4d");
        assertThat(Tables.age(null, NOW)).isEqualTo("<unknown>");
    }

    @Test
    void aServiceListBecomesRowsWithKubeApiserversColumns() {
        String list = """
                {"kind": "ServiceList", "apiVersion": "v1", "metadata": {"resourceVersion": "7"}, "items": [
                  {"metadata": {"name": "shop", "namespace": "default", "creationTimestamp": "2026-11-26T11:59:50Z"},
                   "spec": {"type": "LoadBalancer", "clusterIP": "10.96.0.20", "ports": [{"port": 443}]},
                   "status": {"loadBalancer": {"ingress": [{"ip": "10.200.0.1"}]}}},
                  {"metadata": {"name": "pending", "namespace": "default"},
                   "spec": {"type": "LoadBalancer", "clusterIP": "10.96.0.21", "ports": [{"port": 80, "protocol": "UDP"}]}}
                ]}""";
        Map<?, ?> table = Serialization.unmarshal(Tables.of("/api/v1/namespaces/default/services", list, NOW),
                Map.class);
        assertThat(table.get("kind")).isEqualTo("Table");
        assertThat(((List<?>) table.get("columnDefinitions")).stream().map(c -> String.valueOf(((Map<?, ?>) c).get("name")))
                .toList()).containsExactly("Name", "Type", "Cluster-IP", "External-IP", "Port(s)", "Age", "Selector");
        List<?> rows = (List<?>) table.get("rows");
        assertThat(((Map<?, ?>) rows.get(0)).get("cells")).isEqualTo(List.of("shop", "LoadBalancer", "10.96.0.20",
                "10.200.0.1", "443/TCP", "10s", "<none>"));
        assertThat(((List<?>) ((Map<?, ?>) rows.get(1)).get("cells")).stream().map(String::valueOf).toList())
                .contains("<pending>", "80/UDP", "<unknown>");
    }

    @Test
    void aBgpPolicyGetsItsCrdsPrinterColumnsAndAnErrorPassesThrough() {
        String one = """
                {"kind": "BGPPolicy", "apiVersion": "crd.antrea.io/v1alpha1",
                 "metadata": {"name": "p", "creationTimestamp": "2026-11-26T11:59:00Z"},
                 "spec": {"localASN": 64512, "listenPort": 179}}""";
        Map<?, ?> table = Serialization.unmarshal(Tables.of("/apis/crd.antrea.io/v1alpha1/bgppolicies/p", one, NOW),
                Map.class);
        assertThat(((Map<?, ?>) ((List<?>) table.get("rows")).get(0)).get("cells"))
                .isEqualTo(List.of("p", 64512, 179, "60s"));
        assertThat(Tables.of("/apis/crd.antrea.io/v1alpha1/bgppolicies/q",
                "{\"kind\": \"Status\", \"code\": 404}", NOW)).isNull();
        assertThat(Tables.wanted("application/json;as=Table;v=v1;g=meta.k8s.io", "watch=true")).isFalse();
        assertThat(Tables.wanted("application/json", null)).isFalse();
    }
}
