package dev.herald.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MetricsEndpointTest {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final MetricsEndpoint endpoint = new MetricsEndpoint(registry);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    MetricsEndpointTest() {
        Counter.builder().name("herald_test_total").help("a test counter").register(registry).inc();
    }

    @AfterEach
    void close() {
        endpoint.close();
    }

    @Test
    void servesTheTextFormatAndOpenMetricsWhenAsked() throws Exception {
        endpoint.listen("127.0.0.1:0");
        int port = endpoint.port();
        assertThat(port).isPositive();

        HttpResponse<String> text = get(port, "text/plain");
        assertThat(text.statusCode()).isEqualTo(200);
        assertThat(text.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t)
                .startsWith("text/plain; version=0.0.4"));
        assertThat(text.body()).contains("herald_test_total 1.0");

        HttpResponse<String> om = get(port, "application/openmetrics-text; version=1.0.0");
        assertThat(om.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t)
                .startsWith("application/openmetrics-text"));
        assertThat(om.body()).contains("herald_test_total 1.0").endsWith("# EOF\n");
    }

    @Test
    void movesWhenTheAddressChangesAndStopsWhenItIsEmpty() throws Exception {
        endpoint.listen("127.0.0.1:0");
        int first = endpoint.port();
        int second = freePort();
        endpoint.listen("127.0.0.1:" + second);

        assertThat(endpoint.port()).isEqualTo(second);
        assertThat(get(second, "text/plain").statusCode()).isEqualTo(200);
        assertThatThrownBy(() -> get(first, "text/plain")).isInstanceOf(ConnectException.class);

        endpoint.listen("");
        assertThat(endpoint.port()).isEqualTo(-1);
        assertThatThrownBy(() -> get(second, "text/plain")).isInstanceOf(ConnectException.class);
    }

    @Test
    void aBadOrBusyAddressLeavesTheEndpointOffWithoutThrowing() throws Exception {
        endpoint.listen("localhost:9179");
        assertThat(endpoint.port()).isEqualTo(-1);
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            endpoint.listen("127.0.0.1:" + taken.getLocalPort());
            assertThat(endpoint.port()).isEqualTo(-1);
        }
        endpoint.listen("127.0.0.1:0"); // and a good address afterwards works
        assertThat(endpoint.port()).isPositive();
    }

    private HttpResponse<String> get(int port, String accept) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .header("Accept", accept).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
