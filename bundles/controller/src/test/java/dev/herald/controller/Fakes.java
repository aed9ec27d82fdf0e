package dev.herald.controller;

import dev.herald.api.Addresses;
import dev.herald.api.GlobalConfig;
import dev.herald.api.NodeInfo;
import dev.herald.api.PeerConfig;
import dev.herald.api.PeerKey;
import dev.herald.api.PeerStatus;
import dev.herald.api.Route;
import dev.herald.api.RouteType;
import dev.herald.api.spi.BgpException;
import dev.herald.api.spi.BgpServer;
import dev.herald.api.spi.BgpServerFactory;
import dev.herald.api.spi.ClusterWriter;
import dev.herald.api.spi.Registration;
import dev.herald.api.spi.RouteSource;
import dev.herald.api.spi.StopMode;
import dev.herald.api.Advertisements;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** Plain-object stand-ins for the SPIs, recording every call the reconciler makes. */
final class Fakes {
    private Fakes() {
    }

    static NodeInfo node(String name, Map<String, String> labels, Map<String, String> annotations, String... ips) {
        return new NodeInfo(name, labels, annotations,
                java.util.Arrays.stream(ips).map(ip -> Addresses.address(ip, "ip")).toList(), List.of());
    }

    /** A route source with routes set by owner; counts how it is asked. */
    static final class Source implements RouteSource {
        final Set<RouteType> types;
        final Map<String, Set<Route>> byOwner = new HashMap<>();
        int fullQueries;
        final List<Collection<String>> ownerQueries = new ArrayList<>();

        Source(RouteType... types) {
            this.types = Set.of(types);
        }

        void set(String owner, String... prefixes) {
            RouteType t = types.iterator().next();
            Set<Route> rs = new HashSet<>();
            for (String p : prefixes) {
                rs.add(Route.of(p, t, owner));
            }
            if (rs.isEmpty()) {
                byOwner.remove(owner);
            } else {
                byOwner.put(owner, rs);
            }
        }

        @Override
        public Set<RouteType> types() {
            return types;
        }

        @Override
        public Set<Route> routes(NodeInfo node, Advertisements advertisements) {
            fullQueries++;
            return byOwner.values().stream().flatMap(Set::stream).collect(Collectors.toSet());
        }

        @Override
        public Set<Route> routes(NodeInfo node, Advertisements advertisements, Collection<String> owners) {
            ownerQueries.add(List.copyOf(owners));
            Set<Route> out = new HashSet<>();
            owners.forEach(o -> out.addAll(byOwner.getOrDefault(o, Set.of())));
            return out;
        }

        @Override
        public Registration addListener(Listener listener) {
            return () -> { };
        }
    }

    /** Everything servers were asked, in order, as readable lines; failures to inject by call name. */
    static class Backend implements BgpServerFactory {
        final List<String> log = new ArrayList<>();
        final Set<String> failNext = new HashSet<>();
        final List<Server> servers = new ArrayList<>();
        final String name;

        Backend() {
            this("recording");
        }

        /** A backend of this name; two of them with one shared log play a backend swap. */
        Backend(String name) {
            this.name = name;
        }

        /** A second backend writing into this one's log and server list. */
        Backend other(String otherName) {
            Backend b = new Backend(otherName) {
                @Override
                public BgpServer create(GlobalConfig config, dev.herald.api.spi.StartMode mode) {
                    Server s = Backend.this.new Server(config, mode, otherName);
                    Backend.this.servers.add(s);
                    return s;
                }
            };
            return b;
        }

        @Override
        public String backend() {
            return name;
        }

        @Override
        public BgpServer create(GlobalConfig config) {
            return create(config, dev.herald.api.spi.StartMode.FRESH);
        }

        @Override
        public BgpServer create(GlobalConfig config, dev.herald.api.spi.StartMode mode) {
            Server s = new Server(config, mode, name);
            servers.add(s);
            return s;
        }

        /** Servers of this backend that started and did not stop, as a real factory reports them. */
        @Override
        public Collection<BgpServer> running() {
            return servers.stream().filter(s -> s.backendName.equals(name) && s.started && !s.stopped)
                    .map(BgpServer.class::cast).toList();
        }

        Server current() {
            return servers.get(servers.size() - 1);
        }

        void fail(String call) {
            failNext.add(call);
        }

        private void maybeFail(String call, String detail) {
            if (failNext.remove(call)) {
                log.add("FAILED " + call + " " + detail);
                throw new BgpException("injected failure of " + call + " " + detail);
            }
        }

        final class Server implements BgpServer {
            final GlobalConfig config;
            final dev.herald.api.spi.StartMode startMode;
            final String backendName;
            final Map<PeerKey, PeerConfig> peers = new HashMap<>();
            final Map<String, Route> routes = new HashMap<>();
            boolean started;
            boolean stopped;
            StopMode stopMode;

            Server(GlobalConfig config, dev.herald.api.spi.StartMode startMode, String backendName) {
                this.config = config;
                this.startMode = startMode;
                this.backendName = backendName;
            }

            @Override
            public GlobalConfig config() {
                return config;
            }

            @Override
            public void start() {
                maybeFail("start", "AS " + config.localAsn());
                started = true;
                log.add("start AS " + config.localAsn() + " id " + config.routerId() + " port " + config.listenPort()
                        + (startMode == dev.herald.api.spi.StartMode.GRACEFUL_RESTART
                        ? " on " + backendName + " as a graceful restart" : ""));
            }

            @Override
            public void prepare() {
                maybeFail("prepare", "AS " + config.localAsn());
                log.add("prepare AS " + config.localAsn() + " on " + backendName);
            }

            @Override
            public void stop(StopMode mode) {
                maybeFail("stop", "AS " + config.localAsn());
                stopped = true;
                stopMode = mode;
                log.add("stop AS " + config.localAsn() + (mode == StopMode.GRACEFUL_RESTART ? " gracefully" : ""));
            }

            @Override
            public void addPeer(PeerConfig peer) {
                maybeFail("addPeer", peer.key().toString());
                peers.put(peer.key(), peer);
                log.add("addPeer " + peer);
            }

            @Override
            public void updatePeer(PeerConfig peer) {
                maybeFail("updatePeer", peer.key().toString());
                peers.put(peer.key(), peer);
                log.add("updatePeer " + peer);
            }

            @Override
            public void removePeer(PeerKey peer) {
                maybeFail("removePeer", peer.toString());
                peers.remove(peer);
                log.add("removePeer " + peer);
            }

            @Override
            public List<PeerStatus> peers() {
                return peers.values().stream().sorted(java.util.Comparator.comparing(PeerConfig::key))
                        .map(c -> new PeerStatus(c, dev.herald.api.SessionState.IDLE, Optional.empty(), 0, 0, 0, 0))
                        .toList();
            }

            @Override
            public void advertise(Collection<Route> rs) {
                maybeFail("advertise", rs.size() + " routes");
                rs.forEach(r -> routes.put(r.prefix().toCanonicalString(), r));
                log.add("advertise " + rs.stream().map(r -> r.prefix().toCanonicalString()).sorted().toList());
            }

            @Override
            public void withdraw(Collection<Route> rs) {
                maybeFail("withdraw", rs.size() + " routes");
                rs.forEach(r -> routes.remove(r.prefix().toCanonicalString()));
                log.add("withdraw " + rs.stream().map(r -> r.prefix().toCanonicalString()).sorted().toList());
            }

            @Override
            public Set<Route> routes() {
                return Set.copyOf(routes.values());
            }
        }
    }

    /** Records annotations, events and each policy's condition for this node (the latest one, as the API would). */
    static final class Writer implements ClusterWriter {
        final List<String> annotations = new ArrayList<>();
        final List<String> events = new ArrayList<>();
        final Map<String, String> conditions = new HashMap<>();
        int conditionWrites;

        @Override
        public void policyCondition(String policy, String node, boolean effective, String reason, String message) {
            conditionWrites++;
            conditions.put(policy, node + " " + (effective ? "True" : "False") + " " + reason + ": " + message);
        }

        @Override
        public void clearPolicyCondition(String policy, String node) {
            conditionWrites++;
            conditions.remove(policy);
        }

        @Override
        public void annotateRouterId(String node, String routerId) {
            annotations.add(node + "=" + routerId);
        }

        @Override
        public void event(String policy, String node, boolean warning, String reason, String message) {
            events.add((warning ? "Warning " : "Normal ") + reason + ": " + message);
        }
    }
}
