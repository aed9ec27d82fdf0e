package dev.herald.support.backend;

import dev.herald.api.spi.BgpException;
import dev.herald.api.spi.BgpServer;
import dev.herald.api.spi.ShutdownAdvisor;
import dev.herald.api.spi.StopMode;
import dev.herald.support.ServerStopPolicy;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.osgi.framework.BundleContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The servers a backend's factory has handed out, and how they stop when its bundle goes away: no server may outlive
 * the bundle. When only the bundle goes (an update, a swap) they stop for a graceful restart, so peers keep the
 * routes while the next backend takes over; when the agent shuts down, as the {@link ShutdownAdvisor} says (a Cease
 * without one): see {@link ServerStopPolicy}. Thread-safe.
 *
 * @param <S> the backend's server class
 */
public final class RunningServers<S extends BgpServer> {
    private static final Logger LOG = LoggerFactory.getLogger(RunningServers.class);

    private final String backend;
    private final Predicate<S> isRunning;
    /** Servers handed out and maybe still running; weak, so a forgotten stopped server is not kept. */
    private final Set<S> created = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));
    private volatile boolean closed;
    private volatile ServerStopPolicy stopPolicy;

    /**
     * @param backend the backend's name in messages, such as {@code goBGP}
     * @param isRunning whether a server has started and not stopped
     */
    public RunningServers(String backend, Predicate<S> isRunning) {
        this.backend = backend;
        this.isRunning = isRunning;
    }

    /** The factory's component activates: from now on the agent's stop is watched through {@code context}. */
    public void activate(BundleContext context, Supplier<ShutdownAdvisor> advisor) {
        stopPolicy = new ServerStopPolicy(context, advisor);
    }

    /**
     * A new server, kept track of.
     *
     * @throws BgpException once the servers were stopped: a server created then would outlive the bundle
     */
    public S create(Supplier<S> server) {
        if (closed) {
            throw new BgpException("the " + backend + " backend is stopping: its bundle goes away");
        }
        S s = server.get();
        created.add(s);
        return s;
    }

    /** The servers that started and did not stop. */
    public Collection<BgpServer> running() {
        synchronized (created) {
            return List.copyOf(created.stream().filter(isRunning).toList());
        }
    }

    /** The factory's component deactivates: every server stops as the {@link ServerStopPolicy} says. */
    public void deactivate() {
        stopAll(stopPolicy.onDeactivate());
    }

    /** Stops every server in {@code mode}; no server can be created after. */
    public void stopAll(StopMode mode) {
        closed = true; // a server created now would outlive the bundle
        List<S> servers;
        synchronized (created) {
            servers = List.copyOf(created);
            created.clear();
        }
        int running = 0;
        for (S s : servers) {
            if (isRunning.test(s)) {
                running++;
            }
            s.stop(mode);
        }
        if (running > 0) {
            LOG.info("{} backend stopping: {} BGP server(s) stopped {}", backend, running, mode == StopMode.CEASE
                    ? "with Cease (agent shutdown)" : "for a graceful restart (bundle update or swap)");
        }
    }
}
