package dev.herald.controller;

import dev.herald.api.Addresses;
import dev.herald.api.EffectivePolicy;
import dev.herald.api.PeerStatus;
import dev.herald.api.Route;
import dev.herald.api.RouteType;
import dev.herald.api.spi.AgentStatus;
import dev.herald.api.spi.BgpException;
import dev.herald.api.spi.BgpServerFactory;
import dev.herald.api.spi.ClusterState;
import dev.herald.api.spi.ClusterWriter;
import dev.herald.api.spi.Registration;
import dev.herald.api.spi.RouteSource;
import dev.herald.api.spi.Telemetry;
import dev.herald.support.Telemetries;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OSGi shell around {@link BgpPolicyReconciler}: binds the cluster state and writer, every {@link RouteSource}
 * (they may come and go) and every {@link BgpServerFactory}, uses the one that {@code backend} in etc/herald.cfg
 * names, and runs the reconcile loop on every change, plus a full pass every few minutes as a safety net.
 */
// immediate: the loop must run whether or not anyone reads the status
@Component(configurationPid = "herald", configurationPolicy = ConfigurationPolicy.OPTIONAL,
        service = AgentStatus.class, immediate = true)
public final class ControllerComponent implements AgentStatus {
    private static final Logger LOG = LoggerFactory.getLogger(ControllerComponent.class);
    static final Duration RESYNC = Duration.ofMinutes(5);

    /** The keys of PID {@code herald} this component reads. */
    public @interface Config {
        /** {@code native} or {@code gobgp}. */
        String backend() default "native";

        /** Address the BGP server listens on and sends from; empty: every address. */
        String bgp_listenAddress() default "";

        /**
         * Seconds the routes of a route source that went away are kept before they are withdrawn, so that updating
         * a source bundle (it stops, then starts) withdraws nothing.
         */
        long source_removalGrace() default 5;
    }

    private final Map<RouteSource, Registration> sources = new ConcurrentHashMap<>();
    private final Map<String, BgpServerFactory> factories = new ConcurrentHashMap<>();
    /** The metrics bundle's recorders, when it runs (docs/metrics.md). */
    private final Telemetries telemetry = new Telemetries();
    private final BgpPolicyReconciler reconciler;
    private final ReconcileLoop loop;
    private final Registration clusterListener;
    private final ScheduledExecutorService resync;
    private final Bundle system;
    private volatile String backend;
    private volatile BgpPolicyReconciler.SwapApplied watchedSwap;
    private java.util.concurrent.ScheduledFuture<?> holdTimer;
    private long holdTimerDue;
    static final Duration SWAP_WATCH = Duration.ofMinutes(5);

    @Activate
    public ControllerComponent(BundleContext context, @Reference ClusterState cluster, @Reference ClusterWriter writer,
            Config config) {
        system = context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION);
        backend = config.backend();
        // factories outlive this component: a server the previous instance left running is adopted, not restarted
        reconciler = new BgpPolicyReconciler(cluster, writer,
                () -> Optional.ofNullable(factories.get(backend)), () -> List.copyOf(sources.keySet()),
                settings(config), () -> List.copyOf(factories.values()));
        loop = new ReconcileLoop("herald-controller", this::pass, Duration.ofSeconds(5), Duration.ofSeconds(300));
        clusterListener = cluster.addListener((kind, keys) -> {
            // Services, EndpointSlices and Egresses reach the controller through the route sources
            if (kind == ClusterState.Kind.NODE || kind == ClusterState.Kind.BGP_POLICY
                    || kind == ClusterState.Kind.SECRET) {
                reconciler.invalidate();
                loop.trigger();
            }
        });
        resync = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "herald-controller-resync");
            t.setDaemon(true);
            return t;
        });
        resync.scheduleAtFixedRate(() -> {
            reconciler.invalidate();
            loop.trigger();
        }, RESYNC.toMillis(), RESYNC.toMillis(), TimeUnit.MILLISECONDS);
        LOG.info("BGPPolicy controller started (backend {})", backend);
        loop.trigger();
    }

    /** One pass, then whatever timers it asks for: the end of a source's grace period, a swap's convergence. */
    private void pass() {
        if (system != null && system.getState() == Bundle.STOPPING) {
            // the agent stops: its sources and cluster state go one by one, and a pass for each would only rebuild
            // the table (at 110,000 routes, seconds of work in a full heap) for a server that stops as the
            // ShutdownAdvisor says, holding what it advertises until then
            return;
        }
        long started = System.nanoTime();
        Optional<String> failure = Optional.empty();
        boolean pending = false;
        try {
            reconciler.reconcile();
        } catch (ReconcileLoop.Pending e) {
            pending = true; // waiting for a service to come: neither a pass that did its work nor an error
            throw e;
        } catch (RuntimeException e) {
            failure = Optional.of(reconciler.failedStep());
            throw e;
        } finally {
            if (!pending) {
                telemetry.reconciled(Duration.ofNanos(System.nanoTime() - started), failure);
            }
            if (!resync.isShutdown()) {
                reconciler.nextHoldExpiry().ifPresent(this::recheckIn);
                reconciler.lastSwap().filter(s -> s != watchedSwap).ifPresent(this::watch);
            }
        }
    }

    /** One timer for the end of the earliest grace period; passes meanwhile do not pile up more. */
    private synchronized void recheckIn(Duration d) {
        long now = System.nanoTime();
        long due = now + d.toNanos();
        // a timer whose time has come counts as gone: its pass may run before its future is marked done
        if (holdTimer != null && !holdTimer.isDone() && holdTimerDue - now > 0 && holdTimerDue - due <= 0) {
            return;
        }
        if (holdTimer != null) {
            holdTimer.cancel(false);
        }
        holdTimerDue = due;
        holdTimer = resync.schedule(() -> {
            reconciler.invalidate();
            loop.trigger();
        }, d.toMillis() + 50, TimeUnit.MILLISECONDS);
    }

    /** Logs when the peers of a swapped-in server have it all: Established, each sent every route of its family. */
    private void watch(BgpPolicyReconciler.SwapApplied swap) {
        watchedSwap = swap;
        long deadline = System.nanoTime() + SWAP_WATCH.toNanos();
        Runnable check = new Runnable() {
            @Override
            public void run() {
                if (watchedSwap != swap || reconciler.server() != swap.server()) {
                    return; // replaced or stopped meanwhile
                }
                Convergence c;
                try {
                    c = Convergence.of(swap.server());
                } catch (RuntimeException e) {
                    LOG.debug("Backend swap {} -> {}: no convergence check ({})", swap.from(), swap.to(),
                            e.getMessage());
                    return; // the server stopped meanwhile
                }
                long ms = (System.nanoTime() - swap.startedNanos()) / 1_000_000;
                if (c.converged()) {
                    LOG.info("Backend swap {} -> {} converged in {} ms: {}", swap.from(), swap.to(), ms, c);
                    telemetry.backendSwapped(swap.from(), swap.to(), Duration.ofMillis(ms), true);
                } else if (System.nanoTime() > deadline) {
                    LOG.warn("Backend swap {} -> {} has not converged after {} s: {}", swap.from(), swap.to(),
                            ms / 1000, c);
                    telemetry.backendSwapped(swap.from(), swap.to(), Duration.ofMillis(ms), false);
                } else if (!resync.isShutdown()) {
                    // each check copies the table: often enough to report within a fraction of a second, no more
                    resync.schedule(this, 250, TimeUnit.MILLISECONDS);
                }
            }
        };
        resync.schedule(check, 100, TimeUnit.MILLISECONDS);
    }

    @Modified
    void modified(Config config) {
        if (!config.backend().equals(backend)) {
            LOG.info("Backend changed from {} to {}", backend, config.backend());
            backend = config.backend();
        }
        reconciler.settings(settings(config));
        loop.trigger();
    }

    private static BgpPolicyReconciler.Settings settings(Config config) {
        String listen = config.bgp_listenAddress();
        long grace = config.source_removalGrace();
        if (grace < 0) {
            LOG.error("source.removalGrace must be 0 or more seconds, not {}; using {} s", grace,
                    BgpPolicyReconciler.Settings.DEFAULT_SOURCE_GRACE.toSeconds());
            grace = BgpPolicyReconciler.Settings.DEFAULT_SOURCE_GRACE.toSeconds();
        }
        return new BgpPolicyReconciler.Settings(listen == null || listen.isBlank() ? Optional.empty()
                : Optional.of(Addresses.address(listen, "bgp.listenAddress")), Duration.ofSeconds(grace));
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addSource(RouteSource source) {
        sources.put(source, source.addListener((s, owners) -> {
            reconciler().routesChanged(s, owners);
            loop().trigger();
        }));
        triggerIfActive();
    }

    void removeSource(RouteSource source) {
        Registration r = sources.remove(source);
        if (r != null) {
            r.close();
        }
        triggerIfActive();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addTelemetry(Telemetry t) {
        telemetry.add(t);
    }

    void removeTelemetry(Telemetry t) {
        telemetry.remove(t);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addFactory(BgpServerFactory factory) {
        factories.put(factory.backend(), factory);
        triggerIfActive();
    }

    void removeFactory(BgpServerFactory factory) {
        factories.remove(factory.backend(), factory);
        BgpPolicyReconciler r = reconciler();
        if (r != null) {
            r.factoryGone(factory);
        }
        triggerIfActive();
    }

    /** Bind methods can run before the constructor finished (static references first): then there is no loop yet. */
    private void triggerIfActive() {
        BgpPolicyReconciler r = reconciler();
        ReconcileLoop l = loop();
        if (r != null && l != null) {
            r.invalidate();
            l.trigger();
        }
    }

    private BgpPolicyReconciler reconciler() {
        return reconciler;
    }

    private ReconcileLoop loop() {
        return loop;
    }

    @Override
    public Optional<EffectivePolicy> effectivePolicy() {
        BgpPolicyReconciler.Status st = reconciler.status();
        if (st.policy().isEmpty() || st.config().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new EffectivePolicy(st.policy().get(), st.config().get()));
    }

    @Override
    public List<PeerStatus> peers() {
        var server = reconciler.server();
        try {
            return server == null ? List.of() : server.peers();
        } catch (BgpException e) {
            return List.of(); // stopped between the two calls: a swap or restart is under way
        }
    }

    @Override
    public List<Route> routes() {
        return reconciler.status().routes();
    }

    @Override
    public Optional<String> backend() {
        return reconciler.backendName();
    }

    @Override
    public Map<RouteType, Integer> desiredRoutes() {
        return reconciler.desiredRoutes();
    }

    @Override
    public Map<RouteType, Integer> advertisedRoutes() {
        return reconciler.advertisedRoutes();
    }

    @Override
    public int selectingPolicies() {
        return reconciler.selectingPolicies();
    }

    @Override
    public OptionalInt eventLoopPendingTasks() {
        var server = reconciler.server();
        return server == null ? OptionalInt.empty() : server.pendingTasks();
    }

    /**
     * The server is left running: the next controller instance (this bundle updated, or the cluster state or a
     * source replaced under it) adopts it and sends only the difference, so peers see nothing. Its backend stops it
     * when the framework stops (with a Cease) or when the backend's own bundle goes (for a graceful restart).
     */
    @Deactivate
    void deactivate() throws InterruptedException {
        clusterListener.close();
        sources.values().forEach(Registration::close);
        loop.close();
        resync.shutdownNow();
        var server = reconciler.server();
        String what = "";
        try {
            if (server != null) {
                what = String.format("; its %s BGP server keeps running (%d peers, %d routes) for the next controller "
                        + "to adopt", reconciler.backendName().orElse("new"), server.peers().size(),
                        server.routes().size());
            }
        } catch (BgpException e) {
            what = "; its BGP server is stopping with its backend";
        }
        LOG.info("BGPPolicy controller stopping{}", what);
    }
}
