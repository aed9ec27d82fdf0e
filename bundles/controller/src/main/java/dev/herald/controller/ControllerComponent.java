package dev.herald.controller;

import dev.herald.api.Addresses;
import dev.herald.api.EffectivePolicy;
import dev.herald.api.PeerStatus;
import dev.herald.api.Route;
import dev.herald.api.spi.AgentStatus;
import dev.herald.api.spi.BgpServerFactory;
import dev.herald.api.spi.ClusterState;
import dev.herald.api.spi.ClusterWriter;
import dev.herald.api.spi.Registration;
import dev.herald.api.spi.RouteSource;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
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
 * The OSGi shell around {@link BgpPolicyReconciler}: binds the cluster state and writer, every {@link RouteSource}
 * (they may come and go) and every {@link BgpServerFactory}, uses the one that {@code backend} in etc/herald.cfg
 * names, and runs the reconcile loop on every change, plus a full pass every few minutes as a safety net.
 */
// immediate: the loop must run whether or not anyone reads the status
@Component(configurationPid = "herald", configurationPolicy = ConfigurationPolicy.OPTIONAL,
        service = AgentStatus.class, immediate = true)
public final class ControllerComponent implements AgentStatus {
    private static final Logger LOG = LoggerFactory.getLogger(ControllerComponent.class);
    static final Duration RESYNC = Duration.ofMinutes(5);

    /** The keys of PID {@code herald} this component reads. */
    public @interface Config {
        /** {@code native} or {@code gobgp}. */
        String backend() default "native";

        /** Address the BGP server listens on and sends from; empty: every address. */
        String bgp_listenAddress() default "";
    }

    private final Map<RouteSource, Registration> sources = new ConcurrentHashMap<>();
    private final Map<String, BgpServerFactory> factories = new ConcurrentHashMap<>();
    private final BgpPolicyReconciler reconciler;
    private final ReconcileLoop loop;
    private final Registration clusterListener;
    private final ScheduledExecutorService resync;
    private volatile String backend;

    @Activate
    public ControllerComponent(@Reference ClusterState cluster, @Reference ClusterWriter writer, Config config) {
        backend = config.backend();
        reconciler = new BgpPolicyReconciler(cluster, writer,
                () -> Optional.ofNullable(factories.get(backend)), () -> List.copyOf(sources.keySet()),
                settings(config));
        loop = new ReconcileLoop("herald-controller", reconciler::reconcile, Duration.ofSeconds(5),
                Duration.ofSeconds(300));
        clusterListener = cluster.addListener((kind, keys) -> {
            // Services, EndpointSlices and Egresses reach the controller through the route sources
            if (kind == ClusterState.Kind.NODE || kind == ClusterState.Kind.BGP_POLICY
                    || kind == ClusterState.Kind.SECRET) {
                reconciler.invalidate();
                loop.trigger();
            }
        });
        resync = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "herald-controller-resync");
            t.setDaemon(true);
            return t;
        });
        resync.scheduleAtFixedRate(() -> {
            reconciler.invalidate();
            loop.trigger();
        }, RESYNC.toMillis(), RESYNC.toMillis(), TimeUnit.MILLISECONDS);
        LOG.info("BGPPolicy controller started (backend {})", backend);
        loop.trigger();
    }

    @Modified
    void modified(Config config) {
        if (!config.backend().equals(backend)) {
            LOG.info("Backend changed from {} to {}", backend, config.backend());
            backend = config.backend();
        }
        reconciler.settings(settings(config));
        loop.trigger();
    }

    private static BgpPolicyReconciler.Settings settings(Config config) {
        String listen = config.bgp_listenAddress();
        return new BgpPolicyReconciler.Settings(listen == null || listen.isBlank() ? Optional.empty()
                : Optional.of(Addresses.address(listen, "bgp.listenAddress")));
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addSource(RouteSource source) {
        sources.put(source, source.addListener((s, owners) -> {
            reconciler().routesChanged(s, owners);
            loop().trigger();
        }));
        triggerIfActive();
    }

    void removeSource(RouteSource source) {
        Registration r = sources.remove(source);
        if (r != null) {
            r.close();
        }
        triggerIfActive();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addFactory(BgpServerFactory factory) {
        factories.put(factory.backend(), factory);
        triggerIfActive();
    }

    void removeFactory(BgpServerFactory factory) {
        factories.remove(factory.backend(), factory);
        triggerIfActive();
    }

    /** Bind methods can run before the constructor finished (static references first): then there is no loop yet. */
    private void triggerIfActive() {
        BgpPolicyReconciler r = reconciler();
        ReconcileLoop l = loop();
        if (r != null && l != null) {
            r.invalidate();
            l.trigger();
        }
    }

    private BgpPolicyReconciler reconciler() {
        return reconciler;
    }

    private ReconcileLoop loop() {
        return loop;
    }

    @Override
    public Optional<EffectivePolicy> effectivePolicy() {
        BgpPolicyReconciler.Status st = reconciler.status();
        if (st.policy().isEmpty() || st.config().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new EffectivePolicy(st.policy().get(), st.config().get()));
    }

    @Override
    public List<PeerStatus> peers() {
        var server = reconciler.server();
        return server == null ? List.of() : server.peers();
    }

    @Override
    public List<Route> routes() {
        return reconciler.status().routes();
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        resync.shutdownNow();
        clusterListener.close();
        sources.values().forEach(Registration::close);
        loop.close();
        // the server keeps running until a successor takes over or the framework stops; issue 7 makes this graceful
        var server = reconciler.server();
        if (server != null) {
            server.stop();
        }
    }
}
