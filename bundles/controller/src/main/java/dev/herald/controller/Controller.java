package dev.herald.controller;

import dev.herald.api.RouteType;
import dev.herald.api.spi.BgpServer;
import dev.herald.api.spi.BgpServerFactory;
import dev.herald.api.spi.ClusterState;
import dev.herald.api.spi.ClusterWriter;
import dev.herald.api.spi.Registration;
import dev.herald.api.spi.RouteSource;
import dev.herald.api.spi.Telemetry;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller as the agent runs it: a {@link BgpPolicyReconciler} driven by a {@link ReconcileLoop}, the
 * listeners that trigger it (cluster state, route sources) and its timers: a full pass every {@link #RESYNC} as a
 * safety net, one when a missing source's grace period ends, and the watch of a backend swap's convergence. Plain
 * Java: the OSGi component and the simulator's agents run this same composition.
 */
public final class Controller implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Controller.class);
    static final Duration RESYNC = Duration.ofMinutes(5);
    static final Duration SWAP_WATCH = Duration.ofMinutes(5);
    private static final Duration INITIAL_BACKOFF = Duration.ofSeconds(5);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(300);

    /**
     * What the controller runs against besides its sources ({@link #addSource}).
     *
     * @param name the loop thread's name; the timers' thread adds {@code -timers}
     * @param backend the factory of the configured backend, when one is bound
     * @param adoptFrom factories whose running servers the controller may adopt or must stop (see
     *     {@link BgpPolicyReconciler}); empty for agents that share their factories
     * @param telemetry told of passes and swaps
     * @param stopping whether the agent is stopping: passes are skipped then (see {@link #pass})
     */
    public record Parts(String name, ClusterState cluster, ClusterWriter writer,
                        Supplier<Optional<BgpServerFactory>> backend,
                        Supplier<Collection<BgpServerFactory>> adoptFrom, Telemetry telemetry,
                        BooleanSupplier stopping) {
        public Parts {
            Objects.requireNonNull(name);
            Objects.requireNonNull(cluster);
            Objects.requireNonNull(writer);
            Objects.requireNonNull(backend);
            Objects.requireNonNull(adoptFrom);
            Objects.requireNonNull(telemetry);
            Objects.requireNonNull(stopping);
        }
    }

    private final Map<RouteSource, Registration> sources = new ConcurrentHashMap<>();
    private final Telemetry telemetry;
    private final BooleanSupplier stopping;
    private final BgpPolicyReconciler reconciler;
    private final ReconcileLoop loop;
    private final Registration clusterListener;
    private final ScheduledExecutorService timers;
    /** Until {@link #start}, changes are only noted: the caller may still be wiring (sources, informers). */
    private volatile boolean started;
    private volatile BgpPolicyReconciler.SwapApplied watchedSwap;
    private ScheduledFuture<?> holdTimer;
    private long holdTimerDue;

    public Controller(Parts parts, BgpPolicyReconciler.Settings settings) {
        telemetry = parts.telemetry();
        stopping = parts.stopping();
        reconciler = new BgpPolicyReconciler(parts.cluster(), parts.writer(), parts.backend(),
                () -> List.copyOf(sources.keySet()), settings, parts.adoptFrom());
        loop = new ReconcileLoop(parts.name(), this::pass, INITIAL_BACKOFF, MAX_BACKOFF);
        timers = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, parts.name() + "-timers");
            t.setDaemon(true);
            return t;
        });
        clusterListener = parts.cluster().addListener((kind, keys) -> {
            // Services, EndpointSlices and Egresses reach the controller through the route sources
            if (kind == ClusterState.Kind.NODE || kind == ClusterState.Kind.BGP_POLICY
                    || kind == ClusterState.Kind.SECRET) {
                changed();
            }
        });
        timers.scheduleAtFixedRate(this::changed, RESYNC.toMillis(), RESYNC.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Runs the first pass; later ones follow changes, timers and retries. */
    public Controller start() {
        started = true;
        loop.trigger();
        return this;
    }

    /** A route source to take routes from, until {@link #removeSource}; its changes trigger passes. */
    public void addSource(RouteSource source) {
        sources.put(source, source.addListener((s, owners) -> {
            reconciler.routesChanged(s, owners);
            trigger();
        }));
        changed();
    }

    public void removeSource(RouteSource source) {
        Registration r = sources.remove(source);
        if (r != null) {
            r.close();
        }
        changed();
    }

    /** Something other than route owners changed (a backend bound, the configuration): a full pass. */
    public void changed() {
        reconciler.invalidate();
        trigger();
    }

    private void trigger() {
        if (started) {
            loop.trigger();
        }
    }

    /** A backend factory was unregistered: a server it made is being stopped by it, and is replaced. */
    public void factoryGone(BgpServerFactory factory) {
        reconciler.factoryGone(factory);
        changed();
    }

    public void settings(BgpPolicyReconciler.Settings settings) {
        reconciler.settings(settings);
        trigger();
    }

    /** What the node runs now: the effective policy, the server's config and peers, the advertised routes. */
    public BgpPolicyReconciler.Status status() {
        return reconciler.status();
    }

    /** The running server, for peer status; null when none runs. Its methods are thread-safe. */
    public BgpServer server() {
        return reconciler.server();
    }

    /** The backend of the running server once a pass gave it everything (see {@link BgpPolicyReconciler}). */
    public Optional<String> backendName() {
        return reconciler.backendName();
    }

    public Map<RouteType, Integer> desiredRoutes() {
        return reconciler.desiredRoutes();
    }

    public Map<RouteType, Integer> advertisedRoutes() {
        return reconciler.advertisedRoutes();
    }

    public int selectingPolicies() {
        return reconciler.selectingPolicies();
    }

    /** Passes that failed so far. */
    public long reconcileErrors() {
        return loop.errors();
    }

    /** One pass, then whatever timers it asks for: the end of a source's grace period, a swap's convergence. */
    private PassResult pass() {
        if (stopping.getAsBoolean()) {
            // the agent stops: its sources and cluster state go one by one, and a pass for each would only rebuild
            // the table (at 110,000 routes, seconds of work in a full heap) for a server that stops as the
            // ShutdownAdvisor says, holding what it advertises until then
            return PassResult.DONE;
        }
        long started = System.nanoTime();
        Optional<String> failure = Optional.empty();
        PassResult result = null;
        try {
            result = reconciler.reconcile();
            return result;
        } catch (RuntimeException e) {
            failure = Optional.of(reconciler.failedStep().reason());
            throw e;
        } finally {
            // a pass waiting for a service to come is neither one that did its work nor an error
            if (result == null || result.done()) {
                telemetry.reconciled(Duration.ofNanos(System.nanoTime() - started), failure);
            }
            if (!timers.isShutdown()) {
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
        holdTimer = timers.schedule(this::changed, d.toMillis() + 50, TimeUnit.MILLISECONDS);
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
                } else if (!timers.isShutdown()) {
                    // each check copies the table: often enough to report within a fraction of a second, no more
                    timers.schedule(this, 250, TimeUnit.MILLISECONDS);
                }
            }
        };
        timers.schedule(check, 100, TimeUnit.MILLISECONDS);
    }

    /**
     * Stops listening, waits for a pass under way to end and stops the timers. The server is left as it is: the
     * caller decides whether it runs on (for the next controller to adopt) or stops.
     */
    @Override
    public void close() throws InterruptedException {
        clusterListener.close();
        sources.values().forEach(Registration::close);
        loop.close();
        timers.shutdownNow();
    }
}
