package dev.herald.metrics;

import dev.herald.api.spi.AgentStatus;
import dev.herald.api.spi.Telemetry;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Every Herald metric in one registry, and the endpoint that serves them (docs/metrics.md). Plain Java: the DS
 * component wires it to the agent's services, and benchmarks build it around their own parts.
 */
public final class HeraldMetrics implements Telemetry, AutoCloseable {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final EventMetrics events;
    private final MetricsEndpoint endpoint;

    /**
     * @param agent the controller's status, or null while there is none
     * @param apiReachable whether the Kubernetes API server answers
     * @param version Herald's version, for {@code herald_build_info}
     */
    public HeraldMetrics(Supplier<AgentStatus> agent, BooleanSupplier apiReachable, String version) {
        events = new EventMetrics(registry);
        registry.register(new AgentMetrics(agent, apiReachable, Instant::now));
        Info build = Info.builder().name("herald_build_info").help("The running Herald's version")
                .labelNames("version").register(registry);
        build.setLabelValues(version);
        JvmMetrics.builder().register(registry);
        endpoint = new MetricsEndpoint(registry);
    }

    /** Serves {@code /metrics} on {@code address} ({@code host:port} or {@code :port}); empty: nowhere. */
    public void listen(String address) {
        endpoint.listen(address);
    }

    /** The endpoint's port, or -1 while it is off. */
    public int port() {
        return endpoint.port();
    }

    /** What a scrape collects, without HTTP: for benchmarks. */
    public PrometheusRegistry registry() {
        return registry;
    }

    @Override
    public void reconciled(Duration took, Optional<String> failure) {
        events.reconciled(took, failure);
    }

    @Override
    public void backendSwapped(String from, String to, Duration took, boolean converged) {
        events.backendSwapped(from, to, took, converged);
    }

    @Override
    public void watchEvent(String kind, String type) {
        events.watchEvent(kind, type);
    }

    @Override
    public void close() {
        endpoint.close();
    }
}
