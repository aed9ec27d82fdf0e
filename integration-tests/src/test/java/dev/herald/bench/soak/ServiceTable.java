package dev.herald.bench.soak;

import dev.herald.it.kube.MockCluster;
import dev.herald.simulator.cluster.ApiEdits;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Services of the soak's cluster and their churn, written through the API as a user would, and the table they
 * make: each Service has {@value #IPS} external IPs, every one a /32 the agent advertises (with the Node's Pod CIDR).
 * The benchmark's own record of what it wrote is the desired table the routers are compared with; nothing is read
 * back from the agent.
 */
final class ServiceTable {
    static final String NAMESPACE = "default";
    static final int IPS = 100;
    /** The alternative addresses a modification swaps in for the first ten of a Service. */
    private static final int SWAPPED = 10;

    private final MockCluster cluster;
    private final String podCidr;
    /** name -> the Service's address block, in creation order (the oldest is replaced first). */
    private final Map<String, Block> services = new LinkedHashMap<>();
    private int nextBlock;
    private int nextName;
    private int nextModified;
    private long replaced;
    private long modified;

    /** A block of addresses {@code 10.(100 + index / 256).(index % 256).1-100}; alternate: .101-.110 first. */
    private record Block(int index, boolean alternate) {
        List<String> ips() {
            String net = "10." + (100 + index / 256) + "." + (index % 256) + ".";
            List<String> out = new ArrayList<>();
            for (int i = 1; i <= IPS; i++) {
                out.add(net + (alternate && i <= SWAPPED ? 100 + i : i));
            }
            return out;
        }
    }

    ServiceTable(MockCluster cluster, String podCidr) {
        this.cluster = cluster;
        this.podCidr = podCidr;
    }

    /** Creates {@code count} Services: {@code count} x {@value #IPS} routes. */
    void create(int count) {
        for (int i = 0; i < count; i++) {
            createOne();
        }
    }

    private String createOne() {
        String name = "svc" + nextName++;
        Block b = new Block(nextBlock++, false);
        if (b.index() >= 155 * 256) {
            throw new IllegalStateException("address blocks used up");
        }
        cluster.apply("""
                apiVersion: v1
                kind: Service
                metadata: {name: %s, namespace: %s}
                spec: {externalIPs: [%s], ports: [{port: 80}]}
                """.formatted(name, NAMESPACE, String.join(", ", b.ips())));
        services.put(name, b);
        return name;
    }

    /** Deletes the oldest Service and creates a new one with a new block: 100 withdrawn, 100 announced. */
    String replaceOldest() {
        String oldest = services.keySet().iterator().next();
        cluster.client().services().inNamespace(NAMESPACE).withName(oldest).delete();
        services.remove(oldest);
        String created = createOne();
        replaced++;
        return "replaced " + oldest + " by " + created;
    }

    /** Swaps ten of one Service's addresses for others (a MODIFIED event): 10 withdrawn, 10 announced. */
    String modifyOne() {
        List<String> names = new ArrayList<>(services.keySet());
        String name = names.get(nextModified++ % names.size());
        Block b = services.get(name);
        Block changed = new Block(b.index(), !b.alternate());
        List<String> ips = changed.ips();
        ApiEdits.retryOnConflict(() -> cluster.client().services().inNamespace(NAMESPACE).withName(name).edit(s -> {
            s.getSpec().setExternalIPs(ips);
            return s;
        }));
        services.put(name, changed);
        modified++;
        return "modified " + name;
    }

    /** One churn operation, replacements and modifications taking turns. */
    String churn() {
        return (replaced + modified) % 2 == 0 ? replaceOldest() : modifyOne();
    }

    /** Every prefix the agent should advertise now. */
    Set<String> desired() {
        Set<String> out = new HashSet<>();
        services.values().forEach(b -> b.ips().forEach(ip -> out.add(ip + "/32")));
        out.add(podCidr);
        return out;
    }

    long replacements() {
        return replaced;
    }

    long modifications() {
        return modified;
    }
}
