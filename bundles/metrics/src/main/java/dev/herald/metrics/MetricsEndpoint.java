package dev.herald.metrics;

import dev.herald.support.ListenAddress;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server Prometheus scrapes: {@code /metrics} in the text format, or OpenMetrics when the scraper's Accept
 * header asks for it. It listens on one {@code metrics.address} at a time and moves when the setting changes.
 */
final class MetricsEndpoint implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MetricsEndpoint.class);
    private final PrometheusRegistry registry;
    private HTTPServer server;
    private String address = "";

    MetricsEndpoint(PrometheusRegistry registry) {
        this.registry = registry;
    }

    /**
     * Listens on {@code text} ({@code host:port}, or {@code :port} for every address); an empty text turns the
     * endpoint off. A bad or busy address is logged and leaves the endpoint off: metrics never stop the agent.
     */
    synchronized void listen(String text) {
        String t = text == null ? "" : text.trim();
        if (t.equals(address) && (server != null || t.isEmpty())) {
            return;
        }
        close();
        address = t;
        if (t.isEmpty()) {
            LOG.info("Metrics endpoint off (metrics.address is empty)");
            return;
        }
        try {
            InetSocketAddress a = ListenAddress.parse(t, "metrics.address");
            HTTPServer.Builder b = HTTPServer.builder().port(a.getPort()).registry(registry);
            if (!a.getAddress().isAnyLocalAddress()) {
                b.inetAddress(a.getAddress());
            }
            server = b.buildAndStart();
            LOG.info("Metrics on http://{}:{}/metrics", a.getAddress().isAnyLocalAddress() ? "*"
                    : a.getAddress().getHostAddress(), server.getPort());
        } catch (IllegalArgumentException e) {
            LOG.error("No metrics endpoint: {}", e.getMessage());
        } catch (IOException e) {
            LOG.error("No metrics endpoint: cannot listen on metrics.address {}: {}", t, e.getMessage());
        }
    }

    /** The port it listens on, or -1 when it is off. */
    synchronized int port() {
        return server == null ? -1 : server.getPort();
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            server.close();
            server = null;
        }
    }
}
