package dev.herald.controller;

import dev.herald.api.GlobalConfig;
import dev.herald.api.spi.BgpServer;
import dev.herald.api.spi.BgpServerFactory;
import dev.herald.api.spi.ClusterWriter;
import dev.herald.api.spi.StartMode;
import dev.herald.api.spi.StopMode;
import java.time.Duration;
import java.util.Collection;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one BGP server this node runs: started, restarted when its parameters change, swapped gracefully to another
 * backend (or another instance of the same one), adopted from the controller instance before this one, stopped when
 * no policy wants it. What the server was told (its peers and routes) is kept by others ({@link Applied}): the slot
 * tells them when a server is adopted or gone. The loop thread drives it; {@link #server()},
 * {@link #backendName()}, {@link #lastSwap()} and {@link #factoryGone} may be called from any thread.
 */
final class ServerSlot {
    private static final Logger LOG = LoggerFactory.getLogger(ServerSlot.class);
    /** How long a missing backend is waited for quietly: it is being bound or its bundle updated. */
    static final Duration BACKEND_WAIT = Duration.ofSeconds(15);

    /** What a server was told, kept beside the slot. */
    interface Applied {
        int peers();

        int routes();

        /** Continue from what this running server has. */
        void adopt(BgpServer server);

        /** The server is gone; with {@code carry} its routes stay known (a graceful restart follows). */
        void forget(boolean carry);
    }

    /**
     * What {@link #ensure} did.
     *
     * @param waiting the backend is not bound yet, and still expected: nothing was done
     * @param adopted a running server was taken over
     * @param restarted a new server was started: it needs every route
     */
    record Outcome(boolean waiting, boolean adopted, boolean restarted) {
        static final Outcome WAITING = new Outcome(true, false, false);
    }

    private final ClusterWriter writer;
    private final Supplier<Optional<BgpServerFactory>> backend;
    /** Factories whose running servers this slot may adopt or must stop; empty: none (in-process agents). */
    private final Supplier<Collection<BgpServerFactory>> adoptFrom;
    private final Applied applied;
    /** Until when (nanoTime) a missing backend is waited for quietly. */
    private volatile long backendWaitUntil;
    private volatile BgpServer server;
    private volatile String serverBackend;
    /** The backend of the server once a pass gave it everything; null while none runs or one is being set up. */
    private volatile String appliedBackend;
    /** The factory instance that made {@link #server}: another instance of the same backend is a swap too. */
    private volatile BgpServerFactory serverFactory;
    /** Set when {@link #serverFactory} was unregistered: it stops its servers, so the next pass replaces ours. */
    private volatile boolean serverFactoryGone;
    /** A backend swap under way: set when the old server stopped gracefully, cleared once the new one has it all. */
    private Swap swap;
    private volatile BgpPolicyReconciler.SwapApplied lastSwap;

    private record Swap(String from, String to, int routes, long startedNanos) {
    }

    ServerSlot(ClusterWriter writer, Supplier<Optional<BgpServerFactory>> backend,
               Supplier<Collection<BgpServerFactory>> adoptFrom, Applied applied) {
        this.writer = writer;
        this.backend = backend;
        this.adoptFrom = adoptFrom;
        this.applied = applied;
        this.backendWaitUntil = System.nanoTime() + BACKEND_WAIT.toNanos();
    }

    /** The running server; null when none runs. */
    BgpServer server() {
        return server;
    }

    /** The running server's backend, given everything or not; null when none runs. */
    String serverBackend() {
        return serverBackend;
    }

    /** The backend of the running server, once a pass has given it its peers and routes. */
    Optional<String> backendName() {
        return Optional.ofNullable(appliedBackend);
    }

    Optional<BgpPolicyReconciler.SwapApplied> lastSwap() {
        return Optional.ofNullable(lastSwap);
    }

    /** Whether a new server must get its whole table before its peers: a swap, also on the retry of one. */
    boolean swapping() {
        return swap != null;
    }

    /** Whether {@code factory} made the running server: it stops it as it goes, and the next pass replaces it. */
    boolean factoryGone(BgpServerFactory factory) {
        if (factory == serverFactory && server != null) {
            backendWaitUntil = System.nanoTime() + BACKEND_WAIT.toNanos();
            serverFactoryGone = true;
            return true;
        }
        return false;
    }

    void endBackendWait() {
        backendWaitUntil = System.nanoTime() - 1;
    }

    /** No policy wants a server on this node: none runs after this. */
    void stopAll(boolean nodeGone) {
        adoptOrStop(Optional.empty());
        if (server != null) {
            LOG.info("No BGPPolicy applies to this node any more{}: stopping the BGP server",
                    nodeGone ? " (the Node is gone)" : "");
            stop(StopMode.CEASE);
        }
        swap = null; // nothing replaces the old server: its peers' stale routes go with their restart timers
    }

    /** A server whose factory went away is being stopped by that factory: the next server takes over from it. */
    void releaseIfFactoryGone() {
        if (serverFactoryGone && server != null) {
            // the factory stops the server itself as it goes (Cease when the agent shuts down, else a graceful
            // restart): stopping it here too would race that choice
            LOG.info("The {} backend's bundle is going away and stops its BGP server: the backend registered next "
                    + "takes over its {} peers and {} routes as a graceful restart", serverBackend, applied.peers(),
                    applied.routes());
            swap = new Swap(serverBackend, serverBackend, applied.routes(), System.nanoTime());
            forget(true);
        }
    }

    /**
     * Makes the server run with {@code desired}: adopts a running one, keeps the one it has, swaps or restarts it.
     * Throws when that failed; the next pass starts again from what is left.
     */
    Outcome ensure(GlobalConfig desired, String policy, String node) {
        boolean adopted = adoptOrStop(Optional.of(desired));
        Optional<BgpServerFactory> chosen = backend.get();
        // another instance of the same backend (its bundle was updated) is a swap as well
        boolean backendChanged = server != null && chosen.isPresent() && chosen.get() != serverFactory;
        if (server != null && server.config().equals(desired) && !backendChanged) {
            return new Outcome(false, adopted, false);
        }
        if (chosen.isEmpty() && System.nanoTime() < backendWaitUntil) {
            // a new controller before its references are bound, or a backend bundle being updated: not a failure
            // to report (the factory's arrival triggers the next pass)
            return Outcome.WAITING;
        }
        BgpServerFactory factory = chosen.orElseThrow(() ->
                new IllegalStateException("no BGP backend is available (see 'backend' in etc/herald.cfg)"));
        BgpServer next = server == null ? null : replace(factory, desired, backendChanged);
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
        writer.event(policy, node, false, "BgpServerStarted", "BGP server started: AS " + desired.localAsn()
                + ", router ID " + desired.routerId() + ", port " + desired.listenPort()
                + (swap != null ? ", backend " + swap.to() + " replacing " + swap.from() + " (graceful restart)" : ""));
        return new Outcome(false, adopted, true);
    }

    /**
     * Stops the running server for another: for a graceful restart when only the backend changed (returning the
     * new server, made ready first), else with a Cease (returning null: the new one is created fresh).
     */
    private BgpServer replace(BgpServerFactory factory, GlobalConfig desired, boolean backendChanged) {
        if (backendChanged && server.config().equals(desired)) {
            // same speaker, other implementation: a planned restart, peers keep our routes meanwhile
            LOG.info("Swapping the BGP backend from {} to {}{} (AS {}, router ID {}, {} peers, {} routes): stopping "
                    + "{} for a graceful restart", serverBackend, factory.backend(),
                    factory.backend().equals(serverBackend) ? " (a new instance: its bundle was updated)" : "",
                    desired.localAsn(), desired.routerId(), applied.peers(), applied.routes(), serverBackend);
            swap = new Swap(serverBackend, factory.backend(), applied.routes(), System.nanoTime());
            BgpServer next = prepared(factory, desired);
            try {
                stop(StopMode.GRACEFUL_RESTART);
            } catch (RuntimeException e) {
                discard(next, e); // nothing of it ran: a prepared daemon goes
                throw e;
            }
            return next;
        }
        if (backendChanged) {
            LOG.info("BGP backend changed from {} to {} and the server's parameters too ({} -> {}): restarting it",
                    serverBackend, factory.backend(), server.config(), desired);
        } else {
            LOG.info("BGP server parameters changed ({} -> {}): restarting it", server.config(), desired);
        }
        stop(StopMode.CEASE);
        return null;
    }

    /** The pass gave the server its peers and routes: it is the node's now, and a swap under way is done. */
    void applied(boolean adopted) {
        appliedBackend = serverBackend;
        if (adopted) {
            LOG.info("Continued from the adopted BGP server: {} peers, {} routes advertised now", applied.peers(),
                    applied.routes());
        }
        if (swap != null) {
            LOG.info("Backend swap {} -> {} applied in {} ms: {} peers and {} routes (before: {}) given to the new "
                    + "server; peers keep the old routes as stale until its End-of-RIB", swap.from(), swap.to(),
                    (System.nanoTime() - swap.startedNanos()) / 1_000_000, applied.peers(), applied.routes(),
                    swap.routes());
            lastSwap = new BgpPolicyReconciler.SwapApplied(swap.from(), swap.to(), server, swap.startedNanos());
            swap = null;
        }
    }

    /**
     * Takes over a running server with the wanted config when this slot has none (the controller instance before
     * this one left it running), and stops with a Cease any other running server of its factories (one it no longer
     * wants: the policy changed, or none selects the node). Only once the configured backend is bound: before that,
     * a server it runs would be missed and a second one started on the same port.
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
                    applied.adopt(s);
                    adopted = true;
                    LOG.info("Adopted the running {} BGP server (AS {}, router ID {}, port {}) with {} peers and {} "
                            + "routes: sessions stay up and only the difference is sent", f.backend(),
                            s.config().localAsn(), s.config().routerId(), s.config().listenPort(), applied.peers(),
                            applied.routes());
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
    private void stop(StopMode mode) {
        server.stop(mode); // a failure keeps the state: the next pass tries again
        forget(mode == StopMode.GRACEFUL_RESTART);
    }

    private void forget(boolean carry) {
        applied.forget(carry);
        server = null;
        serverFactory = null;
        serverFactoryGone = false;
        appliedBackend = null;
    }
}
