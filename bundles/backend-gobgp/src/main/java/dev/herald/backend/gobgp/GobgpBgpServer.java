package dev.herald.backend.gobgp;

import dev.herald.api.GlobalConfig;
import dev.herald.api.PeerConfig;
import dev.herald.api.PeerKey;
import dev.herald.api.PeerStatus;
import dev.herald.api.Route;
import dev.herald.api.SessionState;
import dev.herald.api.spi.BgpException;
import dev.herald.api.spi.BgpServer;
import dev.herald.api.spi.StopMode;
import dev.herald.support.HostPort;
import dev.herald.backend.gobgp.apipb.AddPathRequest;
import dev.herald.backend.gobgp.apipb.AddPathStreamRequest;
import dev.herald.backend.gobgp.apipb.AddPeerRequest;
import dev.herald.backend.gobgp.apipb.DeletePathRequest;
import dev.herald.backend.gobgp.apipb.DeletePeerRequest;
import dev.herald.backend.gobgp.apipb.Destination;
import dev.herald.backend.gobgp.apipb.GetBgpRequest;
import dev.herald.backend.gobgp.apipb.Global;
import dev.herald.backend.gobgp.apipb.GobgpApiGrpc;
import dev.herald.backend.gobgp.apipb.ListPathRequest;
import dev.herald.backend.gobgp.apipb.ListPathResponse;
import dev.herald.backend.gobgp.apipb.ListPeerRequest;
import dev.herald.backend.gobgp.apipb.ListPeerResponse;
import dev.herald.backend.gobgp.apipb.Path;
import dev.herald.backend.gobgp.apipb.Peer;
import dev.herald.backend.gobgp.apipb.StartBgpRequest;
import dev.herald.backend.gobgp.apipb.StopBgpRequest;
import dev.herald.backend.gobgp.apipb.TableType;
import dev.herald.backend.gobgp.apipb.UpdatePeerRequest;
import com.google.protobuf.Empty;
import inet.ipaddr.IPAddress;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link BgpServer} that drives gobgpd over its gRPC API. By default it starts its own gobgpd at {@link #start()}
 * and supervises it: when the daemon dies it is started again and given the global config, the peers and the routes
 * anew. Given an API address ({@link GobgpdSettings#attach}) it drives a running daemon instead, and re-applies its
 * state when that daemon comes back empty.
 *
 * <p>Herald keeps its own view of peers and routes: it makes calls idempotent (a repeat sends nothing), is what
 * {@link #routes()} reports and what a restarted daemon is given. A call that fails leaves the view as it was;
 * prefixes whose state in gobgpd a failure left unknown are sent again by the next advertise or withdraw of them.
 *
 * <p>Mutating calls and the supervisor's restarts are serialised on one lock; {@link #peers()}, {@link #routes()}
 * and {@link #routesByPeer()} do not wait for them.
 */
public final class GobgpBgpServer implements BgpServer {
    private static final Logger LOG = LoggerFactory.getLogger(GobgpBgpServer.class);
    /** Batches of this many prefixes or more go through one AddPathStream instead of one call each. */
    static final int STREAM_THRESHOLD = 32;
    /** Paths per AddPathStream message. */
    static final int PATHS_PER_MESSAGE = 1000;
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
    /** A stream may take this plus 1 s per 1,000 paths (gobgpd takes about 2-3k paths/s). */
    private static final Duration STREAM_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration ATTACHED_CHECK = Duration.ofSeconds(5);
    /** A daemon that ran this long before it died is restarted without delay. */
    private static final Duration STABLE = Duration.ofSeconds(60);
    private static final Duration MAX_RESTART_DELAY = Duration.ofSeconds(30);
    private static final int LAUNCH_ATTEMPTS = 3;
    private static final String ALREADY_EXISTS = "can't overwrite the existing peer";
    private static final String NO_SUCH_PEER_UPDATE = "doesn't exist";
    private static final String NO_SUCH_PEER_DELETE = "can't delete a peer configuration";

    private final GlobalConfig config;
    private final GobgpdSettings settings;
    private final String id;
    private final Object lock = new Object();
    /** Herald's view: what was added and not removed, advertised and not withdrawn. */
    private final Map<PeerKey, PeerConfig> peers = new ConcurrentHashMap<>();
    private final Map<IPAddress, Route> routes = new ConcurrentHashMap<>();
    /** Prefixes a failed call may or may not have changed in gobgpd; guarded by {@link #lock}. */
    private final Set<IPAddress> uncertain = new HashSet<>();
    private volatile Daemon daemon;
    /** A daemon {@link #prepare()} launched for the next start(); guarded by the lock. */
    private Daemon prepared;
    private volatile boolean started;
    private volatile boolean stopped;
    private ScheduledExecutorService supervisor;
    private volatile Thread supervisorThread;
    private int failedRestarts;
    private volatile boolean unreachableLogged;

    public GobgpBgpServer(GlobalConfig config, GobgpdSettings settings) {
        this(config, settings, false);
    }

    /**
     * @param restarting this server replaces one that stopped with {@link dev.herald.api.spi.StopMode#GRACEFUL_RESTART}:
     *     the peers it adds within {@link #RESTART_WINDOW_SECONDS} of {@link #start()} get the restart-state and
     *     forwarding-state bits on their first OPEN
     */
    public GobgpBgpServer(GlobalConfig config, GobgpdSettings settings, boolean restarting) {
        this.config = config;
        this.settings = settings;
        this.id = config.routerId().toCanonicalString();
        this.restarting = restarting;
    }

    /** How long after start() peers are added as after a restart; the controller adds them in its first pass. */
    static final long RESTART_WINDOW_SECONDS = 60;
    private final boolean restarting;
    private volatile long startedNanos;

    /** Whether a peer added now is added as after a restart. */
    boolean restartingNow() {
        return restarting && startedNanos != 0
                && System.nanoTime() - startedNanos < TimeUnit.SECONDS.toNanos(RESTART_WINDOW_SECONDS);
    }

    /** The connection to one gobgpd: its API channel and, when Herald started it, its process. */
    private static final class Daemon {
        final InetSocketAddress api;
        final GobgpdProcess process;
        final ManagedChannel channel;
        /**
         * The channel's own threads, stopped in {@link #discard()} before it returns. grpc's shared ones are released
         * a second after the last channel closes, when this bundle may already be gone: their last task then fails
         * to load classes from a stale bundle wiring.
         */
        private final io.grpc.netty.shaded.io.netty.channel.EventLoopGroup loop;
        private final java.util.concurrent.ExecutorService executor;
        final GobgpApiGrpc.GobgpApiBlockingStub blocking;
        final GobgpApiGrpc.GobgpApiStub async;
        final long launchedNanos = System.nanoTime();

        Daemon(InetSocketAddress api, GobgpdProcess process) {
            this.api = api;
            this.process = process;
            this.loop = new io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup(1, r -> {
                Thread t = new Thread(r, "herald-gobgp-grpc-" + api.getPort());
                t.setDaemon(true);
                return t;
            });
            this.executor = java.util.concurrent.Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "herald-gobgp-calls-" + api.getPort());
                t.setDaemon(true);
                return t;
            });
            // the Netty transport is named directly: no provider lookup through ServiceLoader
            this.channel = NettyChannelBuilder.forAddress(api).usePlaintext().eventLoopGroup(loop)
                    .channelType(io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel.class)
                    .executor(executor).maxInboundMessageSize(256 << 20).build();
            this.blocking = GobgpApiGrpc.newBlockingStub(channel);
            this.async = GobgpApiGrpc.newStub(channel);
        }

        String describe() {
            return "gobgpd" + (process != null ? " (pid " + process.pid() + ")" : "") + " at " + HostPort.format(api);
        }

        /** Closes the channel and stops its threads; a process Herald started is killed. */
        void discard() {
            closeChannel();
            if (process != null) {
                process.kill();
            }
        }

        /** Closes the channel and waits (boundedly) for its threads to end; never call it from those threads. */
        void closeChannel() {
            channel.shutdownNow();
            try {
                channel.awaitTermination(2, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            loop.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS).awaitUninterruptibly(2000);
            executor.shutdownNow();
        }
    }

    @Override
    public GlobalConfig config() {
        return config;
    }

    /** Started and not stopped. */
    public boolean isRunning() {
        return started && !stopped;
    }

    /** The pid of the gobgpd Herald supervises now; empty when attached, not started or stopped. */
    public OptionalLong daemonPid() {
        Daemon d = daemon;
        return d == null || d.process == null ? OptionalLong.empty() : OptionalLong.of(d.process.pid());
    }

    /** The API address of the gobgpd in use now, once started. */
    public Optional<InetSocketAddress> apiAddress() {
        Daemon d = daemon;
        return d == null ? Optional.empty() : Optional.of(d.api);
    }

    // ---- lifecycle ----

    @Override
    public void start() {
        synchronized (lock) {
            checkNotStopped("start the BGP server");
            if (started) {
                return;
            }
            if (supervisor == null) {
                supervisor = newSupervisor();
            }
            if (startedNanos == 0) {
                startedNanos = System.nanoTime() | 1; // never 0 once set
            }
            Daemon d = prepared != null ? prepared : connect();
            prepared = null;
            try {
                startGlobal(d);
                daemon = d;
                applyState(d);
            } catch (RuntimeException e) {
                daemon = null;
                if (d.process != null) {
                    d.discard();
                } else {
                    d.closeChannel();
                }
                throw e;
            }
            started = true;
            LOG.info("BGP server AS {} router ID {} runs on {} (port {}{}), {} peers and {} routes applied{}",
                    config.localAsn(), id, d.describe(), config.listenPort(),
                    config.listenAddress().map(a -> " on " + a.toCanonicalString()).orElse(""), peers.size(),
                    routes.size(), restarting ? "; announcing a graceful restart to its peers" : "");
            if (d.process != null) {
                watch(d);
            } else {
                supervisor.scheduleWithFixedDelay(this::checkAttached, ATTACHED_CHECK.toMillis(),
                        ATTACHED_CHECK.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }

    /** Launches gobgpd (or reaches the configured one) and waits for its API; StartBgp waits for start(). */
    @Override
    public void prepare() {
        synchronized (lock) {
            checkNotStopped("prepare the BGP server");
            if (started || prepared != null) {
                return;
            }
            if (supervisor == null) {
                supervisor = newSupervisor();
            }
            if (startedNanos == 0) {
                startedNanos = System.nanoTime() | 1; // the restart window starts here: gobgpd is launched restarting
            }
            prepared = connect();
            LOG.info("{} ready for BGP router ID {}; BGP starts with the next start()", prepared.describe(), id);
        }
    }

    @Override
    public void stop(StopMode mode) {
        synchronized (lock) {
            if (stopped) {
                return;
            }
            stopped = true;
            if (prepared != null) {
                prepared.discard(); // launched for a start that never came
                prepared = null;
            }
            Daemon d = daemon;
            daemon = null;
            String how = "with Cease";
            if (d != null) {
                if (d.process != null && mode == StopMode.GRACEFUL_RESTART) {
                    // goBGP's API closes sessions only with a Cease (StopBgp, DeletePeer, DisablePeer and
                    // ShutdownPeer all send one); a killed daemon's connections just close, which graceful-restart
                    // peers (RFC 4724) treat as a restart and keep the routes as stale
                    how = "without Cease (gobgpd killed for a graceful restart)";
                    d.discard();
                } else {
                    if (mode == StopMode.GRACEFUL_RESTART) {
                        LOG.warn("Graceful restart asked, but the attached {} can only close its sessions with a "
                                + "Cease NOTIFICATION (goBGP's API has no other way); peers drop Herald's routes now",
                                d.describe());
                    }
                    if (started && (d.process == null || d.process.isAlive())) {
                        try {
                            d.blocking.withDeadlineAfter(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                                    .stopBgp(StopBgpRequest.getDefaultInstance());
                        } catch (StatusRuntimeException e) {
                            LOG.warn("StopBgp on {} failed: {}; its sessions may not have been sent a Cease",
                                    d.describe(), e.getStatus());
                        }
                    }
                    if (d.process != null) {
                        d.process.terminate(Duration.ofSeconds(5));
                    }
                    d.closeChannel();
                }
            }
            if (supervisor != null) {
                supervisor.shutdownNow();
            }
            peers.clear();
            routes.clear();
            uncertain.clear();
            LOG.info("BGP server AS {} router ID {} stopped {}", config.localAsn(), id, how);
        }
    }

    private ScheduledExecutorService newSupervisor() {
        ScheduledThreadPoolExecutor s = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "herald-gobgpd-" + id);
            t.setDaemon(true);
            supervisorThread = t;
            return t;
        });
        s.setRemoveOnCancelPolicy(true);
        return s;
    }

    /** Runs {@code task} on the supervisor thread: gobgpd started there dies with it (see GobgpdProcess). */
    private <T> T onSupervisor(Callable<T> task) throws Exception {
        if (Thread.currentThread() == supervisorThread) {
            return task.call();
        }
        try {
            return supervisor.submit(task).get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception) {
                throw (Exception) e.getCause();
            }
            throw e;
        }
    }

    /** A connection to a gobgpd whose API answers: a new process, or the configured running one. */
    private Daemon connect() {
        if (settings.apiAddress().isPresent()) {
            InetSocketAddress api = settings.apiAddress().get();
            if (api.isUnresolved()) {
                api = new InetSocketAddress(api.getHostString(), api.getPort()); // a name: resolved at each start
            }
            Daemon d = new Daemon(api, null);
            try {
                awaitApi(d);
            } catch (RuntimeException e) {
                d.closeChannel();
                throw e;
            }
            return d;
        }
        java.nio.file.Path binary = GobgpdProcess.locate(settings.gobgpdPath());
        BgpException last = null;
        for (int attempt = 1; attempt <= LAUNCH_ATTEMPTS; attempt++) {
            GobgpdProcess p;
            try {
                p = onSupervisor(() -> GobgpdProcess.launch(binary, id, settings.logLevel(), restartingNow()));
            } catch (Exception e) {
                throw new BgpException("cannot start " + binary + ": " + e.getMessage(), e);
            }
            Daemon d = new Daemon(new InetSocketAddress("127.0.0.1", p.apiPort()), p);
            try {
                awaitApi(d);
                return d;
            } catch (BgpException e) {
                d.discard();
                last = e;
                // the API port was free when chosen; another process may have taken it since
                if (!p.recentLog().contains("address already in use")) {
                    throw e;
                }
            }
        }
        throw last;
    }

    private void awaitApi(Daemon d) {
        long deadline = System.nanoTime() + settings.apiTimeout().toNanos();
        StatusRuntimeException last = null;
        while (System.nanoTime() < deadline) {
            if (d.process != null && !d.process.isAlive()) {
                throw new BgpException(d.describe() + " exited with code " + d.process.exitCode()
                        + " before its API answered; its last log lines:\n" + d.process.recentLog());
            }
            try {
                d.blocking.withWaitForReady().withDeadlineAfter(200, TimeUnit.MILLISECONDS)
                        .getBgp(GetBgpRequest.getDefaultInstance());
                return;
            } catch (StatusRuntimeException e) {
                last = e;
                d.channel.resetConnectBackoff();
            }
        }
        throw new BgpException("the API of " + d.describe() + " did not answer within "
                + settings.apiTimeout().toSeconds() + " s" + (last != null ? ": " + last.getStatus() : ""), last);
    }

    /** StartBgp, unless the daemon already runs this very speaker (an attached daemon Herald configured before). */
    private void startGlobal(Daemon d) {
        String what = "start BGP AS " + config.localAsn() + " router ID " + id + " on port " + config.listenPort();
        Global running = rpc(d, what, s -> s.getBgp(GetBgpRequest.getDefaultInstance())).getGlobal();
        if (running.getAsn() == 0) {
            rpc(d, what, s -> s.startBgp(StartBgpRequest.newBuilder().setGlobal(GobgpMessages.global(config))
                    .build()));
            return;
        }
        if (GobgpMessages.sameSpeaker(running, config)) {
            LOG.info("{} already runs AS {} router ID {}: taking it over with its peers and routes", d.describe(),
                    config.localAsn(), id);
            return;
        }
        throw new BgpException("cannot " + what + ": " + d.describe() + " already runs AS "
                + Integer.toUnsignedLong(running.getAsn()) + " router ID " + running.getRouterId()
                + "; Herald does not take over another speaker (stop it with 'gobgp -p " + d.api.getPort()
                + " global del all' if it is a leftover)");
    }

    /** Gives a daemon that runs the global config every peer and route of Herald's view. */
    private void applyState(Daemon d) {
        for (PeerConfig p : peers.values()) {
            addPeerRpc(d, p);
        }
        if (!routes.isEmpty()) {
            sendPaths(d, new ArrayList<>(routes.keySet()), false);
        }
    }

    // ---- supervision ----

    private void watch(Daemon d) {
        d.process.onExit().thenRun(() -> {
            try {
                supervisor.execute(() -> daemonExited(d));
            } catch (RejectedExecutionException e) {
                // stopped meanwhile
            }
        });
    }

    private void daemonExited(Daemon dead) {
        if (stopped || daemon != dead) {
            return; // stopped or replaced on purpose
        }
        long upMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - dead.launchedNanos);
        if (upMillis >= STABLE.toMillis()) {
            failedRestarts = 0;
        }
        Duration delay = restartDelay();
        LOG.warn("{} of BGP router ID {} exited with code {} after {} s; restarting it in {} ms with {} peers and {} "
                        + "routes. Its last log lines:\n{}", dead.describe(), id, dead.process.exitCode(),
                upMillis / 1000, delay.toMillis(), peers.size(), routes.size(), dead.process.recentLog());
        dead.closeChannel();
        supervisor.schedule(() -> restart(dead), delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** 0 s after a daemon that ran a while, then 1, 2, 4 ... 30 s while restarts keep failing. */
    private Duration restartDelay() {
        if (failedRestarts == 0) {
            return Duration.ZERO;
        }
        long seconds = 1L << Math.min(failedRestarts - 1, 5);
        return Duration.ofSeconds(Math.min(seconds, MAX_RESTART_DELAY.toSeconds()));
    }

    private void restart(Daemon dead) {
        synchronized (lock) {
            if (stopped || daemon != dead) {
                return;
            }
            long t0 = System.nanoTime();
            Daemon d = null;
            try {
                d = connect();
                startGlobal(d);
                daemon = d;
                uncertain.clear(); // the new daemon holds exactly the view
                applyState(d);
                LOG.info("Restarted {} for BGP router ID {}: {} peers and {} routes applied in {} ms", d.describe(),
                        id, peers.size(), routes.size(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
                watch(d);
            } catch (RuntimeException e) {
                failedRestarts++;
                Duration delay = restartDelay();
                LOG.error("Could not restart gobgpd for BGP router ID {}: {}; trying again in {} s", id,
                        e.getMessage(), delay.toSeconds());
                Daemon failed = d != null ? d : dead;
                if (d != null) {
                    d.discard();
                }
                daemon = failed;
                supervisor.schedule(() -> restart(failed), delay.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }

    /** An attached daemon may be restarted by someone else: it then answers with AS 0 and needs everything again. */
    private void checkAttached() {
        Daemon d = daemon;
        if (stopped || d == null || !started) {
            return;
        }
        try {
            Global g = d.blocking.withDeadlineAfter(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .getBgp(GetBgpRequest.getDefaultInstance()).getGlobal();
            if (unreachableLogged) {
                LOG.info("{} answers again", d.describe());
                unreachableLogged = false;
            }
            if (g.getAsn() != 0) {
                return;
            }
            synchronized (lock) {
                if (stopped || daemon != d) {
                    return;
                }
                LOG.warn("{} lost its configuration (restarted?); applying AS {} router ID {}, {} peers and {} routes "
                        + "again", d.describe(), config.localAsn(), id, peers.size(), routes.size());
                startGlobal(d);
                uncertain.clear();
                applyState(d);
            }
        } catch (StatusRuntimeException e) {
            if (!unreachableLogged) {
                LOG.warn("{} does not answer ({}); Herald checks again every {} s", d.describe(), e.getStatus(),
                        ATTACHED_CHECK.toSeconds());
                unreachableLogged = true;
            }
        } catch (RuntimeException e) {
            LOG.error("Could not re-apply BGP router ID {} to {}: {}; trying again in {} s", id, d.describe(),
                    e.getMessage(), ATTACHED_CHECK.toSeconds());
        }
    }

    // ---- peers ----

    @Override
    public void addPeer(PeerConfig peer) {
        synchronized (lock) {
            checkNotStopped("add peer " + peer.key());
            PeerConfig existing = peers.get(peer.key());
            if (peer.equals(existing)) {
                return;
            }
            if (existing != null) {
                change(existing, peer);
                return;
            }
            checkNoAddressConflict(peer.key());
            if (started) {
                addPeerRpc(daemon, peer);
            }
            peers.put(peer.key(), peer);
            LOG.info("Added BGP peer {}", peer);
        }
    }

    @Override
    public void updatePeer(PeerConfig peer) {
        synchronized (lock) {
            checkNotStopped("update peer " + peer.key());
            PeerConfig existing = peers.get(peer.key());
            if (existing == null) {
                throw new BgpException("cannot update peer " + peer.key() + ": it is not configured");
            }
            if (!peer.equals(existing)) {
                change(existing, peer);
            }
        }
    }

    private void change(PeerConfig old, PeerConfig peer) {
        if (started) {
            Daemon d = daemon;
            if (old.multihopTtl() != peer.multihopTtl()) {
                // UpdatePeer keeps the old TTL unless something else forces a new session: replace the peer
                deletePeerRpc(d, peer.key());
                addPeerRpc(d, peer);
            } else {
                updatePeerRpc(d, peer);
            }
        }
        peers.put(peer.key(), peer);
        LOG.info("Updated BGP peer {}", peer);
    }

    @Override
    public void removePeer(PeerKey key) {
        synchronized (lock) {
            checkNotStopped("remove peer " + key);
            PeerConfig existing = peers.get(key);
            if (existing == null && sameAddress(key).isPresent()) {
                return; // gobgpd's peer at that address is another one of Herald's
            }
            if (started) {
                // also when the view lacks it: an AddPeer that failed may have reached gobgpd
                deletePeerRpc(daemon, key);
            }
            if (peers.remove(key) != null) {
                LOG.info("Removed BGP peer {}", key);
            }
        }
    }

    /** goBGP keys peers by address: two of Herald's peers (same address, other ASN) cannot both be there. */
    private void checkNoAddressConflict(PeerKey key) {
        Optional<PeerKey> other = sameAddress(key);
        if (other.isPresent()) {
            throw new BgpException("cannot add peer " + key + ": peer " + other.get()
                    + " has the same address and goBGP keys peers by address; remove it first");
        }
    }

    private Optional<PeerKey> sameAddress(PeerKey key) {
        return peers.keySet().stream().filter(k -> !k.equals(key) && k.address().equals(key.address())).findFirst();
    }

    private void addPeerRpc(Daemon d, PeerConfig peer) {
        Peer p = GobgpMessages.peer(peer, config, restartingNow());
        try {
            call(d, s -> s.addPeer(AddPeerRequest.newBuilder().setPeer(p).build()));
        } catch (StatusRuntimeException e) {
            if (!messageOf(e).contains(ALREADY_EXISTS)) {
                throw failure("add peer " + peer.key(), d, e);
            }
            // an earlier call that failed for Herald reached gobgpd, or an attached daemon had it already
            updatePeerRpc(d, peer);
        }
    }

    private void updatePeerRpc(Daemon d, PeerConfig peer) {
        Peer p = GobgpMessages.peer(peer, config, restartingNow());
        try {
            call(d, s -> s.updatePeer(UpdatePeerRequest.newBuilder().setPeer(p).build()));
        } catch (StatusRuntimeException e) {
            if (!messageOf(e).contains(NO_SUCH_PEER_UPDATE)) {
                throw failure("update peer " + peer.key(), d, e);
            }
            try {
                call(d, s -> s.addPeer(AddPeerRequest.newBuilder().setPeer(p).build()));
            } catch (StatusRuntimeException e2) {
                throw failure("add peer " + peer.key() + " (gobgpd did not have it)", d, e2);
            }
        }
    }

    private void deletePeerRpc(Daemon d, PeerKey key) {
        try {
            call(d, s -> s.deletePeer(DeletePeerRequest.newBuilder()
                    .setAddress(GobgpMessages.canonical(key.address())).build()));
        } catch (StatusRuntimeException e) {
            if (!messageOf(e).contains(NO_SUCH_PEER_DELETE)) {
                throw failure("remove peer " + key, d, e);
            }
        }
    }

    @Override
    public List<PeerStatus> peers() {
        checkNotStopped("list peers");
        Map<String, Peer> reported = listPeers();
        List<PeerStatus> out = new ArrayList<>();
        for (PeerConfig p : peers.values()) {
            Peer r = reported.get(GobgpMessages.canonical(p.key().address()));
            boolean same = r != null && Integer.toUnsignedLong(r.getConf().getPeerAsn()) == p.key().asn();
            out.add(same ? GobgpMessages.status(p, r) : GobgpMessages.idle(p));
        }
        out.sort((a, b) -> PeerKey.ORDER.compare(a.key(), b.key()));
        return out;
    }

    /** gobgpd's peers by canonical address; empty while it does not answer (its sessions are down then). */
    private Map<String, Peer> listPeers() {
        Map<String, Peer> out = new HashMap<>();
        Daemon d = daemon;
        if (!started || d == null || (d.process != null && !d.process.isAlive())) {
            return out;
        }
        try {
            Iterator<ListPeerResponse> it = d.blocking.withDeadlineAfter(CALL_TIMEOUT.toMillis(),
                    TimeUnit.MILLISECONDS).listPeer(ListPeerRequest.newBuilder().setEnableAdvertised(true).build());
            while (it.hasNext()) {
                Peer p = it.next().getPeer();
                String address = p.getConf().getNeighborAddress();
                if (address.isEmpty()) {
                    address = p.getState().getNeighborAddress();
                }
                GobgpMessages.parseAddress(address).ifPresent(a -> out.put(GobgpMessages.canonical(a), p));
            }
        } catch (StatusRuntimeException e) {
            LOG.debug("ListPeer on {} failed: {}", d.describe(), e.getStatus());
        }
        return out;
    }

    // ---- routes ----

    @Override
    public void advertise(Collection<Route> batch) {
        Map<IPAddress, Route> byPrefix = byPrefix(batch);
        synchronized (lock) {
            checkNotStopped("advertise " + describe(byPrefix.keySet()));
            List<IPAddress> send = new ArrayList<>();
            for (IPAddress p : byPrefix.keySet()) {
                if (!routes.containsKey(p) || uncertain.contains(p)) {
                    send.add(p);
                }
            }
            if (started && !send.isEmpty()) {
                uncertain.addAll(send);
                sendPaths(daemon, send, false);
                send.forEach(uncertain::remove); // not removeAll: with a list argument it is quadratic
            }
            routes.putAll(byPrefix); // also refreshes type and owner of prefixes already advertised
        }
    }

    @Override
    public void withdraw(Collection<Route> batch) {
        Map<IPAddress, Route> byPrefix = byPrefix(batch);
        synchronized (lock) {
            checkNotStopped("withdraw " + describe(byPrefix.keySet()));
            List<IPAddress> send = new ArrayList<>();
            for (IPAddress p : byPrefix.keySet()) {
                if (routes.containsKey(p) || uncertain.contains(p)) {
                    send.add(p);
                }
            }
            if (started && !send.isEmpty()) {
                uncertain.addAll(send);
                sendPaths(daemon, send, true);
                send.forEach(uncertain::remove); // not removeAll: with a list argument it is quadratic
            }
            byPrefix.keySet().forEach(routes::remove);
        }
    }

    private static Map<IPAddress, Route> byPrefix(Collection<Route> batch) {
        Map<IPAddress, Route> out = new LinkedHashMap<>();
        for (Route r : batch) {
            out.put(r.prefix(), r);
        }
        return out;
    }

    /** Adds or withdraws paths: one call each for a few, one AddPathStream for many. */
    private void sendPaths(Daemon d, List<IPAddress> prefixes, boolean withdraw) {
        if (prefixes.size() >= STREAM_THRESHOLD) {
            stream(d, prefixes, withdraw);
            return;
        }
        for (IPAddress p : prefixes) {
            Path path = GobgpMessages.path(p, false);
            try {
                if (withdraw) {
                    // never without a path: a DeletePath with none deletes every path Herald added
                    call(d, s -> s.deletePath(DeletePathRequest.newBuilder().setTableType(TableType.GLOBAL)
                            .setFamily(path.getFamily()).setPath(path).build()));
                } else {
                    call(d, s -> s.addPath(AddPathRequest.newBuilder().setTableType(TableType.GLOBAL)
                            .setPath(path).build()));
                }
            } catch (StatusRuntimeException e) {
                throw failure((withdraw ? "withdraw " : "advertise ") + p.toCanonicalString(), d, e);
            }
        }
    }

    /**
     * One AddPathStream: the paths in messages of {@value #PATHS_PER_MESSAGE} as fast as flow control lets them
     * go, then half-close and wait for gobgpd's answer, which comes once it has taken every path.
     */
    private void stream(Daemon d, List<IPAddress> prefixes, boolean withdraw) {
        String what = (withdraw ? "withdraw " : "advertise ") + describe(prefixes);
        checkAlive(d, what);
        CountDownLatch done = new CountDownLatch(1);
        AtomicReference<Throwable> error = new AtomicReference<>();
        Object ready = new Object();
        ClientResponseObserver<AddPathStreamRequest, Empty> answers = new ClientResponseObserver<>() {
            @Override
            public void beforeStart(ClientCallStreamObserver<AddPathStreamRequest> requests) {
                requests.setOnReadyHandler(() -> {
                    synchronized (ready) {
                        ready.notifyAll();
                    }
                });
            }

            @Override
            public void onNext(Empty value) {
            }

            @Override
            public void onError(Throwable t) {
                error.set(t);
                done.countDown();
                synchronized (ready) {
                    ready.notifyAll();
                }
            }

            @Override
            public void onCompleted() {
                done.countDown();
            }
        };
        long timeoutMillis = STREAM_TIMEOUT.toMillis() + prefixes.size();
        ClientCallStreamObserver<AddPathStreamRequest> requests = (ClientCallStreamObserver<AddPathStreamRequest>)
                d.async.withDeadlineAfter(timeoutMillis, TimeUnit.MILLISECONDS).addPathStream(answers);
        try {
            for (int from = 0; from < prefixes.size() && error.get() == null; from += PATHS_PER_MESSAGE) {
                AddPathStreamRequest.Builder m = AddPathStreamRequest.newBuilder().setTableType(TableType.GLOBAL);
                for (IPAddress p : prefixes.subList(from, Math.min(from + PATHS_PER_MESSAGE, prefixes.size()))) {
                    m.addPaths(GobgpMessages.path(p, withdraw));
                }
                synchronized (ready) {
                    while (!requests.isReady() && error.get() == null) {
                        ready.wait(100);
                    }
                }
                if (error.get() == null) {
                    requests.onNext(m.build());
                }
            }
            if (error.get() == null) {
                requests.onCompleted();
            }
            if (!done.await(timeoutMillis + 1000, TimeUnit.MILLISECONDS)) {
                requests.cancel("no answer", null);
                throw new BgpException("cannot " + what + ": " + d.describe() + " did not answer the AddPathStream "
                        + "within " + timeoutMillis / 1000 + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            requests.cancel("interrupted", e);
            throw new BgpException("interrupted while trying to " + what, e);
        }
        Throwable t = error.get();
        if (t != null) {
            throw failure(what, d, t instanceof StatusRuntimeException ? (StatusRuntimeException) t
                    : Status.fromThrowable(t).asRuntimeException());
        }
    }

    @Override
    public Set<Route> routes() {
        checkNotStopped("list routes");
        return Set.copyOf(routes.values());
    }

    /** What gobgpd's Adj-RIB-Out holds for each Established peer, from ListPath. */
    @Override
    public Map<PeerKey, Set<IPAddress>> routesByPeer() {
        List<PeerStatus> statuses = peers();
        Map<PeerKey, Set<IPAddress>> out = new HashMap<>();
        Daemon d = daemon;
        for (PeerStatus s : statuses) {
            Set<IPAddress> sent = new HashSet<>();
            if (s.state() == SessionState.ESTABLISHED && d != null) {
                String address = GobgpMessages.canonical(s.key().address());
                ListPathRequest req = ListPathRequest.newBuilder().setTableType(TableType.ADJ_OUT).setName(address)
                        .setFamily(s.key().isIPv6() ? GobgpMessages.IPV6_UNICAST : GobgpMessages.IPV4_UNICAST)
                        .build();
                try {
                    Iterator<ListPathResponse> it = d.blocking.withDeadlineAfter(CALL_TIMEOUT.toMillis(),
                            TimeUnit.MILLISECONDS).listPath(req);
                    while (it.hasNext()) {
                        Destination dest = it.next().getDestination();
                        GobgpMessages.parsePrefix(dest.getPrefix()).ifPresent(sent::add);
                    }
                } catch (StatusRuntimeException e) {
                    throw failure("list the routes sent to peer " + s.key(), d, e);
                }
            }
            out.put(s.key(), Set.copyOf(sent));
        }
        return out;
    }

    // ---- calls ----

    private void checkNotStopped(String what) {
        if (stopped) {
            throw new BgpException("cannot " + what + ": the BGP server is stopped");
        }
    }

    private static void checkAlive(Daemon d, String what) {
        if (d.process != null && !d.process.isAlive()) {
            throw new BgpException("cannot " + what + ": " + d.describe() + " exited and is being restarted; "
                    + "try again shortly");
        }
    }

    /** One unary call with the call timeout; a daemon Herald knows to be dead is not asked. */
    private static <T> T call(Daemon d, Function<GobgpApiGrpc.GobgpApiBlockingStub, T> rpc) {
        if (d.process != null && !d.process.isAlive()) {
            throw Status.UNAVAILABLE.withDescription("exited; being restarted").asRuntimeException();
        }
        return rpc.apply(d.blocking.withDeadlineAfter(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
    }

    private static <T> T rpc(Daemon d, String what, Function<GobgpApiGrpc.GobgpApiBlockingStub, T> rpc) {
        try {
            return call(d, rpc);
        } catch (StatusRuntimeException e) {
            throw failure(what, d, e);
        }
    }

    private static String messageOf(StatusRuntimeException e) {
        String m = e.getStatus().getDescription();
        return m == null ? "" : m;
    }

    /** A failed call as an operator should read it: what was done, to which daemon, and gobgpd's own words. */
    private static BgpException failure(String what, Daemon d, StatusRuntimeException e) {
        Status s = e.getStatus();
        String why;
        switch (s.getCode()) {
            case UNAVAILABLE:
                why = d.describe() + " does not answer (" + messageOf(e) + ")";
                break;
            case DEADLINE_EXCEEDED:
                why = d.describe() + " did not answer in time";
                break;
            default:
                why = "gobgpd said: " + (messageOf(e).isEmpty() ? s.getCode().toString() : messageOf(e));
                break;
        }
        return new BgpException("cannot " + what + ": " + why, e);
    }

    /** A batch in a message: its size and first prefixes. */
    private static String describe(Collection<IPAddress> prefixes) {
        StringBuilder b = new StringBuilder();
        b.append(prefixes.size()).append(prefixes.size() == 1 ? " route (" : " routes (");
        int n = 0;
        for (IPAddress p : prefixes) {
            if (n == 3) {
                b.append(", ...");
                break;
            }
            b.append(n++ == 0 ? "" : ", ").append(p.toCanonicalString());
        }
        return b.append(')').toString();
    }
}
