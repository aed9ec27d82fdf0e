package dev.herald.backend.nativebgp;

import dev.herald.api.GlobalConfig;
import dev.herald.api.spi.BgpServer;
import dev.herald.api.spi.BgpServerFactory;
import dev.herald.api.spi.ShutdownAdvisor;
import dev.herald.api.spi.StartMode;
import dev.herald.api.spi.StopMode;
import dev.herald.support.backend.RunningServers;
import java.util.Collection;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * The native backend: Herald's own BGP-4 speaker on Netty, needing no routing daemon on the node. Its servers live as
 * long as this bundle: a controller that is replaced leaves its server running for the next one to adopt.
 */
// immediate: a delayed component would be disposed, with the servers it runs, when its last user (the controller)
// goes away, and a controller bundle update must leave the server running for the next controller
@Component(immediate = true, property = BgpServerFactory.BACKEND_PROPERTY + "=" + NativeBgpServerFactory.BACKEND)
public final class NativeBgpServerFactory implements BgpServerFactory {
    public static final String BACKEND = "native";

    /** Asked how the sessions end when the whole agent stops: replaced (rolling update) or removed. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ShutdownAdvisor shutdownAdvisor;
    private final RunningServers<NativeBgpServer> servers = new RunningServers<>("native",
            NativeBgpServer::isRunning);

    @Override
    public String backend() {
        return BACKEND;
    }

    @Override
    public BgpServer create(GlobalConfig config) {
        return create(config, StartMode.FRESH);
    }

    /** With {@link StartMode#GRACEFUL_RESTART} the first OPEN of each session carries the restart-state bit. */
    @Override
    public BgpServer create(GlobalConfig config, StartMode mode) {
        return servers.create(() -> new NativeBgpServer(config, Transports.best(),
                mode == StartMode.GRACEFUL_RESTART, NativeBgpServer.DEFAULT_RECEIVE_LIMIT));
    }

    @Override
    public Collection<BgpServer> running() {
        return servers.running();
    }

    @Activate
    void activate(BundleContext context) {
        servers.activate(context, () -> shutdownAdvisor);
    }

    /**
     * The bundle goes away, and its event loops with it. When only this bundle goes (an update, a swap) the sessions
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
