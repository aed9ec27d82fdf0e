package dev.herald.backend.gobgp;

import dev.herald.api.GlobalConfig;
import dev.herald.api.spi.BgpException;
import dev.herald.backend.gobgp.apipb.Global;
import io.grpc.StatusRuntimeException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gobgpd of one server: launches it, or reaches the configured running one, and keeps it. When a daemon Herald
 * started dies, another is started and given the server's state, after a delay that grows while restarts keep
 * failing; an attached daemon is checked every {@link #ATTACHED_CHECK} and given the state again when it comes back
 * empty. Restarts hold the server's lock, so they never interleave with the server's own calls.
 */
final class GobgpdSupervisor {
    private static final Logger LOG = LoggerFactory.getLogger(GobgpdSupervisor.class);
    private static final Duration ATTACHED_CHECK = Duration.ofSeconds(5);
    /** A daemon that ran this long before it died is restarted without delay. */
    private static final Duration STABLE = Duration.ofSeconds(60);
    private static final Duration MAX_RESTART_DELAY = Duration.ofSeconds(30);
    private static final int LAUNCH_ATTEMPTS = 3;

    /** What the supervisor needs of its server. */
    interface Server {
        /** The lock the server's mutating calls hold. */
        Object lock();

        boolean stopped();

        GlobalConfig config();

        /** Whether peers added now get the restart-state bit. */
        boolean restartingNow();

        /** Gives a daemon that runs the global config every peer and route of Herald's view; under the lock. */
        void reapply(GobgpdConnection d);

        /** "N peers and M routes", for the log. */
        String summary();
    }

    private final GobgpdSettings settings;
    private final Server server;
    private final String id;
    private ScheduledThreadPoolExecutor executor;
    private volatile Thread thread;
    private volatile GobgpdConnection current;
    private int failedRestarts;
    private volatile boolean unreachableLogged;

    GobgpdSupervisor(GobgpdSettings settings, Server server) {
        this.settings = settings;
        this.server = server;
        this.id = server.config().routerId().toCanonicalString();
    }

    /** The daemon in use; null before start, after stop, and while none could be restarted. */
    GobgpdConnection current() {
        return current;
    }

    void current(GobgpdConnection d) {
        current = d;
    }

    /** A connection to a gobgpd whose API answers: a new process, or the configured running one. */
    GobgpdConnection connect() {
        if (executor == null) {
            executor = new ScheduledThreadPoolExecutor(1, r -> {
                Thread t = new Thread(r, "herald-gobgpd-" + id);
                t.setDaemon(true);
                thread = t;
                return t;
            });
            executor.setRemoveOnCancelPolicy(true);
        }
        if (settings.apiAddress().isPresent()) {
            InetSocketAddress api = settings.apiAddress().get();
            if (api.isUnresolved()) {
                api = new InetSocketAddress(api.getHostString(), api.getPort()); // a name: resolved at each start
            }
            GobgpdConnection d = new GobgpdConnection(api, null);
            try {
                d.awaitApi(settings.apiTimeout());
            } catch (RuntimeException e) {
                d.closeChannel();
                throw e;
            }
            return d;
        }
        Path binary = GobgpdProcess.locate(settings.gobgpdPath());
        BgpException last = null;
        for (int attempt = 1; attempt <= LAUNCH_ATTEMPTS; attempt++) {
            GobgpdProcess p;
            try {
                p = onSupervisor(() -> GobgpdProcess.launch(binary, id, settings.logLevel(), server.restartingNow()));
            } catch (Exception e) {
                throw new BgpException("cannot start " + binary + ": " + e.getMessage(), e);
            }
            GobgpdConnection d = new GobgpdConnection(new InetSocketAddress("127.0.0.1", p.apiPort()), p);
            try {
                d.awaitApi(settings.apiTimeout());
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

    /** Keeps {@code d}, the daemon the server has just started on: restarts it when it dies, checks it if attached. */
    void supervise(GobgpdConnection d) {
        if (d.process != null) {
            watch(d);
        } else {
            executor.scheduleWithFixedDelay(this::checkAttached, ATTACHED_CHECK.toMillis(), ATTACHED_CHECK.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
    }

    /** Stops supervising; the server has stopped its daemon itself. */
    void shutdown() {
        if (executor != null) {
            executor.shutdownNow();
        }
    }

    /** Runs {@code task} on the supervisor thread: gobgpd started there dies with it (see GobgpdProcess). */
    private <T> T onSupervisor(Callable<T> task) throws Exception {
        if (Thread.currentThread() == thread) {
            return task.call();
        }
        try {
            return executor.submit(task).get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception) {
                throw (Exception) e.getCause();
            }
            throw e;
        }
    }

    private void watch(GobgpdConnection d) {
        d.process.onExit().thenRun(() -> {
            try {
                executor.execute(() -> daemonExited(d));
            } catch (RejectedExecutionException e) {
                // stopped meanwhile
            }
        });
    }

    private void daemonExited(GobgpdConnection dead) {
        if (server.stopped() || current != dead) {
            return; // stopped or replaced on purpose
        }
        long upMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - dead.launchedNanos);
        if (upMillis >= STABLE.toMillis()) {
            failedRestarts = 0;
        }
        Duration delay = restartDelay();
        LOG.warn("{} of BGP router ID {} exited with code {} after {} s; restarting it in {} ms with {}. Its last log "
                        + "lines:\n{}", dead.describe(), id, dead.process.exitCode(), upMillis / 1000,
                delay.toMillis(), server.summary(), dead.process.recentLog());
        dead.closeChannel();
        executor.schedule(() -> restart(dead), delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** 0 s after a daemon that ran a while, then 1, 2, 4 ... 30 s while restarts keep failing. */
    private Duration restartDelay() {
        if (failedRestarts == 0) {
            return Duration.ZERO;
        }
        long seconds = 1L << Math.min(failedRestarts - 1, 5);
        return Duration.ofSeconds(Math.min(seconds, MAX_RESTART_DELAY.toSeconds()));
    }

    private void restart(GobgpdConnection dead) {
        synchronized (server.lock()) {
            if (server.stopped() || current != dead) {
                return;
            }
            long t0 = System.nanoTime();
            GobgpdConnection d = null;
            try {
                d = connect();
                d.startGlobal(server.config());
                current = d;
                server.reapply(d);
                LOG.info("Restarted {} for BGP router ID {}: {} applied in {} ms", d.describe(), id,
                        server.summary(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
                watch(d);
            } catch (RuntimeException e) {
                failedRestarts++;
                Duration delay = restartDelay();
                LOG.error("Could not restart gobgpd for BGP router ID {}: {}; trying again in {} s", id,
                        e.getMessage(), delay.toSeconds());
                GobgpdConnection failed = d != null ? d : dead;
                if (d != null) {
                    d.discard();
                }
                current = failed;
                executor.schedule(() -> restart(failed), delay.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }

    /** An attached daemon may be restarted by someone else: it then answers with AS 0 and needs everything again. */
    private void checkAttached() {
        GobgpdConnection d = current;
        if (server.stopped() || d == null) {
            return;
        }
        try {
            Global g = d.global();
            if (unreachableLogged) {
                LOG.info("{} answers again", d.describe());
                unreachableLogged = false;
            }
            if (g.getAsn() != 0) {
                return;
            }
            synchronized (server.lock()) {
                if (server.stopped() || current != d) {
                    return;
                }
                LOG.warn("{} lost its configuration (restarted?); applying AS {} router ID {}, {} again",
                        d.describe(), server.config().localAsn(), id, server.summary());
                d.startGlobal(server.config());
                server.reapply(d);
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
}
