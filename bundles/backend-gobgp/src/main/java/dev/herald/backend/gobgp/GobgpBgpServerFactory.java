package dev.herald.backend.gobgp;

import dev.herald.api.GlobalConfig;
import dev.herald.api.spi.BgpServer;
import dev.herald.api.spi.BgpServerFactory;
import dev.herald.api.spi.ShutdownAdvisor;
import dev.herald.api.spi.StartMode;
import dev.herald.api.spi.StopMode;
import dev.herald.support.HostPort;
import dev.herald.support.backend.RunningServers;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Optional;
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
    private volatile GobgpdSettings settings;
    private final RunningServers<GobgpBgpServer> servers = new RunningServers<>("goBGP", GobgpBgpServer::isRunning);

    public GobgpBgpServerFactory() {
        this(GobgpdSettings.defaults());
    }

    public GobgpBgpServerFactory(GobgpdSettings settings) {
        this.settings = settings;
    }

    @Activate
    void activate(BundleContext context, Config config) {
        servers.activate(context, () -> shutdownAdvisor);
        configure(config);
    }

    @Modified
    void configure(Config config) {
        GobgpdSettings next = settings(config);
        if (!next.equals(settings)) {
            settings = next;
            LOG.info("goBGP backend: {}", next.supervised()
                    ? "Herald starts gobgpd " + next.gobgpdPath().map(Path::toString).orElse("(found by itself)")
                    : "drives the gobgpd at " + HostPort.format(next.apiAddress().get()));
        }
    }

    /** The settings a config names; an unusable address is logged and ignored (Herald then starts its own). */
    static GobgpdSettings settings(Config config) {
        GobgpdSettings s = GobgpdSettings.defaults();
        String api = config.gobgpd_apiAddress() == null ? "" : config.gobgpd_apiAddress().strip();
        if (!api.isEmpty()) {
            Optional<InetSocketAddress> a = HostPort.parse(api);
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
        GobgpdSettings now = settings;
        return servers.create(() -> new GobgpBgpServer(config, now, mode == StartMode.GRACEFUL_RESTART));
    }

    @Override
    public Collection<BgpServer> running() {
        return servers.running();
    }

    /**
     * The bundle goes away: no gobgpd of ours may outlive it. When only this bundle goes (update, swap) the sessions
     * end for a graceful restart, so peers keep the routes while the next backend takes over; when the agent shuts
     * down, as the {@link ShutdownAdvisor} says (a Cease without one).
     */
    @Deactivate
    void deactivate() {
        servers.deactivate();
    }

    void stopAll(StopMode mode) {
        servers.stopAll(mode);
    }
}
