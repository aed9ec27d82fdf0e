package dev.herald.controller;

import dev.herald.api.BgpPolicy;
import dev.herald.api.GlobalConfig;
import dev.herald.api.NodeInfo;
import dev.herald.api.PeerConfig;
import dev.herald.api.ReconcileStep;
import dev.herald.api.Route;
import dev.herald.api.RouteType;
import dev.herald.api.spi.BgpServer;
import dev.herald.api.spi.BgpServerFactory;
import dev.herald.api.spi.ClusterState;
import dev.herald.api.spi.ClusterWriter;
import dev.herald.api.spi.RouteSource;
import inet.ipaddr.IPAddress;
import java.time.Duration;
import java.util.Collection;
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
 * {@link BgpServer}. Plain Java: {@link Controller} runs it. Its parts: the {@link ServerSlot} (adopt, swap,
 * restart), {@link PeerSync}, the {@link RouteTable} (desired, applied, published), the {@link SourceGrace} of a
 * missing source and the {@link StatusConditions}.
 *
 * <p>Level-triggered: the result of a pass never depends on which events led to it. Progress is kept: a peer added
 * or a batch advertised before a failure stays recorded, and the next pass continues from there.
 *
 * <p>One loop thread calls {@link #reconcile()}; {@link #routesChanged}, {@link #invalidate}, {@link #factoryGone},
 * {@link #settings} and the read-only status methods may be called from any thread.
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

    /**
     * A backend swap whose new server has its peers and routes: {@code from} and {@code to} name the backends (the
     * same name when a backend bundle was updated), {@code startedNanos} is when the old server was stopped.
     */
    public record SwapApplied(String from, String to, BgpServer server, long startedNanos) {
    }

    private final ClusterState cluster;
    private final ClusterWriter writer;
    private final Supplier<Collection<RouteSource>> sources;
    private volatile Settings settings;
    private final Changes changes = new Changes();
    /** Peers and routes left out for lack of an address family or Pod CIDRs, for the condition. */
    private final FamilyGaps gaps = new FamilyGaps();
    private final SourceGrace grace;
    private final RouteTable routes;
    private final PeerSync peers;
    private final ServerSlot slot;
    private final StatusConditions conditions;
    private String effective;
    private volatile Status status = Status.NONE;
    /** The step a pass is in, so a failure's condition names what failed. */
    private volatile ReconcileStep stage = ReconcileStep.RECONCILE;

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
        this.sources = Objects.requireNonNull(sources);
        this.settings = Objects.requireNonNull(settings);
        grace = new SourceGrace(() -> this.settings.sourceGrace());
        routes = new RouteTable(gaps, grace);
        peers = new PeerSync(cluster, writer, gaps);
        slot = new ServerSlot(writer, Objects.requireNonNull(backend), Objects.requireNonNull(adoptFrom),
                new ServerSlot.Applied() {
                    @Override
                    public int peers() {
                        return peers.size();
                    }

                    @Override
                    public int routes() {
                        return routes.advertisedCount();
                    }

                    @Override
                    public void adopt(BgpServer server) {
                        peers.adopt(server.peers());
                        routes.adopt(server.routes());
                    }

                    @Override
                    public void forget(boolean carry) {
                        peers.forget();
                        routes.forget(carry);
                        gaps.clear();
                    }
                });
        conditions = new StatusConditions(cluster, writer);
    }

    /**
     * A backend factory was unregistered. If it made the running server, it stops that server as it goes (for a
     * graceful restart): the next pass replaces it as in a backend swap.
     */
    public void factoryGone(BgpServerFactory factory) {
        if (slot.factoryGone(factory)) {
            invalidate();
        }
    }

    /** Ends the quiet wait for a missing backend now (tests; in the agent it lasts 15 s). */
    void endBackendWait() {
        slot.endBackendWait();
    }

    /** Routes some owner wants, by type (docs/metrics.md); every type, zeros included. */
    public Map<RouteType, Integer> desiredRoutes() {
        return routes.desiredCounts();
    }

    /** Routes the status lists as advertised, by type; every type, zeros included. */
    public Map<RouteType, Integer> advertisedRoutes() {
        return routes.advertisedCounts();
    }

    /** Valid policies that select the local Node, as the last pass that could tell found. */
    public int selectingPolicies() {
        return conditions.selectingPolicies();
    }

    /** The step the last failed pass failed at, as its policy's status condition names it. */
    public ReconcileStep failedStep() {
        return stage;
    }

    /** The last backend swap that was applied, if any. */
    public Optional<SwapApplied> lastSwap() {
        return slot.lastSwap();
    }

    /**
     * The backend of the running server, once a pass has given it its peers and routes; empty when none runs and
     * while a new one (a swap) is being set up.
     */
    public Optional<String> backendName() {
        return slot.backendName();
    }

    /**
     * When the routes of a route source that went away must be withdrawn unless it comes back: the caller runs a
     * full pass ({@link #invalidate()}) then. Empty when no routes are being held.
     */
    public Optional<Duration> nextHoldExpiry() {
        return grace.nextExpiry();
    }

    /** A source says the routes of these owners may have changed; empty means anything may have. */
    public void routesChanged(RouteSource source, Set<String> owners) {
        changes.owners(source, owners);
    }

    /** Something other than route owners changed (policy, node, Secret, sources, backend): recompute all. */
    public void invalidate() {
        changes.all();
    }

    public void settings(Settings s) {
        settings = Objects.requireNonNull(s);
        invalidate();
    }

    public Status status() {
        Status s = status;
        return s.config().isEmpty() ? s : new Status(s.policy(), s.config(), s.peers(), routes.published());
    }

    /** The running server, for peer status; null when none runs. Its methods are thread-safe. */
    public BgpServer server() {
        return slot.server();
    }

    /**
     * One pass. Returns {@link PassResult#DONE} when the node runs what it should, a waiting result when it cannot
     * go on yet for an expected reason (a backend being bound); throws when something failed, after keeping whatever
     * progress was made, so the caller retries with back-off.
     */
    public PassResult reconcile() {
        Changes.Batch batch = changes.take();
        stage = ReconcileStep.RECONCILE;
        try {
            PassResult result = pass(batch);
            if (result.done()) {
                conditions.publish(this::applied);
            } else {
                changes.all(); // nothing failed: the conditions stay as they are
            }
            return result;
        } catch (RuntimeException e) {
            changes.all(); // the next pass must not trust what this one left half done
            conditions.publish(() -> new StatusConditions.Condition(false, stage.reason(),
                    String.valueOf(e.getMessage())));
            throw e;
        } finally {
            publishStatus();
        }
    }

    private PassResult pass(Changes.Batch batch) {
        if (!cluster.synced()) {
            LOG.debug("Informers not synced yet: nothing is changed on ignorance");
            changes.all();
            return PassResult.DONE;
        }
        Optional<NodeInfo> node = cluster.localNode();
        Optional<BgpPolicy> policy = node.flatMap(n -> PolicyElection.effective(cluster.bgpPolicies(), n));
        if (node.isEmpty() || policy.isEmpty()) {
            slot.stopAll(node.isEmpty());
            effective = null;
            return PassResult.DONE;
        }
        NodeInfo n = node.get();
        BgpPolicy p = policy.get();
        slot.releaseIfFactoryGone();
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
        ServerSlot.Outcome server = slot.ensure(desired, p.name(), n.name());
        if (server.waiting()) {
            return PassResult.waiting("the BGP backend to register");
        }

        // a new server gets its whole table before its peers: its End-of-RIB, sent once a session's initial table
        // is out, must not come before the routes. Peers that kept our routes as stale (a swap, or an agent that
        // crashed and came back) drop at End-of-RIB whatever was not sent again.
        boolean routesFirst = slot.swapping() || server.restarted(); // swap: also on the retry of a failed one
        if (routesFirst) {
            stage = ReconcileStep.ROUTES;
            applyRoutes(n, p, true, batch);
        }
        stage = ReconcileStep.BGP_PEERS;
        peers.apply(slot.server(), slot.serverBackend(), p, n);
        if (!routesFirst) {
            stage = ReconcileStep.ROUTES;
            applyRoutes(n, p, server.restarted() || server.adopted(), batch);
        }
        slot.applied(server.adopted());
        return PassResult.DONE;
    }

    private void applyRoutes(NodeInfo n, BgpPolicy p, boolean newServer, Changes.Batch batch) {
        routes.apply(slot.server(), n, p.spec().advertisements(), Set.copyOf(sources.get()),
                batch.full() || newServer, batch.owners());
    }

    /** The effective policy's condition after a good pass. */
    private StatusConditions.Condition applied() {
        BgpServer server = slot.server();
        GlobalConfig c = server == null ? null : server.config();
        String running = c == null ? "applied" : "BGP server running: AS " + c.localAsn() + ", router ID "
                + c.routerId() + ", listen port " + c.listenPort() + ", " + peers.size() + " peer(s)";
        String leftOut = gaps.describe();
        running += leftOut.isEmpty() ? "" : "; " + leftOut;
        Optional<String> noBfd = peers.bfdMissing(slot.serverBackend());
        return noBfd.isEmpty() ? new StatusConditions.Condition(true, "Applied", running)
                : new StatusConditions.Condition(true, "BfdUnsupported", running + "; " + noBfd.get());
    }

    private void publishStatus() {
        BgpServer server = slot.server();
        if (server == null) {
            status = effective == null ? Status.NONE
                    : new Status(Optional.of(effective), Optional.empty(), List.of(), List.of());
            return;
        }
        // the routes are read from the published set when someone asks (status()), not copied on every pass
        status = new Status(Optional.ofNullable(effective), Optional.of(server.config()), peers.configs(),
                List.of());
    }
}
