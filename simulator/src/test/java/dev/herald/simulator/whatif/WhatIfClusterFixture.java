package dev.herald.simulator.whatif;

import static org.awaitility.Awaitility.await;

import dev.herald.simulator.cluster.ClusterConfig;
import dev.herald.simulator.cluster.EmulatedCluster;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * An emulated cluster for what-if tests: three Nodes, two Services and an Egress, and two BGPPolicies in force.
 *
 * <pre>
 * node1  bgp=on  zone=a  dual stack (IPv4 + IPv6)
 * node2  bgp=on  zone=b  IPv4
 * node3          zone=b  IPv4, holds the Egress
 * base    (older)  selects bgp=on   ClusterIP              peer 192.168.77.100 AS 65000
 * zone-b  (newer)  selects zone=b   ClusterIP              peer 192.168.77.200 AS 65001
 * </pre>
 * So base is effective on node1 and node2, zone-b on node3 only.
 */
final class WhatIfClusterFixture implements AutoCloseable {
    static final String BASE = """
            apiVersion: crd.antrea.io/v1alpha1
            kind: BGPPolicy
            metadata: {name: base}
            spec:
              nodeSelector: {matchLabels: {bgp: "on"}}
              localASN: 64512
              advertisements: {service: {ipTypes: [ClusterIP]}}
              bgpPeers: [{address: 192.168.77.100, asn: 65000}]
            """;
    static final String ZONE_B = """
            apiVersion: crd.antrea.io/v1alpha1
            kind: BGPPolicy
            metadata: {name: zone-b}
            spec:
              nodeSelector: {matchLabels: {zone: b}}
              localASN: 64512
              advertisements: {service: {ipTypes: [ClusterIP]}}
              bgpPeers: [{address: 192.168.77.200, asn: 65001}]
            """;

    final EmulatedCluster cluster;
    final Path dir;

    WhatIfClusterFixture(Path dir) throws Exception {
        this.dir = dir;
        cluster = new EmulatedCluster(dir.resolve("cluster"), ClusterConfig.DEFAULT);
        cluster.node("node1", List.of("127.0.0.11", "fd00:10::b"), Map.of("bgp", "on", "zone", "a"),
                List.of("10.244.1.0/24", "fd00:10:244:1::/64"));
        cluster.node("node2", List.of("127.0.0.12"), Map.of("bgp", "on", "zone", "b"), List.of("10.244.2.0/24"));
        cluster.node("node3", List.of("127.0.0.13"), Map.of("zone", "b"), List.of("10.244.3.0/24"));
        cluster.apply("""
                apiVersion: v1
                kind: Service
                metadata: {name: web}
                spec: {ipFamilyPolicy: PreferDualStack, ports: [{port: 80}]}
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: lb}
                spec: {type: LoadBalancer, ports: [{port: 443}]}
                ---
                apiVersion: crd.antrea.io/v1beta1
                kind: Egress
                metadata: {name: out}
                spec: {egressIP: 10.201.0.5, appliedTo: {podSelector: {}}}
                status: {egressIP: 10.201.0.5, egressNode: node3}
                """);
        cluster.apply(BASE);
        cluster.apply(ZONE_B);
        await().atMost(Duration.ofSeconds(5)).until(cluster::settled);
    }

    String ip(String service) {
        return cluster.client().services().inNamespace("default").withName(service).get().getSpec().getClusterIP();
    }

    String loadBalancerIp(String service) {
        return cluster.client().services().inNamespace("default").withName(service).get().getStatus()
                .getLoadBalancer().getIngress().get(0).getIp();
    }

    Path policy(String name, String yaml) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, yaml);
        return p;
    }

    WhatIf whatIf(Path policy, String format) {
        return new WhatIf(policy, cluster.kubeconfig(), "kube-system", format, Duration.ofSeconds(10));
    }

    WhatIfReport report(Path policy) throws WhatIfException {
        return whatIf(policy, "table").report(Map.of(), dir);
    }

    /** Runs it as bin/herald sim does; returns exit code, stdout, stderr. */
    Run run(String... args) {
        return runSim(args);
    }

    static Run runSim(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream savedErr = System.err;
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            System.setErr(e);
            code = dev.herald.simulator.SimMain.run(o, args);
        } finally {
            System.setErr(savedErr);
        }
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    record Run(int code, String out, String err) {
    }

    @Override
    public void close() {
        cluster.close();
    }
}
