package dev.herald.metrics;

import dev.herald.api.ReconcileStep;
import dev.herald.api.spi.Telemetry;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The agent's events as counters and histograms, recorded as they happen (docs/metrics.md): reconcile passes, their
 * errors and durations, backend swaps and their convergence, Kubernetes watch events.
 */
final class EventMetrics implements Telemetry {
    /** The backends Herald ships, so that their swap counters start at 0 too. */
    static final List<String> BACKENDS = List.of("native", "gobgp");

    private final Counter passes;
    private final Counter errors;
    private final Histogram duration;
    private final Counter swaps;
    private final Histogram swapConvergence;
    private final Counter watchEvents;

    EventMetrics(PrometheusRegistry registry) {
        passes = Counter.builder().name("herald_reconcile_passes_total")
                .help("Reconcile passes run, failed ones included").register(registry);
        errors = Counter.builder().name("herald_reconcile_errors_total")
                .help("Reconcile passes that failed, by the failed step as the BGPPolicy status condition names it")
                .labelNames("reason").register(registry);
        duration = Histogram.builder().name("herald_reconcile_duration_seconds").unit(Unit.SECONDS)
                .help("How long reconcile passes took").classicOnly()
                .classicUpperBounds(0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30).register(registry);
        swaps = Counter.builder().name("herald_backend_swaps_total")
                .help("Backend swaps that ended: converged, or not converged within 5 minutes")
                .labelNames("from", "to", "result").register(registry);
        swapConvergence = Histogram.builder().name("herald_backend_swap_convergence_seconds").unit(Unit.SECONDS)
                .help("Time from a backend swap's start until every peer had every route").classicOnly()
                .classicUpperBounds(0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300).register(registry);
        // every step the controller can fail at, at 0 from the start (docs/metrics.md): a series that first appears
        // at 1 hides that first error from increase(), and the alert rules would miss it
        for (ReconcileStep step : ReconcileStep.values()) {
            errors.labelValues(step.reason());
        }
        for (String from : BACKENDS) {
            for (String to : BACKENDS) {
                if (!from.equals(to)) {
                    swaps.labelValues(from, to, "converged");
                    swaps.labelValues(from, to, "not_converged");
                }
            }
        }
        watchEvents = Counter.builder().name("herald_kubernetes_watch_events_total")
                .help("Objects the Kubernetes watches delivered, by kind and event type")
                .labelNames("kind", "type").register(registry);
    }

    @Override
    public void reconciled(Duration took, Optional<String> failure) {
        passes.inc();
        failure.ifPresent(reason -> errors.labelValues(reason).inc());
        duration.observe(seconds(took));
    }

    @Override
    public void backendSwapped(String from, String to, Duration took, boolean converged) {
        swaps.labelValues(from, to, converged ? "converged" : "not_converged").inc();
        if (converged) {
            swapConvergence.observe(seconds(took));
        }
    }

    @Override
    public void watchEvent(String kind, String type) {
        watchEvents.labelValues(kind, type).inc();
    }

    private static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }
}
