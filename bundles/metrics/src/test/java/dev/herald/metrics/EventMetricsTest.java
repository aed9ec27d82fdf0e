package dev.herald.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EventMetricsTest {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final EventMetrics events = new EventMetrics(registry);

    @Test
    void passesErrorsAndDurations() throws IOException {
        events.reconciled(Duration.ofMillis(3), Optional.empty());
        events.reconciled(Duration.ofMillis(70), Optional.of("BgpServerFailed"));
        events.reconciled(Duration.ofSeconds(2), Optional.of("BgpServerFailed"));

        assertThat(scrape())
                .contains("herald_reconcile_passes_total 3.0")
                .contains("herald_reconcile_errors_total{reason=\"BgpServerFailed\"} 2.0")
                .contains("herald_reconcile_duration_seconds_bucket{le=\"0.005\"} 1")
                .contains("herald_reconcile_duration_seconds_bucket{le=\"0.1\"} 2")
                .contains("herald_reconcile_duration_seconds_bucket{le=\"+Inf\"} 3")
                .contains("herald_reconcile_duration_seconds_count 3")
                .contains("herald_reconcile_duration_seconds_sum 2.073");
    }

    @Test
    void swapsByResultAndTheConvergenceTimeOfThoseThatConverged() throws IOException {
        events.backendSwapped("native", "gobgp", Duration.ofMillis(800), true);
        events.backendSwapped("gobgp", "native", Duration.ofMinutes(5), false);

        assertThat(scrape())
                .contains("herald_backend_swaps_total{from=\"native\",result=\"converged\",to=\"gobgp\"} 1.0")
                .contains("herald_backend_swaps_total{from=\"gobgp\",result=\"not_converged\",to=\"native\"} 1.0")
                .contains("herald_backend_swap_convergence_seconds_count 1")
                .contains("herald_backend_swap_convergence_seconds_bucket{le=\"1.0\"} 1")
                .contains("herald_backend_swap_convergence_seconds_bucket{le=\"0.5\"} 0");
    }

    @Test
    void everyKnownReasonAndSwapStartsAtZeroSoThatTheFirstOneCounts() throws IOException {
        assertThat(scrape())
                .contains("herald_reconcile_errors_total{reason=\"RoutesFailed\"} 0.0")
                .contains("herald_reconcile_errors_total{reason=\"BgpServerFailed\"} 0.0")
                .contains("herald_backend_swaps_total{from=\"native\",result=\"not_converged\",to=\"gobgp\"} 0.0")
                .contains("herald_backend_swaps_total{from=\"gobgp\",result=\"converged\",to=\"native\"} 0.0");
    }

    @Test
    void everyStepTheControllerCanFailAtHasItsSeries() throws IOException {
        String scraped = scrape();
        for (dev.herald.api.ReconcileStep step : dev.herald.api.ReconcileStep.values()) {
            assertThat(scraped).contains("herald_reconcile_errors_total{reason=\"" + step.reason() + "\"} 0.0");
        }
    }

    @Test
    void watchEventsByKindAndType() throws IOException {
        events.watchEvent("Service", "ADDED");
        events.watchEvent("Service", "ADDED");
        events.watchEvent("BGPPolicy", "DELETED");

        assertThat(scrape())
                .contains("herald_kubernetes_watch_events_total{kind=\"Service\",type=\"ADDED\"} 2.0")
                .contains("herald_kubernetes_watch_events_total{kind=\"BGPPolicy\",type=\"DELETED\"} 1.0");
    }

    private String scrape() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, registry.scrape(), EscapingScheme.ALLOW_UTF8);
        return out.toString(StandardCharsets.UTF_8);
    }
}
