package dev.herald.support;

import dev.herald.api.spi.ShutdownAdvisor;
import dev.herald.api.spi.StopMode;
import java.util.function.Supplier;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.Constants;
import org.osgi.framework.SynchronousBundleListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a backend's running BGP servers stop when its bundle goes away. When only the bundle stops (an update, a swap)
 * they stop for a graceful restart: the next backend takes over and peers keep the routes meanwhile. When the whole
 * agent stops they stop as the {@link ShutdownAdvisor} says (docs/deploy.md, "Upgrades without a flap"), with a
 * Cease when there is none.
 *
 * <p>The advisor is asked at the system bundle's STOPPING event, which the framework delivers to synchronous
 * listeners before it stops any bundle: the advisor's own bundle may well stop before the backend's, and could not be
 * asked then.
 */
public final class ServerStopPolicy implements SynchronousBundleListener {
    private static final Logger LOG = LoggerFactory.getLogger(ServerStopPolicy.class);

    private final BundleContext context;
    private final Supplier<ShutdownAdvisor> advisor;
    /** What the advisor answered when the agent began to stop; null before that. */
    private volatile StopMode atAgentStop;

    /**
     * @param context the backend bundle's context; the policy listens to bundle events through it until
     *     {@link #onDeactivate()}
     * @param advisor the bound advisor, or null when none is
     */
    public ServerStopPolicy(BundleContext context, Supplier<ShutdownAdvisor> advisor) {
        this.context = context;
        this.advisor = advisor;
        context.addBundleListener(this);
    }

    @Override
    public void bundleChanged(BundleEvent event) {
        if (event.getType() == BundleEvent.STOPPING && event.getBundle().getBundleId() == 0) {
            atAgentStop = ask();
        }
    }

    /** The mode for the servers still running as the backend's component deactivates. */
    public StopMode onDeactivate() {
        try {
            context.removeBundleListener(this);
        } catch (IllegalStateException e) {
            // the bundle's context is no longer valid: nothing to remove
        }
        Bundle system = context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION);
        boolean agentStopping = system != null && system.getState() == Bundle.STOPPING;
        if (!agentStopping) {
            return StopMode.GRACEFUL_RESTART;
        }
        StopMode decided = atAgentStop;
        return decided != null ? decided : ask();
    }

    private StopMode ask() {
        ShutdownAdvisor a = advisor.get();
        if (a == null) {
            return StopMode.CEASE;
        }
        try {
            StopMode mode = a.onAgentStop();
            return mode == null ? StopMode.CEASE : mode;
        } catch (RuntimeException e) {
            LOG.warn("Cannot tell whether this agent is being replaced ({}): its BGP sessions end with a Cease", e
                    .toString());
            return StopMode.CEASE;
        }
    }
}
