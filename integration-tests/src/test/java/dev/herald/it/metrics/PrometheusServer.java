package dev.herald.it.metrics;

import dev.herald.it.peers.Daemons;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real Prometheus (Debian's {@code prometheus} package) scraping one target every second and evaluating a rules
 * file every second, with its query API on a free loopback port. Its data lives in the test's folder.
 */
final class PrometheusServer implements AutoCloseable {
    static final Path BINARY = Path.of("/usr/bin/prometheus");
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private final Process process;
    private final Path log;
    private final int port;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private PrometheusServer(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    static boolean installed() {
        return Files.isExecutable(BINARY);
    }

    /** Starts scraping {@code target} ({@code host:port}) with {@code rules}, and waits until it is ready. */
    static PrometheusServer start(Path dir, String target, Path rules) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, """
                global:
                  scrape_interval: 1s
                  scrape_timeout: 1s
                  evaluation_interval: 1s
                rule_files: [%s]
                scrape_configs:
                  - job_name: herald
                    static_configs:
                      - targets: ['%s']
                """.formatted(rules.toAbsolutePath(), target));
        int port = Daemons.freePort();
        Path log = dir.resolve("prometheus.log");
        Process p = new ProcessBuilder(BINARY.toString(), "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        PrometheusServer s = new PrometheusServer(p, log, port);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IOException("prometheus exited: " + Files.readString(log));
            }
            if (s.get("/-/ready").filter(r -> r.statusCode() == 200).isPresent()) {
                return s;
            }
            Thread.sleep(200);
        }
        s.close();
        throw new IOException("prometheus not ready within 30 s: " + Files.readString(log));
    }

    /** The instant vector {@code promql} evaluates to now: one entry per series. */
    List<JsonNode> query(String promql) throws IOException {
        JsonNode body = api("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        List<JsonNode> out = new ArrayList<>();
        body.path("data").path("result").forEach(out::add);
        return out;
    }

    /** The one value {@code promql} evaluates to, if it gives exactly one series. */
    Optional<Double> value(String promql) throws IOException {
        List<JsonNode> r = query(promql);
        return r.size() == 1 ? Optional.of(Double.parseDouble(r.get(0).path("value").get(1).asString()))
                : Optional.empty();
    }

    /** The state ({@code pending} or {@code firing}) of alert {@code name}, if it is active. */
    Optional<String> alertState(String name) throws IOException {
        for (JsonNode a : api("/api/v1/alerts").path("data").path("alerts")) {
            if (name.equals(a.path("labels").path("alertname").asString())) {
                return Optional.of(a.path("state").asString());
            }
        }
        return Optional.empty();
    }

    /** The health of the scrape target: {@code up}, {@code down} or {@code unknown}, with its last error. */
    String targetHealth() throws IOException {
        JsonNode t = api("/api/v1/targets").path("data").path("activeTargets").path(0);
        return t.path("health").asString() + " " + t.path("lastError").asString();
    }

    String log() throws IOException {
        return Files.readString(log);
    }

    private JsonNode api(String path) throws IOException {
        HttpResponse<String> r = get(path).orElseThrow(() -> new IOException("prometheus does not answer " + path));
        if (r.statusCode() != 200) {
            throw new IOException("prometheus answered " + r.statusCode() + " to " + path + ": " + r.body());
        }
        return JSON.readTree(r.body());
    }

    private Optional<HttpResponse<String>> get(String path) {
        try {
            return Optional.of(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }
}
