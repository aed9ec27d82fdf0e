package dev.herald.bench;

import dev.herald.api.Addresses;
import dev.herald.api.Advertisements;
import dev.herald.api.BgpPeerSpec;
import dev.herald.api.BgpPolicy;
import dev.herald.api.BgpPolicySpec;
import dev.herald.api.LabelSelector;
import dev.herald.api.NodeInfo;
import dev.herald.api.Route;
import dev.herald.api.RouteType;
import dev.herald.api.ServiceIPType;
import dev.herald.api.spi.Registration;
import dev.herald.api.spi.RouteSource;
import dev.herald.testing.InMemoryClusterState;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** A cluster of plain objects with a trivial route source, for timing the reconciler's own work. */
final class InMemoryCluster extends InMemoryClusterState {
    final Map<String, Set<Route>> routes = new HashMap<>();
    final RouteSource source = new RouteSource() {
        @Override
        public Set<RouteType> types() {
            return Set.of(RouteType.SERVICE_CLUSTER_IP);
        }

        @Override
        public Set<Route> routes(NodeInfo n, Advertisements a) {
            Set<Route> all = new java.util.HashSet<>();
            routes.values().forEach(all::addAll);
            return all;
        }

        @Override
        public Set<Route> routes(NodeInfo n, Advertisements a, Collection<String> owners) {
            Set<Route> out = new java.util.HashSet<>();
            owners.forEach(o -> out.addAll(routes.getOrDefault(o, Set.of())));
            return out;
        }

        @Override
        public Registration addListener(Listener listener) {
            return () -> { };
        }
    };

    InMemoryCluster(int services) {
        super(new NodeInfo("node1", Map.of(), Map.of(),
                List.of(Addresses.address("192.168.0.11", "ip"), Addresses.address("fd00::11", "ip")), List.of()),
                new BgpPolicy("bench", Instant.EPOCH, 1, new BgpPolicySpec(LabelSelector.ALL, 64512, 179,
                        Optional.empty(), new Advertisements(Set.of(ServiceIPType.CLUSTER_IP), false, false),
                        List.<BgpPeerSpec>of())));
        for (int i = 0; i < services; i++) {
            set(i, 0);
        }
    }

    private void set(int i, int generation) {
        int v4 = 0x0A600000 + i + generation * 0x100000;
        String owner = "bench/s" + i;
        routes.put(owner, Set.of(
                Route.of(((v4 >>> 24) & 255) + "." + ((v4 >>> 16) & 255) + "." + ((v4 >>> 8) & 255) + "." + (v4 & 255),
                        RouteType.SERVICE_CLUSTER_IP, owner),
                Route.of(String.format("fd00:96:%x::%x", generation % 2, i), RouteType.SERVICE_CLUSTER_IP, owner)));
    }

    /** Gives one Service new IPs; returns its owner key. */
    String change(int round) {
        int i = round % routes.size();
        set(i, 1 + round % 2);
        return "bench/s" + i;
    }
}
