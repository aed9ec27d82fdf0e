package dev.herald.bench.soak;

import dev.herald.it.kube.MockCluster;
import dev.herald.simulator.cluster.ApiEdits;
import java.util.Map;

/**
 * The soak's Node and BGPPolicy, and the edits a fault or a watch check makes to them through the API: a peer
 * removed and added back, a peer's hold time changed, a label or an annotation that changes nothing the agent
 * advertises but must still arrive as a watch event.
 */
final class SoakPolicy {
    static final String NAME = "soak";
    static final String NODE = "node1";
    static final long AGENT_ASN = 64512;
    /** Short enough for a frozen peer to be found dead soon, long enough for a busy 2-core machine. */
    static final int HOLD_SECONDS = 9;

    private final MockCluster cluster;
    private final int listenPort;
    private final String birdAddress;
    private final int birdPort;
    private final String frrAddress;
    private final int frrPort;
    private boolean birdConfigured = true;
    private int frrHold = HOLD_SECONDS;
    private long edits;

    SoakPolicy(MockCluster cluster, int listenPort, String birdAddress, int birdPort, String frrAddress, int frrPort) {
        this.cluster = cluster;
        this.listenPort = listenPort;
        this.birdAddress = birdAddress;
        this.birdPort = birdPort;
        this.frrAddress = frrAddress;
        this.frrPort = frrPort;
    }

    /** The Node (at 127.0.0.1, the agent's address toward BIRD) with its Pod CIDR, and the policy. */
    void create(String podCidr) {
        cluster.node(NODE, "127.0.0.1", Map.of("bgp", "soak"), podCidr);
        apply();
    }

    /** Removes BIRD from the policy's peers, or puts it back. */
    void configureBird(boolean configured) {
        birdConfigured = configured;
        apply();
    }

    /** Changes FRR's hold time between two values: the agent must renew that session, and only that one. */
    void toggleFrrHoldTime() {
        frrHold = frrHold == HOLD_SECONDS ? HOLD_SECONDS + 1 : HOLD_SECONDS;
        apply();
    }

    private void apply() {
        String bird = "  - {address: %s, asn: %d, port: %d, holdTimeSeconds: %d, keepaliveIntervalSeconds: 3}\n"
                .formatted(birdAddress, BirdPeer.ASN, birdPort, HOLD_SECONDS);
        String frr = "  - {address: %s, asn: %d, port: %d, holdTimeSeconds: %d, keepaliveIntervalSeconds: 3}\n"
                .formatted(frrAddress, FrrPeer.ASN, frrPort, frrHold);
        cluster.applyBgpPolicy("""
                apiVersion: crd.antrea.io/v1alpha1
                kind: BGPPolicy
                metadata: {name: %s}
                spec:
                  nodeSelector: {matchLabels: {bgp: soak}}
                  localASN: %d
                  listenPort: %d
                  advertisements: {service: {ipTypes: [ExternalIP]}, pod: {}}
                  bgpPeers:
                """.formatted(NAME, AGENT_ASN, listenPort) + (birdConfigured ? bird : "") + frr);
    }

    /**
     * Touches the Node (a label) and the policy (an annotation) without changing anything the agent acts on: each
     * must still come back from a watch as a MODIFIED event.
     */
    void touch() {
        edits++;
        String value = Long.toString(edits);
        ApiEdits.retryOnConflict(() -> cluster.client().nodes().withName(NODE).edit(n -> {
            n.getMetadata().getLabels().put("soak-touch", value);
            return n;
        }));
        ApiEdits.retryOnConflict(() -> cluster.client().genericKubernetesResources(MockCluster.BGP_POLICIES)
                .withName(NAME).edit(p -> {
                    Map<String, String> a = new java.util.HashMap<>(p.getMetadata().getAnnotations() == null
                            ? Map.of() : p.getMetadata().getAnnotations());
                    a.put("soak-touch", value);
                    p.getMetadata().setAnnotations(a);
                    return p;
                }));
    }
}
