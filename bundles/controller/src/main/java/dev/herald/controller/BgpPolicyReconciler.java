package dev.herald.controller;

import dev.herald.api.Advertisements;
import dev.herald.api.BgpPeerSpec;
import dev.herald.api.BgpPolicy;
import dev.herald.api.GlobalConfig;
import dev.herald.api.NodeInfo;
import dev.herald.api.PeerConfig;
import dev.herald.api.PeerKey;
import dev.herald.api.ReconcileStep;
import dev.herald.api.Route;
import dev.herald.api.RouteType;
import dev.herald.api.ServiceIPType;
import dev.herald.api.spi.BgpServer;
import dev.herald.api.spi.BgpServerFactory;
import dev.herald.api.spi.ClusterState;
import dev.herald.api.spi.ClusterWriter;
import dev.herald.api.spi.RouteSource;
import dev.herald.api.spi.StartMode;
import dev.herald.api.spi.StopMode;
import inet.ipaddr.IPAddress;
import java.util.ArrayList;
import java.time.Duration;
import java.util.Collection;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The BGPPolicy reconciler: one pass computes what this node should run (effective policy, BGP server config,
 * peers, routes) from {@link ClusterState} and the {@link RouteSource}s, and applies only the difference to the
 * {@link BgpServer}. Plain Java: the OSGi component and the loop that calls {@link #reconcile()} are elsewhere.
 *
 * <p>Level-triggered: the result of a pass never depends on which events led to it. Progress is kept: a peer added
 * or a batch advertised before a failure stays recorded, and the next pass continues from there. Route work is
 * incremental: when only some route owners changed (a Service, an Egress), a pass asks the sources for those owners
 * alone and touches only their prefixes; anything else (policy, node, peers, a source coming or going) recomputes
 * everything.
 *
 * <p>Not thread-safe: one loop thread calls {@link #reconcile()}; {@link #routesChanged}, {@link #invalidate},
 * {@link #factoryGone} and the read-only status methods may be called from any thread.
 */
public final class BgpPolicyReconciler {
    private static final Logger LOG = LoggerFactory.getLogger(BgpPolicyReconciler.class);

    /**
     * Node-local settings from {@code etc/herald.cfg}.
     *
     * @param listenAddress the address the BGP server listens on and sends from; empty: every address
     * @param sourceGrace how long the routes of a route source that went away are kept before they are withdrawn,
     *     so that a source bundle's update (stop, then start) withdraws nothing
     */
    public record Settings(Optional<IPAddress> listenAddress, Duration sourceGrace) {
        public static final Duration DEFAULT_SOURCE_GRACE = Duration.ofSeconds(5);
        public static final Settings DEFAULT = new Settings(Optional.empty());

        public Settings {
            Objects.requireNonNull(listenAddress, "listenAddress");
            if (sourceGrace.isNegative()) {
                throw new IllegalArgumentException("source grace must not be negative: " + sourceGrace);
            }
        }

        public Settings(Optional<IPAddress> listenAddress) {
            this(listenAddress, DEFAULT_SOURCE_GRACE);
        }
    }

    /** What the node runs now, for the status API. */
    public record Status(Optional<String> policy, Optional<GlobalConfig> config, List<PeerConfig> peers,
                         List<Route> routes) {
        public static final Status NONE = new Status(Optional.empty(), Optional.empty(), List.of(), List.of());
    }

    private final ClusterState cluster;
    private final ClusterWriter writer;
    private final Supplier<Optional<BgpServerFactory>> backend;
    private final Supplier<Collection<RouteSource>> sources;
    /** Factories whose running servers this reconciler may adopt or must stop; empty: none (in-process agents). */
    private final Supplier<Collection<BgpServerFactory>> adoptFrom;
    /** Until when (nanoTime) a missing backend is waited for quietly: it is being bound or its bundle updated. */
    private volatile long backendWaitUntil;
    static final java.time.Duration BACKEND_WAIT = java.time.Duration.ofSeconds(15);
    private volatile Settings settings;

    // applied state: what the running server has been told
    private volatile BgpServer server;
    private volatile String serverBackend;
    /** The backend of the server once a pass gave it everything; null while none runs or one is being set up. */
    private volatile String appliedBackend;
    /** The factory instance that made {@link #server}: another instance of the same backend is a swap too. */
    private volatile BgpServerFactory serverFactory;
    /** Set when {@link #serverFactory} was unregistered: it stops its servers, so the next pass replaces ours. */
    private volatile boolean serverFactoryGone;
    /** Route types whose routes are advertised but no bound source produces them, since when (nanoTime). */
    private final Map<RouteType, Long> sourceMissingSince = new EnumMap<>(RouteType.class);
    /**
     * What the previous server advertised, kept across a graceful restart until the next full pass: routes of a
     * type whose source is missing then are still held (and given to the new server), not lost with the old one.
     */
    private final Map<IPAddress, Route> carried = new HashMap<>();
    private String effective;
    private final Map<PeerKey, PeerConfig> peers = new LinkedHashMap<>();
    /** Every route some owner wants, by prefix (desired state; a prefix is wanted while its set is not empty). */
    private final Map<IPAddress, Set<Route>> wanted = new HashMap<>();
    /** What the server was told to advertise and has not been told to withdraw (applied state). */
    private final Map<IPAddress, Route> advertised = new HashMap<>();
    /** The routes each owner wants (key: route type and owner), for incremental passes. */
    private final Map<String, Set<Route>> byOwner = new HashMap<>();
    /**
     * What the status shows: every route of every advertised prefix, sorted as the status API lists them. Kept up
     * to date per touched prefix, so a pass costs the size of its change, not of the table; read by other threads.
     */
    private final java.util.concurrent.ConcurrentSkipListSet<Route> published =
            new java.util.concurrent.ConcurrentSkipListSet<>(Route.ORDER);
    private final Map<IPAddress, Set<Route>> publishedByPrefix = new HashMap<>();
    /** {@link #wanted}'s routes and {@link #published}'s, by type, for metrics. */
    private final RouteCounts desiredCounts = new RouteCounts();
    private final RouteCounts advertisedCounts = new RouteCounts();
    private volatile int selectingPolicies;
    /** Peers that ask for BFD from a server that cannot run it (docs/bgp-policy.md, "Timers and BFD"). */
    private List<PeerKey> withoutBfd = List.of();
    /** Peers and routes left out for lack of an address family or Pod CIDRs, for the condition. */
    private final FamilyGaps gaps = new FamilyGaps();
    private Set<RouteSource> sourcesSeen = Set.of();
    private Advertisements advertisementsSeen;
    private NodeInfo nodeSeen;

    // what changed since the last pass
    private final Object dirtyLock = new Object();
    private boolean full = true;
    private final Map<RouteSource, Set<String>> dirtyOwners = new HashMap<>();
    private volatile Status status = Status.NONE;

    /** A backend swap under way: set when the old server stopped gracefully, cleared once the new one has it all. */
    private Swap swap;

    private record Swap(String from, String to, int routes, long startedNanos) {
    }

    /**
     * A backend swap whose new server has its peers and routes: {@code from} and {@code to} name the backends (the
     * same name when a backend bundle was updated), {@code startedNanos} is when the old server was stopped.
     */
    public record SwapApplied(String from, String to, BgpServer server, long startedNanos) {
    }

    private volatile SwapApplied lastSwap;

    /** The step a pass is in, so a failure's condition names what failed. */
    private volatile ReconcileStep stage = ReconcileStep.RECONCILE;
    /** The conditions this node last wrote, by policy name: written again only when they change. */
    private final Map<String, Condition> conditions = new HashMap<>();

    private record Condition(boolean effective, String reason, String message) {
    }

    public BgpPolicyReconciler(ClusterState cluster, ClusterWriter writer,
                               Supplier<Optional<BgpServerFactory>> backend,
                               Supplier<Collection<RouteSource>> sources, Settings settings) {
        this(cluster, writer, backend, sources, settings, List::of);
    }

    /**
     * A reconciler that, on its first pass, adopts a server that one of {@code adoptFrom}'s factories still runs
     * (left by the controller instance before this one) instead of starting a new one: it continues from what that
     * server advertises and sends only the difference. A running server it does not want (other parameters, no
     * policy) is stopped with a Cease. Only for a controller that owns its factories: two reconcilers sharing
     * factories would take each other's servers.
     */
    public BgpPolicyReconciler(ClusterState cluster, ClusterWriter writer,
                               Supplier<Optional<BgpServerFactory>> backend,
                               Supplier<Collection<RouteSource>> sources, Settings settings,
                               Supplier<Collection<BgpServerFactory>> adoptFrom) {
        this.cluster = Objects.requireNonNull(cluster);
        this.writer = Objects.requireNonNull(writer);
        this.backend = Objects.requireNonNull(backend);
        this.sources = Objects.requireNonNull(sources);
        this.settings = Objects.requireNonNull(settings);
        this.adoptFrom = Objects.requireNonNull(adoptFrom);
        this.backendWaitUntil = System.nanoTime() + BACKEND_WAIT.toNanos();
    }

    /**
     * A backend factory was unregistered. If it made the running server, it stops that server as it goes (for a
     * graceful restart): the next pass replaces it as in a backend swap.
     */
    public void factoryGone(BgpServerFactory factory) {
        if (factory == serverFactory && server != null) {
            backendWaitUntil = System.nanoTime() + BACKEND_WAIT.toNanos();
            serverFactoryGone = true;
            invalidate();
        }
    }

    /** Ends the quiet wait for a missing backend now (tests; in the agent it lasts {@link #BACKEND_WAIT}). */
    void endBackendWait() {
        backendWaitUntil = System.nanoTime() - 1;
    }

    /** Routes some owner wants, by type (docs/metrics.md); every type, zeros included. */
    public Map<RouteType, Integer> desiredRoutes() {
        return desiredCounts.snapshot();
    }

    /** Routes the status lists as advertised, by type; every type, zeros included. */
    public Map<RouteType, Integer> advertisedRoutes() {
        return advertisedCounts.snapshot();
    }

    /** Valid policies that select the local Node, as the last pass that could tell found. */
    public int selectingPolicies() {
        return selectingPolicies;
    }

    /** The step the last failed pass failed at, as its policy's status condition names it. */
    public ReconcileStep failedStep() {
        return stage;
    }

    /** The last backend swap that was applied, if any. */
    public Optional<SwapApplied> lastSwap() {
        return Optional.ofNullable(lastSwap);
    }

    /**
     * The backend of the running server, once a pass has given it its peers and routes; empty when none runs and
     * while a new one (a swap) is being set up.
     */
    public Optional<String> backendName() {
        return Optional.ofNullable(appliedBackend);
    }

    /**
     * When the routes of a route source that went away must be withdrawn unless it comes back: the caller runs a
     * full pass ({@link #invalidate()}) then. Empty when no routes are being held.
     */
    public synchronized Optional<Duration> nextHoldExpiry() {
        if (sourceMissingSince.isEmpty()) {
            return Optional.empty();
        }
        long now = System.nanoTime();
        long first = sourceMissingSince.values().stream().mapToLong(Long::longValue).min().orElseThrow();
        long left = first + settings.sourceGrace().toNanos() - now;
        return Optional.of(Duration.ofNanos(Math.max(left, 0)));
    }

    /** A source says the routes of these owners may have changed; empty means anything may have. */
    public void routesChanged(RouteSource source, Set<String> owners) {
        synchronized (dirtyLock) {
            if (owners.isEmpty()) {
                full = true;
            } else {
                dirtyOwners.computeIfAbsent(source, s -> new HashSet<>()).addAll(owners);
            }
        }
    }

    /** Something other than route owners changed (policy, node, Secret, sources, backend): recompute all. */
    public void invalidate() {
        synchronized (dirtyLock) {
            full = true;
        }
    }

    public void settings(Settings s) {
        settings = Objects.requireNonNull(s);
        invalidate();
    }

    public Status status() {
        Status s = status;
        return s.config().isEmpty() ? s : new Status(s.policy(), s.config(), s.peers(), List.copyOf(published));
    }

    /** The running server, for peer status; null when none runs. Its methods are thread-safe. */
    public BgpServer server() {
        return server;
    }

    /**
     * One pass. Returns {@link PassResult#DONE} when the node runs what it should, a waiting result when it cannot
     * go on yet for an expected reason (a backend being bound); throws when something failed, after keeping whatever
     * progress was made, so the caller retries with back-off.
     */
    public PassResult reconcile() {
        boolean fullPass;
        Map<RouteSource, Set<String>> owners;
        synchronized (dirtyLock) {
            fullPass = full;
            owners = new HashMap<>(dirtyOwners);
            full = false;
            dirtyOwners.clear();
        }
        stage = ReconcileStep.RECONCILE;
        try {
            PassResult result = pass(fullPass, owners);
            if (result.done()) {
                publishConditions(null);
            } else {
                synchronized (dirtyLock) {
                    full = true;
                }
                // nothing failed: the conditions stay as they are
            }
            return result;
        } catch (RuntimeException e) {
            synchronized (dirtyLock) {
                full = true; // the next pass must not trust what this one left half done
            }
            publishConditions(e);
            throw e;
        } finally {
            publishStatus();
        }
    }

    private PassResult pass(boolean fullPass, Map<RouteSource, Set<String>> owners) {
        if (!cluster.synced()) {
            LOG.debug("Informers not synced yet: nothing is changed on ignorance");
            synchronized (dirtyLock) {
                full = true;
            }
            return PassResult.DONE;
        }
        Optional<NodeInfo> node = cluster.localNode();
        Optional<BgpPolicy> policy = node.flatMap(n -> PolicyElection.effective(cluster.bgpPolicies(), n));
        if (node.isEmpty() || policy.isEmpty()) {
            adoptOrStop(Optional.empty());
            if (server != null) {
                LOG.info("No BGPPolicy applies to this node any more{}: stopping the BGP server",
                        node.isEmpty() ? " (the Node is gone)" : "");
                stopServer(StopMode.CEASE);
            }
            if (effective != null) {
                effective = null;
            }
            swap = null; // nothing replaces the old server: its peers' stale routes go with their restart timers
            return PassResult.DONE;
        }
        NodeInfo n = node.get();
        BgpPolicy p = policy.get();
        if (serverFactoryGone && server != null) {
            // the factory stops the server itself as it goes (Cease when the agent shuts down, else a graceful
            // restart): stopping it here too would race that choice
            LOG.info("The {} backend's bundle is going away and stops its BGP server: the backend registered next "
                    + "takes over its {} peers and {} routes as a graceful restart", serverBackend, peers.size(),
                    advertised.size());
            swap = new Swap(serverBackend, serverBackend, advertised.size(), System.nanoTime());
            forgetServer(true);
        }
        if (!p.name().equals(effective)) {
            LOG.info("BGPPolicy {} is effective on Node {}", p.name(), n.name());
            writer.event(p.name(), n.name(), false, "PolicyEffective",
                    "BGPPolicy " + p.name() + " is effective on Node " + n.name());
            effective = p.name();
        }

        stage = ReconcileStep.NODE_ADDRESSES;
        if (!n.hasIPv4() && !n.hasIPv6()) {
            // no family to run peers or routes in; not a decision to withdraw, so what runs is left as it is
            String why = "Node " + n.name() + " has no InternalIP in status.addresses and no spec.podCIDRs: Herald "
                    + "cannot tell which address families it runs; the running BGP server, if any, is left as it is";
            writer.event(p.name(), n.name(), true, "NodeAddressesMissing", why);
            throw new IllegalStateException(why);
        }

        stage = ReconcileStep.ROUTER_ID;
        RouterIds.Choice id;
        try {
            id = RouterIds.choose(n);
        } catch (IllegalArgumentException e) {
            writer.event(p.name(), n.name(), true, "InvalidRouterID", e.getMessage());
            throw e; // the running server, if any, is left as it is
        }
        if (!id.fromAnnotation()) {
            writer.annotateRouterId(n.name(), id.routerId().toString());
        }
        GlobalConfig desired = new GlobalConfig(p.spec().localAsn(), id.routerId(), p.spec().listenPort(),
                settings.listenAddress(), p.spec().confederation(), true);

        stage = ReconcileStep.BGP_SERVER;
        boolean restarted = false;
        boolean adopted = adoptOrStop(Optional.of(desired));
        Optional<BgpServerFactory> chosen = backend.get();
        // another instance of the same backend (its bundle was updated) is a swap as well
        boolean backendChanged = server != null && chosen.isPresent() && chosen.get() != serverFactory;
        if (server == null || !server.config().equals(desired) || backendChanged) {
            if (chosen.isEmpty() && System.nanoTime() < backendWaitUntil) {
                // a new controller before its references are bound, or a backend bundle being updated: not a
                // failure to report (the factory's arrival triggers the next pass)
                return PassResult.waiting("the BGP backend to register");
            }
            BgpServerFactory factory = chosen.orElseThrow(() ->
                    new IllegalStateException("no BGP backend is available (see 'backend' in etc/herald.cfg)"));
            BgpServer next = null;
            if (server != null) {
                if (backendChanged && server.config().equals(desired)) {
                    // same speaker, other implementation: a planned restart, peers keep our routes meanwhile
                    LOG.info("Swapping the BGP backend from {} to {}{} (AS {}, router ID {}, {} peers, {} routes): "
                            + "stopping {} for a graceful restart", serverBackend, factory.backend(),
                            factory.backend().equals(serverBackend) ? " (a new instance: its bundle was updated)" : "",
                            desired.localAsn(), desired.routerId(), peers.size(), advertised.size(), serverBackend);
                    swap = new Swap(serverBackend, factory.backend(), advertised.size(), System.nanoTime());
                    next = prepared(factory, desired);
                    try {
                        stopServer(StopMode.GRACEFUL_RESTART);
                    } catch (RuntimeException e) {
                        discard(next, e); // nothing of it ran: a prepared daemon goes
                        throw e;
                    }
                } else {
                    if (backendChanged) {
                        LOG.info("BGP backend changed from {} to {} and the server's parameters too ({} -> {}): "
                                + "restarting it", serverBackend, factory.backend(), server.config(), desired);
                    } else {
                        LOG.info("BGP server parameters changed ({} -> {}): restarting it", server.config(), desired);
                    }
                    stopServer(StopMode.CEASE);
                }
            }
            if (swap != null && !swap.to().equals(factory.backend())) {
                swap = new Swap(swap.from(), factory.backend(), swap.routes(), swap.startedNanos());
            }
            // a swap whose new server failed to start is still a restart when the next pass tries again
            BgpServer s = next != null ? next
                    : factory.create(desired, swap != null ? StartMode.GRACEFUL_RESTART : StartMode.FRESH);
            try {
                s.start(); // a failure leaves no server: the next pass starts again
            } catch (RuntimeException e) {
                discard(s, e);
                throw e;
            }
            server = s;
            serverBackend = factory.backend();
            serverFactory = factory;
            serverFactoryGone = false;
            restarted = true;
            writer.event(p.name(), n.name(), false, "BgpServerStarted", "BGP server started: AS "
                    + desired.localAsn() + ", router ID " + desired.routerId() + ", port " + desired.listenPort()
                    + (swap != null ? ", backend " + swap.to() + " replacing " + swap.from()
                    + " (graceful restart)" : ""));
        }

        // a new server gets its whole table before its peers: its End-of-RIB, sent once a session's initial table
        // is out, must not come before the routes. Peers that kept our routes as stale (a swap, or an agent that
        // crashed and came back) drop at End-of-RIB whatever was not sent again.
        boolean routesFirst = swap != null || restarted; // swap: also on the retry of one whose first pass failed
        if (routesFirst) {
            stage = ReconcileStep.ROUTES;
            applyRoutes(n, p, fullPass, owners, true);
        }
        stage = ReconcileStep.BGP_PEERS;
        applyPeers(p, n);
        if (!routesFirst) {
            stage = ReconcileStep.ROUTES;
            applyRoutes(n, p, fullPass, owners, restarted || adopted);
        }
        appliedBackend = serverBackend;
        if (adopted) {
            LOG.info("Continued from the adopted BGP server: {} peers, {} routes advertised now", peers.size(),
                    advertised.size());
        }
        if (swap != null) {
            LOG.info("Backend swap {} -> {} applied in {} ms: {} peers and {} routes (before: {}) given to the new "
                    + "server; peers keep the old routes as stale until its End-of-RIB", swap.from(), swap.to(),
                    (System.nanoTime() - swap.startedNanos()) / 1_000_000, peers.size(), advertised.size(),
                    swap.routes());
            lastSwap = new SwapApplied(swap.from(), swap.to(), server, swap.startedNanos());
            swap = null;
        }
        return PassResult.DONE;
    }

    private void applyRoutes(NodeInfo n, BgpPolicy p, boolean fullPass, Map<RouteSource, Set<String>> owners,
                             boolean restarted) {
        Set<RouteSource> current = Set.copyOf(sources.get());
        Advertisements ads = p.spec().advertisements();
        boolean mustRecompute = fullPass || restarted || !current.equals(sourcesSeen) || !ads.equals(advertisementsSeen)
                || !n.equals(nodeSeen);
        if (mustRecompute) {
            applyAllRoutes(n, ads, current);
        } else {
            for (Map.Entry<RouteSource, Set<String>> e : owners.entrySet()) {
                if (current.contains(e.getKey())) {
                    applyOwners(n, ads, e.getKey(), e.getValue());
                }
            }
        }
        sourcesSeen = current;
        advertisementsSeen = ads;
        nodeSeen = n;
    }

    /**
     * Takes over a running server with the wanted config when this reconciler has none (the controller instance
     * before this one left it running), and stops with a Cease any other running server of its factories (one it no
     * longer wants: the policy changed, or none selects the node). Only once the configured backend is bound: before
     * that, a server it runs would be missed and a second one started on the same port.
     */
    private boolean adoptOrStop(Optional<GlobalConfig> desired) {
        if (backend.get().isEmpty()) {
            return false;
        }
        boolean adopted = false;
        for (BgpServerFactory f : adoptFrom.get()) {
            for (BgpServer s : f.running()) {
                if (s == server) {
                    continue;
                }
                if (server == null && desired.isPresent() && s.config().equals(desired.get())) {
                    server = s;
                    serverBackend = f.backend();
                    serverFactory = f;
                    serverFactoryGone = false;
                    s.peers().forEach(ps -> peers.put(ps.key(), ps.config()));
                    s.routes().forEach(r -> advertised.put(r.prefix(), r));
                    adopted = true;
                    LOG.info("Adopted the running {} BGP server (AS {}, router ID {}, port {}) with {} peers and {} "
                            + "routes: sessions stay up and only the difference is sent", f.backend(),
                            s.config().localAsn(), s.config().routerId(), s.config().listenPort(), peers.size(),
                            advertised.size());
                } else {
                    LOG.info("Stopping a running {} BGP server (AS {}, router ID {}) that this node no longer wants",
                            f.backend(), s.config().localAsn(), s.config().routerId());
                    s.stop(StopMode.CEASE);
                }
            }
        }
        return adopted;
    }

    /**
     * The server a swap starts, made ready before the old one stops: peers that lost the old one reconnect within a
     * second or so, and a graceful-restart helper that finds nobody there may wait for the restarting side to
     * connect, which goBGP does only 5 to 10 s later. A backend that cannot prepare starts from scratch in start().
     */
    private static BgpServer prepared(BgpServerFactory factory, GlobalConfig desired) {
        BgpServer next = factory.create(desired, StartMode.GRACEFUL_RESTART);
        try {
            next.prepare();
        } catch (RuntimeException e) {
            LOG.warn("The {} backend could not get ready before the swap ({}); it starts after the old server "
                    + "stopped", factory.backend(), e.getMessage());
        }
        return next;
    }

    /**
     * Stops a server that never ran, so that nothing it opened outlives it: a native server whose port was taken
     * has started its event loop's thread, and every retry of the pass would leave one more.
     */
    private static void discard(BgpServer s, RuntimeException cause) {
        try {
            s.stop(StopMode.CEASE);
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
        }
    }

    /**
     * {@link StopMode#CEASE} withdraws everything at the peers (a positive decision: no policy, new parameters);
     * {@link StopMode#GRACEFUL_RESTART} only when another server takes over at once (a backend swap).
     */
    private void stopServer(StopMode mode) {
        server.stop(mode); // a failure keeps the state: the next pass tries again
        forgetServer(mode == StopMode.GRACEFUL_RESTART);
    }

    /** Drops the applied state of the server; with {@code carry}, its routes stay known for held types. */
    private void forgetServer(boolean carry) {
        carried.clear();
        if (carry) {
            carried.putAll(advertised);
        }
        server = null;
        serverFactory = null;
        serverFactoryGone = false;
        appliedBackend = null;
        peers.clear();
        wanted.clear();
        desiredCounts.clear();
        advertised.clear();
        byOwner.clear();
        published.clear();
        publishedByPrefix.clear();
        advertisedCounts.clear();
        withoutBfd = List.of();
        gaps.clear();
        sourcesSeen = Set.of();
    }

    /** Removals first, then updates, then additions, so an ASN change at one address works with every backend. */
    private void applyPeers(BgpPolicy p, NodeInfo n) {
        Map<String, String> passwords = cluster.bgpPasswords();
        Map<PeerKey, PeerConfig> desired = new LinkedHashMap<>();
        List<PeerKey> otherFamily = new ArrayList<>();
        for (BgpPeerSpec spec : p.spec().bgpPeers()) {
            if (!n.hasFamilyOf(spec.address())) {
                otherFamily.add(spec.key()); // a family the node does not run
                continue;
            }
            desired.put(spec.key(), spec.toPeerConfig(Optional.ofNullable(passwords.get(spec.key().toString()))));
        }
        gaps.peers(otherFamily);
        for (PeerKey k : List.copyOf(peers.keySet())) {
            if (!desired.containsKey(k)) {
                server.removePeer(k);
                peers.remove(k);
            }
        }
        for (PeerConfig c : desired.values()) {
            PeerConfig old = peers.get(c.key());
            if (old != null && !old.equals(c)) {
                if (old.password().isPresent() && c.password().isEmpty()) {
                    // the Secret deleted, or its entry gone or unusable, while the session used it (Antrea's agent
                    // crashed there, antrea#7042): the peer goes on without TCP-MD5, and the user is told why
                    writer.event(p.name(), n.name(), true, "BgpPeerPasswordRemoved", "peer " + c.key() + " runs "
                            + "without a TCP-MD5 password now: the Secret antrea-bgp-passwords has no usable key "
                            + c.key() + " any more; a router that requires the password refuses the session");
                }
                peerCall(p, n, c, () -> server.updatePeer(c));
                peers.put(c.key(), c);
            }
        }
        for (PeerConfig c : desired.values()) {
            if (!peers.containsKey(c.key())) {
                peerCall(p, n, c, () -> server.addPeer(c));
                peers.put(c.key(), c);
            }
        }
        List<PeerKey> noBfd = server.supportsBfd() ? List.of() : desired.values().stream()
                .filter(c -> c.bfd().enabled()).map(PeerConfig::key).toList();
        if (!noBfd.isEmpty() && !noBfd.equals(withoutBfd)) {
            writer.event(p.name(), n.name(), true, "BfdUnsupported", bfdUnsupported(noBfd));
        }
        withoutBfd = noBfd;
    }

    private String bfdUnsupported(List<PeerKey> keys) {
        return "backend " + serverBackend + " cannot run BFD, asked for peer(s) " + keys
                + ": their sessions detect a dead peer by the hold timer only; the native backend runs BFD";
    }

    private void peerCall(BgpPolicy p, NodeInfo n, PeerConfig c, Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            writer.event(p.name(), n.name(), true, "BgpPeerError", "peer " + c.key() + ": " + e.getMessage());
            throw e;
        }
    }

    private void applyAllRoutes(NodeInfo n, Advertisements ads, Set<RouteSource> current) {
        Map<IPAddress, Set<Route>> next = new HashMap<>();
        Map<String, Set<Route>> nextByOwner = new HashMap<>();
        Map<String, Set<Route>> otherFamily = new HashMap<>();
        for (RouteSource s : current) {
            for (Route r : s.routes(n, ads)) {
                if (n.hasFamilyOf(r.prefix())) {
                    next.compute(r.prefix(), (k, set) -> RouteSets.plus(set, r));
                    nextByOwner.computeIfAbsent(ownerKey(r), k -> new HashSet<>()).add(r);
                } else {
                    otherFamily.computeIfAbsent(ownerKey(r), k -> new HashSet<>()).add(r);
                }
            }
        }
        gaps.routes(otherFamily);
        gaps.podWithoutCidrs(ads.pod() && n.podCidrs().isEmpty());
        holdRoutesOfMissingSources(ads, current, next);
        wanted.clear();
        wanted.putAll(next);
        desiredCounts.clear();
        next.values().forEach(desiredCounts::addAll);
        byOwner.clear();
        byOwner.putAll(nextByOwner);
        List<Route> withdraw = new ArrayList<>();
        for (Map.Entry<IPAddress, Route> e : advertised.entrySet()) {
            if (!wanted.containsKey(e.getKey())) {
                withdraw.add(e.getValue());
            }
        }
        List<Route> advertise = new ArrayList<>();
        for (Map.Entry<IPAddress, Set<Route>> e : wanted.entrySet()) {
            if (!advertised.containsKey(e.getKey())) {
                advertise.add(representative(e.getValue()));
            }
        }
        try {
            send(withdraw, advertise);
            forgetWithdrawnTypes();
        } finally {
            Set<IPAddress> all = new HashSet<>(publishedByPrefix.keySet());
            all.addAll(advertised.keySet());
            republish(all);
        }
    }

    /**
     * Never withdraw on ignorance: routes of a type that no bound source produces (its bundle is being updated, or
     * the controller was just replaced and its sources are not bound yet) stay wanted for the grace period. After
     * that their absence is a decision (the source bundle was removed) and they are withdrawn.
     */
    private void holdRoutesOfMissingSources(Advertisements ads, Set<RouteSource> current,
                                            Map<IPAddress, Set<Route>> next) {
        Set<RouteType> covered = EnumSet.noneOf(RouteType.class);
        current.forEach(s -> covered.addAll(s.types()));
        Map<RouteType, List<Route>> orphans = new EnumMap<>(RouteType.class);
        Map<IPAddress, Route> known = new HashMap<>(carried); // a previous server's, after a graceful restart
        known.putAll(advertised);
        carried.clear();
        for (Map.Entry<IPAddress, Route> e : known.entrySet()) {
            Route r = e.getValue();
            if (!next.containsKey(e.getKey()) && !covered.contains(r.type()) && advertises(ads, r.type())) {
                orphans.computeIfAbsent(r.type(), t -> new ArrayList<>()).add(r);
            }
        }
        long now = System.nanoTime();
        synchronized (this) {
            sourceMissingSince.keySet().retainAll(orphans.keySet());
            for (Map.Entry<RouteType, List<Route>> e : orphans.entrySet()) {
                RouteType type = e.getKey();
                Long since = sourceMissingSince.get(type);
                if (since == null) {
                    since = now;
                    sourceMissingSince.put(type, now);
                    LOG.info("No route source produces {} routes now: keeping its {} advertised routes for {} s in "
                            + "case it comes back (a bundle update); withdrawn after that", type.displayName(),
                            e.getValue().size(), settings.sourceGrace().toSeconds());
                }
                if (now - since >= settings.sourceGrace().toNanos()) {
                    // the entry goes once nothing of the type is left (retainAll above), so a failed withdrawal
                    // is retried at once, not after a new grace period
                    LOG.info("The route source for {} routes did not come back within {} s: withdrawing its {} "
                            + "routes", type.displayName(), settings.sourceGrace().toSeconds(), e.getValue().size());
                    continue;
                }
                for (Route r : e.getValue()) {
                    next.compute(r.prefix(), (k, set) -> RouteSets.plus(set, r));
                }
            }
        }
    }

    /** A held type whose routes are all withdrawn now is no longer waited for. */
    private synchronized void forgetWithdrawnTypes() {
        if (sourceMissingSince.isEmpty()) {
            return;
        }
        Set<RouteType> left = EnumSet.noneOf(RouteType.class);
        advertised.values().forEach(r -> left.add(r.type()));
        sourceMissingSince.keySet().retainAll(left);
    }

    /** Whether a policy's advertisements ask for routes of this type at all. */
    static boolean advertises(Advertisements ads, RouteType type) {
        return switch (type) {
            case SERVICE_CLUSTER_IP -> ads.serviceIpTypes().contains(ServiceIPType.CLUSTER_IP);
            case SERVICE_EXTERNAL_IP -> ads.serviceIpTypes().contains(ServiceIPType.EXTERNAL_IP);
            case SERVICE_LOAD_BALANCER_IP -> ads.serviceIpTypes().contains(ServiceIPType.LOAD_BALANCER_IP);
            case EGRESS_IP -> ads.egress();
            case NODE_IPAM_POD_CIDR -> ads.pod();
        };
    }

    /** Only these owners of one source: cost grows with the change, not with the table. */
    private void applyOwners(NodeInfo n, Advertisements ads, RouteSource source, Set<String> owners) {
        Set<IPAddress> touched = new HashSet<>();
        Map<String, Set<Route>> otherFamily = new HashMap<>(); // by owner: none unless the source says so below
        for (String owner : owners) {
            for (var type : source.types()) {
                otherFamily.put(type.name() + "|" + owner, new HashSet<>());
                Set<Route> old = byOwner.remove(type.name() + "|" + owner);
                if (old == null) {
                    continue;
                }
                for (Route r : old) {
                    touched.add(r.prefix());
                    wanted.computeIfPresent(r.prefix(), (k, set) -> {
                        if (set.contains(r)) {
                            desiredCounts.remove(r);
                        }
                        return RouteSets.minus(set, r);
                    });
                }
            }
        }
        for (Route r : source.routes(n, ads, owners)) {
            if (!n.hasFamilyOf(r.prefix())) {
                otherFamily.computeIfAbsent(ownerKey(r), k -> new HashSet<>()).add(r);
            } else {
                touched.add(r.prefix());
                wanted.compute(r.prefix(), (k, set) -> {
                    if (set == null || !set.contains(r)) {
                        desiredCounts.add(r);
                    }
                    return RouteSets.plus(set, r);
                });
                byOwner.computeIfAbsent(ownerKey(r), k -> new HashSet<>()).add(r);
            }
        }
        otherFamily.forEach(gaps::routes);
        List<Route> withdraw = new ArrayList<>();
        List<Route> advertise = new ArrayList<>();
        for (IPAddress prefix : touched) {
            Set<Route> now = wanted.get(prefix);
            Route sent = advertised.get(prefix);
            if (now == null && sent != null) {
                withdraw.add(sent);
            } else if (now != null && sent == null) {
                advertise.add(representative(now));
            }
        }
        try {
            send(withdraw, advertise);
        } finally {
            republish(touched); // owners may change while a prefix stays advertised
        }
    }

    /** Brings the status's routes of these prefixes in line with what is advertised and who wants it. */
    private void republish(Collection<IPAddress> prefixes) {
        for (IPAddress prefix : prefixes) {
            Set<Route> old = publishedByPrefix.remove(prefix);
            if (old != null) {
                published.removeAll(old);
                advertisedCounts.removeAll(old);
            }
            Route sent = advertised.get(prefix);
            if (sent != null) {
                Set<Route> now = Set.copyOf(wanted.getOrDefault(prefix, Set.of(sent)));
                publishedByPrefix.put(prefix, now);
                published.addAll(now);
                advertisedCounts.addAll(now);
            }
        }
    }

    /** Withdrawals first, then announcements; the applied state follows only what succeeded. */
    private void send(List<Route> withdraw, List<Route> advertise) {
        if (!withdraw.isEmpty()) {
            server.withdraw(withdraw);
            withdraw.forEach(r -> advertised.remove(r.prefix()));
        }
        if (!advertise.isEmpty()) {
            server.advertise(advertise);
            advertise.forEach(r -> advertised.put(r.prefix(), r));
        }
    }

    private static String ownerKey(Route r) {
        return r.type().name() + "|" + r.owner().orElse("");
    }

    /** One route for a prefix several owners want: the first in Antrea's order, so status output is stable. */
    private static Route representative(Set<Route> routes) {
        return routes.stream().min(Route.ORDER).orElseThrow();
    }

    /**
     * This node's condition in each policy's status: True on the effective policy after a good pass, False with the
     * failed step after a bad one, False "Superseded" on the other policies that select the node, False
     * "InvalidSpec" on policies that do not parse; removed from policies that no longer select it. Written only on a
     * change, so steady passes cost the API server nothing.
     */
    private void publishConditions(RuntimeException failure) {
        if (!cluster.synced()) {
            return; // never report from ignorance
        }
        Optional<NodeInfo> node = cluster.localNode();
        if (node.isEmpty()) {
            return; // no Node object to name in a condition
        }
        NodeInfo n = node.get();
        Map<String, Condition> next = new HashMap<>();
        Optional<BgpPolicy> winner = PolicyElection.effective(cluster.bgpPolicies(), n);
        int selecting = 0;
        for (BgpPolicy p : cluster.bgpPolicies()) {
            if (!p.spec().nodeSelector().matches(n.labels())) {
                continue;
            }
            selecting++;
            if (winner.isPresent() && p.name().equals(winner.get().name())) {
                if (failure != null) {
                    next.put(p.name(), new Condition(false, stage.reason(), String.valueOf(failure.getMessage())));
                } else {
                    GlobalConfig c = server == null ? null : server.config();
                    String running = c == null ? "applied" : "BGP server running: AS " + c.localAsn()
                            + ", router ID " + c.routerId() + ", listen port " + c.listenPort() + ", "
                            + peers.size() + " peer(s)";
                    String leftOut = gaps.describe();
                    running += leftOut.isEmpty() ? "" : "; " + leftOut;
                    next.put(p.name(), withoutBfd.isEmpty() ? new Condition(true, "Applied", running)
                            : new Condition(true, "BfdUnsupported", running + "; " + bfdUnsupported(withoutBfd)));
                }
            } else if (winner.isPresent()) {
                next.put(p.name(), new Condition(false, "Superseded", "BGPPolicy " + winner.get().name()
                        + " is effective on this Node (the oldest policy that selects a Node wins)"));
            }
        }
        selectingPolicies = selecting;
        cluster.invalidPolicies().forEach((name, why) ->
                next.put(name, new Condition(false, "InvalidSpec", "BGPPolicy is invalid and ignored: " + why)));
        for (Map.Entry<String, Condition> e : next.entrySet()) {
            if (!e.getValue().equals(conditions.get(e.getKey()))) {
                Condition c = e.getValue();
                writer.policyCondition(e.getKey(), n.name(), c.effective(), c.reason(), c.message());
            }
        }
        for (String gone : conditions.keySet()) {
            if (!next.containsKey(gone)) {
                writer.clearPolicyCondition(gone, n.name());
            }
        }
        conditions.clear();
        conditions.putAll(next);
    }

    private void publishStatus() {
        if (server == null) {
            status = effective == null ? Status.NONE
                    : new Status(Optional.of(effective), Optional.empty(), List.of(), List.of());
            return;
        }
        // the routes are read from the published set when someone asks (status()), not copied on every pass
        status = new Status(Optional.ofNullable(effective), Optional.of(server.config()), List.copyOf(peers.values()),
                List.of());
    }
}
