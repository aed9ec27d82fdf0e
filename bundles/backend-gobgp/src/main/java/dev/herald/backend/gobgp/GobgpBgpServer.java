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
import dev.herald.backend.gobgp.apipb.Peer;
import inet.ipaddr.IPAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link BgpServer} that drives gobgpd over its gRPC API. By default it starts its own gobgpd at {@link #start()}
 * and supervises it: when the daemon dies it is started again and given the global config, the peers and the routes
 * anew. Given an API address ({@link GobgpdSettings#attach}) it drives a running daemon instead, and re-applies its
 * state when that daemon comes back empty.
 *
 * <p>Herald keeps its own view of peers and routes ({@link GobgpView}): it makes calls idempotent (a repeat sends
 * nothing), is what {@link #routes()} reports and what a restarted daemon is given. A call that fails leaves the view
 * as it was; prefixes whose state in gobgpd a failure left unknown are sent again by the next advertise or withdraw
 * of them.
 *
 * <p>The parts: {@link GobgpdConnection} talks to one daemon, {@link GobgpdSupervisor} keeps one,
 * {@link GobgpPathWriter} writes paths. Mutating calls and the supervisor's restarts are serialised on one lock;
 * {@link #peers()}, {@link #routes()} and {@link #routesByPeer()} do not wait for them.
 */
public final class GobgpBgpServer implements BgpServer {
    private static final Logger LOG = LoggerFactory.getLogger(GobgpBgpServer.class);
    /** How long after start() peers are added as after a restart; the controller adds them in its first pass. */
    static final long RESTART_WINDOW_SECONDS = 60;

    private final GlobalConfig config;
    private final String id;
    private final boolean restarting;
    private final Object lock = new Object();
    private final GobgpView view = new GobgpView();
    private final GobgpdSupervisor supervisor;
    /** A daemon {@link #prepare()} launched for the next start(); guarded by the lock. */
    private GobgpdConnection prepared;
    private volatile long startedNanos;
    private volatile boolean started;
    private volatile boolean stopped;

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
        this.id = config.routerId().toCanonicalString();
        this.restarting = restarting;
        this.supervisor = new GobgpdSupervisor(settings, new GobgpdSupervisor.Server() {
            @Override
            public Object lock() {
                return lock;
            }

            @Override
            public boolean stopped() {
                return stopped;
            }

            @Override
            public GlobalConfig config() {
                return config;
            }

            @Override
            public boolean restartingNow() {
                return GobgpBgpServer.this.restartingNow();
            }

            @Override
            public void reapply(GobgpdConnection d) {
                view.clearUncertain(); // the daemon is given exactly the view
                applyState(d);
            }

            @Override
            public String summary() {
                return view.summary();
            }
        });
    }

    /** Whether a peer added now is added as after a restart. */
    boolean restartingNow() {
        return restarting && startedNanos != 0
                && System.nanoTime() - startedNanos < TimeUnit.SECONDS.toNanos(RESTART_WINDOW_SECONDS);
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
        GobgpdConnection d = supervisor.current();
        return d == null || d.process == null ? OptionalLong.empty() : OptionalLong.of(d.process.pid());
    }

    /** The API address of the gobgpd in use now, once started. */
    public Optional<InetSocketAddress> apiAddress() {
        GobgpdConnection d = supervisor.current();
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
            if (startedNanos == 0) {
                startedNanos = System.nanoTime() | 1; // never 0 once set
            }
            GobgpdConnection d = prepared != null ? prepared : supervisor.connect();
            prepared = null;
            try {
                d.startGlobal(config);
                supervisor.current(d);
                applyState(d);
            } catch (RuntimeException e) {
                supervisor.current(null);
                if (d.process != null) {
                    d.discard();
                } else {
                    d.closeChannel();
                }
                throw e;
            }
            started = true;
            LOG.info("BGP server AS {} router ID {} runs on {} (port {}{}), {} applied{}", config.localAsn(), id,
                    d.describe(), config.listenPort(),
                    config.listenAddress().map(a -> " on " + a.toCanonicalString()).orElse(""), view.summary(),
                    restarting ? "; announcing a graceful restart to its peers" : "");
            supervisor.supervise(d);
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
            if (startedNanos == 0) {
                startedNanos = System.nanoTime() | 1; // the restart window starts here: gobgpd is launched restarting
            }
            prepared = supervisor.connect();
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
            GobgpdConnection d = supervisor.current();
            supervisor.current(null);
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
                    if (started && !d.exited()) {
                        d.stopGlobal();
                    }
                    if (d.process != null) {
                        d.process.terminate(Duration.ofSeconds(5));
                    }
                    d.closeChannel();
                }
            }
            supervisor.shutdown();
            view.clear();
            LOG.info("BGP server AS {} router ID {} stopped {}", config.localAsn(), id, how);
        }
    }

    /** Gives a daemon that runs the global config every peer and route of Herald's view. */
    private void applyState(GobgpdConnection d) {
        for (PeerConfig p : view.peers()) {
            d.addPeer(p, config, restartingNow());
        }
        List<IPAddress> prefixes = view.prefixes();
        if (!prefixes.isEmpty()) {
            GobgpPathWriter.send(d, prefixes, false);
        }
    }

    // ---- peers ----

    @Override
    public void addPeer(PeerConfig peer) {
        synchronized (lock) {
            checkNotStopped("add peer " + peer.key());
            PeerConfig existing = view.peer(peer.key());
            if (peer.equals(existing)) {
                return;
            }
            if (existing != null) {
                change(existing, peer);
                return;
            }
            Optional<PeerKey> other = view.sameAddress(peer.key());
            if (other.isPresent()) {
                throw new BgpException("cannot add peer " + peer.key() + ": peer " + other.get()
                        + " has the same address and goBGP keys peers by address; remove it first");
            }
            if (started) {
                supervisor.current().addPeer(peer, config, restartingNow());
            }
            view.put(peer);
            LOG.info("Added BGP peer {}", peer);
        }
    }

    @Override
    public void updatePeer(PeerConfig peer) {
        synchronized (lock) {
            checkNotStopped("update peer " + peer.key());
            PeerConfig existing = view.peer(peer.key());
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
            GobgpdConnection d = supervisor.current();
            if (old.multihopTtl() != peer.multihopTtl()) {
                // UpdatePeer keeps the old TTL unless something else forces a new session: replace the peer
                d.deletePeer(peer.key());
                d.addPeer(peer, config, restartingNow());
            } else {
                d.updatePeer(peer, config, restartingNow());
            }
        }
        view.put(peer);
        LOG.info("Updated BGP peer {}", peer);
    }

    @Override
    public void removePeer(PeerKey key) {
        synchronized (lock) {
            checkNotStopped("remove peer " + key);
            if (view.peer(key) == null && view.sameAddress(key).isPresent()) {
                return; // gobgpd's peer at that address is another one of Herald's
            }
            if (started) {
                // also when the view lacks it: an AddPeer that failed may have reached gobgpd
                supervisor.current().deletePeer(key);
            }
            if (view.remove(key)) {
                LOG.info("Removed BGP peer {}", key);
            }
        }
    }

    @Override
    public List<PeerStatus> peers() {
        checkNotStopped("list peers");
        GobgpdConnection d = supervisor.current();
        Map<String, Peer> reported = !started || d == null ? Map.of() : d.listPeers();
        List<PeerStatus> out = new ArrayList<>();
        for (PeerConfig p : view.peers()) {
            Peer r = reported.get(GobgpMessages.canonical(p.key().address()));
            boolean same = r != null && Integer.toUnsignedLong(r.getConf().getPeerAsn()) == p.key().asn();
            out.add(same ? GobgpMessages.status(p, r) : GobgpMessages.idle(p));
        }
        out.sort((a, b) -> PeerKey.ORDER.compare(a.key(), b.key()));
        return out;
    }

    // ---- routes ----

    @Override
    public void advertise(Collection<Route> batch) {
        write(batch, false);
    }

    @Override
    public void withdraw(Collection<Route> batch) {
        write(batch, true);
    }

    private void write(Collection<Route> batch, boolean withdraw) {
        Map<IPAddress, Route> byPrefix = GobgpView.byPrefix(batch);
        synchronized (lock) {
            checkNotStopped((withdraw ? "withdraw " : "advertise ") + GobgpPathWriter.describe(byPrefix.keySet()));
            List<IPAddress> send = view.toSend(byPrefix.keySet(), withdraw);
            if (started && !send.isEmpty()) {
                view.uncertain(send);
                GobgpPathWriter.send(supervisor.current(), send, withdraw);
                view.certain(send);
            }
            view.apply(byPrefix, withdraw);
        }
    }

    @Override
    public Set<Route> routes() {
        checkNotStopped("list routes");
        return view.routes();
    }

    /** What gobgpd's Adj-RIB-Out holds for each Established peer, from ListPath. */
    @Override
    public Map<PeerKey, Set<IPAddress>> routesByPeer() {
        List<PeerStatus> statuses = peers();
        Map<PeerKey, Set<IPAddress>> out = new HashMap<>();
        GobgpdConnection d = supervisor.current();
        for (PeerStatus s : statuses) {
            boolean established = s.state() == SessionState.ESTABLISHED && d != null;
            out.put(s.key(), established ? Set.copyOf(d.sentTo(s.key())) : Set.of());
        }
        return out;
    }

    private void checkNotStopped(String what) {
        if (stopped) {
            throw new BgpException("cannot " + what + ": the BGP server is stopped");
        }
    }
}
