package dev.herald.controller;

import dev.herald.api.Addresses;
import dev.herald.api.EffectivePolicy;
import dev.herald.api.PeerStatus;
import dev.herald.api.Route;
import dev.herald.api.RouteType;
import dev.herald.api.spi.AgentStatus;
import dev.herald.api.spi.BgpException;
import dev.herald.api.spi.BgpServerFactory;
import dev.herald.api.spi.ClusterState;
import dev.herald.api.spi.ClusterWriter;
import dev.herald.api.spi.RouteSource;
import dev.herald.api.spi.Telemetry;
import dev.herald.support.Telemetries;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OSGi shell around {@link Controller}: binds the cluster state and writer, every {@link RouteSource} (they may
 * come and go) and every {@link BgpServerFactory}, hands the controller the one that {@code backend} in
 * etc/herald.cfg names, and adapts what it runs to {@link AgentStatus}.
 */
// immediate: the loop must run whether or not anyone reads the status
@Component(configurationPid = "herald", configurationPolicy = ConfigurationPolicy.OPTIONAL,
        service = AgentStatus.class, immediate = true)
public final class ControllerComponent implements AgentStatus {
    private static final Logger LOG = LoggerFactory.getLogger(ControllerComponent.class);

    /** The keys of PID {@code herald} this component reads. */
    public @interface Config {
        /** {@code native} or {@code gobgp}. */
        String backend() default "native";

        /** Address the BGP server listens on and sends from; empty: every address. */
        String bgp_listenAddress() default "";

        /**
         * Seconds the routes of a route source that went away are kept before they are withdrawn, so that updating
         * a source bundle (it stops, then starts) withdraws nothing.
         */
        long source_removalGrace() default 5;
    }

    private final Map<String, BgpServerFactory> factories = new ConcurrentHashMap<>();
    /** The metrics bundle's recorders, when it runs (docs/metrics.md). */
    private final Telemetries telemetry = new Telemetries();
    private final Controller controller;
    private volatile String backend;

    @Activate
    public ControllerComponent(BundleContext context, @Reference ClusterState cluster, @Reference ClusterWriter writer,
            Config config) {
        Bundle system = context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION);
        backend = config.backend();
        // factories outlive this component: a server the previous instance left running is adopted, not restarted
        controller = new Controller(new Controller.Parts("herald-controller", cluster, writer,
                () -> Optional.ofNullable(factories.get(backend)), () -> List.copyOf(factories.values()), telemetry,
                () -> system != null && system.getState() == Bundle.STOPPING), settings(config));
        LOG.info("BGPPolicy controller started (backend {})", backend);
        controller.start();
    }

    @Modified
    void modified(Config config) {
        if (!config.backend().equals(backend)) {
            LOG.info("Backend changed from {} to {}", backend, config.backend());
            backend = config.backend();
        }
        controller.settings(settings(config));
    }

    private static BgpPolicyReconciler.Settings settings(Config config) {
        String listen = config.bgp_listenAddress();
        long grace = config.source_removalGrace();
        if (grace < 0) {
            LOG.error("source.removalGrace must be 0 or more seconds, not {}; using {} s", grace,
                    BgpPolicyReconciler.Settings.DEFAULT_SOURCE_GRACE.toSeconds());
            grace = BgpPolicyReconciler.Settings.DEFAULT_SOURCE_GRACE.toSeconds();
        }
        return new BgpPolicyReconciler.Settings(listen == null || listen.isBlank() ? Optional.empty()
                : Optional.of(Addresses.address(listen, "bgp.listenAddress")), Duration.ofSeconds(grace));
    }

    // bind methods run after the constructor (DS constructor injection): the controller is there
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addSource(RouteSource source) {
        controller.addSource(source);
    }

    void removeSource(RouteSource source) {
        controller.removeSource(source);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addTelemetry(Telemetry t) {
        telemetry.add(t);
    }

    void removeTelemetry(Telemetry t) {
        telemetry.remove(t);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addFactory(BgpServerFactory factory) {
        factories.put(factory.backend(), factory);
        controller.changed();
    }

    void removeFactory(BgpServerFactory factory) {
        factories.remove(factory.backend(), factory);
        controller.factoryGone(factory);
    }

    @Override
    public Optional<EffectivePolicy> effectivePolicy() {
        BgpPolicyReconciler.Status st = controller.status();
        if (st.policy().isEmpty() || st.config().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new EffectivePolicy(st.policy().get(), st.config().get()));
    }

    @Override
    public List<PeerStatus> peers() {
        var server = controller.server();
        try {
            return server == null ? List.of() : server.peers();
        } catch (BgpException e) {
            return List.of(); // stopped between the two calls: a swap or restart is under way
        }
    }

    @Override
    public List<Route> routes() {
        return controller.status().routes();
    }

    @Override
    public Optional<String> backend() {
        return controller.backendName();
    }

    @Override
    public Map<RouteType, Integer> desiredRoutes() {
        return controller.desiredRoutes();
    }

    @Override
    public Map<RouteType, Integer> advertisedRoutes() {
        return controller.advertisedRoutes();
    }

    @Override
    public int selectingPolicies() {
        return controller.selectingPolicies();
    }

    @Override
    public OptionalInt eventLoopPendingTasks() {
        var server = controller.server();
        return server == null ? OptionalInt.empty() : server.pendingTasks();
    }

    /**
     * The server is left running: the next controller instance (this bundle updated, or the cluster state or a
     * source replaced under it) adopts it and sends only the difference, so peers see nothing. Its backend stops it
     * when the framework stops (with a Cease) or when the backend's own bundle goes (for a graceful restart).
     */
    @Deactivate
    void deactivate() throws InterruptedException {
        controller.close();
        var server = controller.server();
        String what = "";
        try {
            if (server != null) {
                what = String.format("; its %s BGP server keeps running (%d peers, %d routes) for the next controller "
                        + "to adopt", controller.backendName().orElse("new"), server.peers().size(),
                        server.routes().size());
            }
        } catch (BgpException e) {
            what = "; its BGP server is stopping with its backend";
        }
        LOG.info("BGPPolicy controller stopping{}", what);
    }
}
