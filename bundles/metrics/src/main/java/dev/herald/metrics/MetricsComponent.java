package dev.herald.metrics;

import dev.herald.api.spi.AgentStatus;
import dev.herald.api.spi.ClusterState;
import dev.herald.api.spi.Telemetry;
import java.time.Duration;
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
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * The OSGi shell of {@link HeraldMetrics}: serves it on {@code metrics.address} (PID {@code herald},
 * etc/herald.cfg; default {@value #DEFAULT_ADDRESS}, every address, because a hostNetwork pod is scraped at its
 * node's address; empty turns it off), registers it as the {@link Telemetry} the controller and the cluster adapter
 * record events into, and lets it read {@link AgentStatus} and {@link ClusterState} when scraped (docs/metrics.md).
 */
// REQUIRE: like the status API, no port is taken before etc/herald.cfg is read; immediate: Prometheus scrapes
// whether or not a bundle uses the Telemetry service
@Component(configurationPid = "herald", configurationPolicy = ConfigurationPolicy.REQUIRE, service = Telemetry.class,
        immediate = true)
public final class MetricsComponent implements Telemetry {
    /** The keys of PID {@code herald} this component reads. */
    public @interface Config {
        /** {@code host:port}, or {@code :port} for every address; empty: no endpoint. */
        String metrics_address() default DEFAULT_ADDRESS;
    }

    static final String DEFAULT_ADDRESS = ":9179";

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile AgentStatus agent;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile ClusterState cluster;
    private final HeraldMetrics metrics;

    @Activate
    public MetricsComponent(BundleContext context, Config config) {
        metrics = new HeraldMetrics(() -> agent, () -> {
            ClusterState c = cluster;
            return c != null && c.apiReachable(); // no cluster adapter: no API server either
        }, context.getBundle().getVersion().toString());
        metrics.listen(config.metrics_address());
    }

    @Modified
    void modified(Config config) {
        metrics.listen(config.metrics_address());
    }

    @Deactivate
    void deactivate() {
        metrics.close();
    }

    @Override
    public void reconciled(Duration took, Optional<String> failure) {
        metrics.reconciled(took, failure);
    }

    @Override
    public void backendSwapped(String from, String to, Duration took, boolean converged) {
        metrics.backendSwapped(from, to, took, converged);
    }

    @Override
    public void watchEvent(String kind, String type) {
        metrics.watchEvent(kind, type);
    }
}
