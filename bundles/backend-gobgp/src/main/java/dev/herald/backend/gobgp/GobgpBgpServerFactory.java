package dev.herald.backend.gobgp;

import dev.herald.api.GlobalConfig;
import dev.herald.api.spi.BgpServer;
import dev.herald.api.spi.BgpServerFactory;
import dev.herald.api.spi.ShutdownAdvisor;
import dev.herald.api.spi.StartMode;
import dev.herald.api.spi.StopMode;
import dev.herald.support.ServerStopPolicy;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.WeakHashMap;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The goBGP backend: each server drives a gobgpd over its gRPC API, by default one it starts and supervises itself.
 * {@code gobgpd.path} and {@code gobgpd.apiAddress} of PID {@code herald} choose which; a change applies to the next
 * server the controller creates (a running one keeps its daemon).
 */
// immediate: a delayed component would be disposed, with the daemons it runs, when its last user (the controller)
// goes away, and a controller bundle update must leave the server running for the next controller
@Component(configurationPid = "herald", configurationPolicy = ConfigurationPolicy.OPTIONAL, immediate = true,
        property = BgpServerFactory.BACKEND_PROPERTY + "=" + GobgpBgpServerFactory.BACKEND)
public final class GobgpBgpServerFactory implements BgpServerFactory {
    public static final String BACKEND = "gobgp";
    private static final Logger LOG = LoggerFactory.getLogger(GobgpBgpServerFactory.class);

    /** The keys of PID {@code herald} this component reads. */
    public @interface Config {
        /** The gobgpd binary Herald starts; empty: /usr/sbin/gobgpd, /usr/bin/gobgpd or the PATH. */
        String gobgpd_path() default "";

        /** host:port of a running gobgpd's API to drive instead of starting one; empty: start one. */
        String gobgpd_apiAddress() default "";
    }

    /** Asked how the sessions end when the whole agent stops: replaced (rolling update) or removed. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ShutdownAdvisor shutdownAdvisor;
    private ServerStopPolicy stopPolicy;
    private volatile GobgpdSettings settings;
    private volatile boolean closed;
    /** Servers handed out and maybe still running; weak, so a forgotten stopped server is not kept. */
    private final Set<GobgpBgpServer> created = Collections.synchronizedSet(
            Collections.newSetFromMap(new WeakHashMap<>()));

    public GobgpBgpServerFactory() {
        this(GobgpdSettings.defaults());
    }

    public GobgpBgpServerFactory(GobgpdSettings settings) {
        this.settings = settings;
    }

    @Activate
    void activate(BundleContext context, Config config) {
        stopPolicy = new ServerStopPolicy(context, () -> shutdownAdvisor);
        configure(config);
    }

    @Modified
    void configure(Config config) {
        GobgpdSettings next = settings(config);
        if (!next.equals(settings)) {
            settings = next;
            LOG.info("goBGP backend: {}", next.supervised()
                    ? "Herald starts gobgpd " + next.gobgpdPath().map(Path::toString).orElse("(found by itself)")
                    : "drives the gobgpd at " + next.apiAddress().get().getHostString() + ":"
                            + next.apiAddress().get().getPort());
        }
    }

    /** The settings a config names; an unusable address is logged and ignored (Herald then starts its own). */
    static GobgpdSettings settings(Config config) {
        GobgpdSettings s = GobgpdSettings.defaults();
        String api = config.gobgpd_apiAddress() == null ? "" : config.gobgpd_apiAddress().strip();
        if (!api.isEmpty()) {
            Optional<InetSocketAddress> a = hostPort(api);
            if (a.isEmpty()) {
                LOG.error("gobgpd.apiAddress '{}' is not host:port (e.g. 127.0.0.1:50051 or [::1]:50051); Herald "
                        + "starts its own gobgpd instead", api);
            } else {
                return new GobgpdSettings(Optional.empty(), a, s.apiTimeout(), s.logLevel());
            }
        }
        String path = config.gobgpd_path() == null ? "" : config.gobgpd_path().strip();
        return path.isEmpty() ? s : new GobgpdSettings(Optional.of(Path.of(path)), Optional.empty(),
                s.apiTimeout(), s.logLevel());
    }

    /** {@code host:port} or {@code [v6]:port}, not resolved; empty when it is not that. */
    static Optional<InetSocketAddress> hostPort(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            return Optional.empty();
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            return Optional.empty(); // an IPv6 address needs brackets
        }
        try {
            int port = Integer.parseInt(text.substring(colon + 1));
            if (port < 1 || port > 65535 || host.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(InetSocketAddress.createUnresolved(host, port));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    @Override
    public String backend() {
        return BACKEND;
    }

    @Override
    public BgpServer create(GlobalConfig config) {
        return create(config, StartMode.FRESH);
    }

    /** With {@link StartMode#GRACEFUL_RESTART} the server's peers are added with gobgpd's local-restarting state. */
    @Override
    public BgpServer create(GlobalConfig config, StartMode mode) {
        if (closed) {
            throw new dev.herald.api.spi.BgpException("the goBGP backend is stopping: its bundle goes away");
        }
        GobgpBgpServer s = new GobgpBgpServer(config, settings, mode == StartMode.GRACEFUL_RESTART);
        created.add(s);
        return s;
    }

    @Override
    public Collection<BgpServer> running() {
        synchronized (created) {
            return List.copyOf(created.stream().filter(GobgpBgpServer::isRunning).toList());
        }
    }

    /**
     * The bundle goes away: no gobgpd of ours may outlive it. When only this bundle goes (update, swap) the sessions
     * end for a graceful restart, so peers keep the routes while the next backend takes over; when the agent shuts
     * down, as the {@link ShutdownAdvisor} says (a Cease without one).
     */
    @Deactivate
    void deactivate() {
        stopAll(stopPolicy.onDeactivate());
    }

    void stopAll(StopMode mode) {
        closed = true; // a server created now would outlive the bundle
        GobgpBgpServer[] servers;
        synchronized (created) {
            servers = created.toArray(new GobgpBgpServer[0]);
            created.clear();
        }
        int running = 0;
        for (GobgpBgpServer s : servers) {
            if (s.isRunning()) {
                running++;
            }
            s.stop(mode);
        }
        if (running > 0) {
            LOG.info("goBGP backend stopping: {} BGP server(s) stopped {}", running, mode == StopMode.CEASE
                    ? "with Cease (agent shutdown)" : "for a graceful restart (bundle update or swap)");
        }
    }
}
