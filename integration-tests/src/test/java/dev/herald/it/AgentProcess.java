package dev.herald.it;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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

/** {@code bin/herald} of a distribution copy, run as its own process, as an operator would. */
public final class AgentProcess implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    public final Path home;
    public final Process process;
    public int statusPort;

    private AgentProcess(Path home, Process process, int statusPort) {
        this.home = home;
        this.process = process;
        this.statusPort = statusPort;
    }

    /** Starts {@code home/bin/herald args...} with its status API on a free port. */
    public static AgentProcess start(Path home, String... args) throws IOException {
        return start(home, java.util.Map.of(), args);
    }

    /**
     * {@link #start(Path, String...)} with these environment variables added, such as {@code HERALD_JAVA_OPTS} to
     * run the JVM as the container image does.
     */
    public static AgentProcess start(Path home, java.util.Map<String, String> env, String... args)
            throws IOException {
        int port = Distribution.freePort();
        Distribution.setStatusPort(home, port);
        List<String> cmd = new ArrayList<>(List.of(home.resolve("bin/herald").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(home.resolve("stdout.txt").toFile());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().putAll(env);
        return new AgentProcess(home, pb.start(), port);
    }

    /** GET on the status API; empty when nothing answers. */
    public Optional<HttpResponse<String>> get(String path) {
        return get(statusPort, path);
    }

    public static Optional<HttpResponse<String>> get(int port, String path) {
        try {
            HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(5)).build();
            return Optional.of(HTTP.send(req, HttpResponse.BodyHandlers.ofString()));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** Waits (bounded) until {@code /readyz} answers 200; returns how long that took. */
    public Duration awaitReady(Duration atMost) {
        long t0 = System.nanoTime();
        try {
            await("agent in " + home + " ready").atMost(atMost).pollInterval(Duration.ofMillis(50))
                    .failFast("agent process exited", () -> !process.isAlive())
                    .until(() -> get("/readyz").map(r -> r.statusCode() == 200).orElse(false));
        } catch (RuntimeException | AssertionError e) {
            throw new AssertionError(e.getMessage() + "\n/readyz: " + get("/readyz").map(HttpResponse::body)
                    .orElse("(no answer)") + "\nagent output:\n" + stdoutQuietly(), e);
        }
        return Duration.ofNanos(System.nanoTime() - t0);
    }

    /** The bundles the agent reports, as JSON objects. */
    public List<JsonNode> bundles() {
        String body = get("/bundles").orElseThrow(() -> new AssertionError("status API down")).body();
        List<JsonNode> out = new ArrayList<>();
        JSON.readTree(body).forEach(out::add);
        return out;
    }

    public Optional<JsonNode> bundle(String symbolicName) {
        return bundles().stream().filter(b -> symbolicName.equals(b.path("symbolicName").asString())).findFirst();
    }

    /** Sends SIGTERM and waits (bounded) for the exit code. */
    public int terminate(Duration atMost) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(atMost.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("agent did not exit within " + atMost + " of SIGTERM");
        }
        return process.exitValue();
    }

    public String log() throws IOException {
        Path log = home.resolve("log/herald.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    private String stdoutQuietly() {
        try {
            return stdout();
        } catch (IOException e) {
            return "(cannot read: " + e + ")";
        }
    }

    public String stdout() throws IOException {
        return Files.readString(home.resolve("stdout.txt"));
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }
}
