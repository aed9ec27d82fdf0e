package dev.herald.backend.gobgp;

import static dev.herald.support.gobgp.GobgpdBinary.DEBIAN_PACKAGE;
import static dev.herald.support.gobgp.GobgpdBinary.DEFAULT_LOCATIONS;

import dev.herald.api.spi.BgpException;
import dev.herald.support.gobgp.GobgpdBinary;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One gobgpd process started by Herald: no config file, its gRPC API on 127.0.0.1 at a port free when it was
 * chosen, its log relayed into Herald's. Thread-safe.
 */
final class GobgpdProcess {
    /** util-linux' setpriv ties gobgpd's life to the launching thread, so a crashed JVM leaves no speaker behind. */
    private static final Path SETPRIV = Path.of("/usr/bin/setpriv");
    private static final int RECENT_LINES = 20;

    private final Process process;
    private final int apiPort;
    private final Deque<String> recent = new ArrayDeque<>();

    private GobgpdProcess(Process process, int apiPort) {
        this.process = process;
        this.apiPort = apiPort;
    }

    /**
     * The binary to run: the configured one, else the first default location that exists, else {@code gobgpd} on
     * the PATH. Throws, naming the Debian package, when there is none.
     */
    static Path locate(Optional<Path> configured) {
        if (configured.isPresent()) {
            Path p = configured.get();
            if (!Files.isExecutable(p)) {
                throw new BgpException("gobgpd is not installed at " + p + " (gobgpd.path): install Debian's package "
                        + DEBIAN_PACKAGE + " (apt-get install " + DEBIAN_PACKAGE + ") or point gobgpd.path at it");
            }
            return p;
        }
        return GobgpdBinary.find().orElseThrow(() -> new BgpException("gobgpd is not installed (looked in "
                + DEFAULT_LOCATIONS + " and the PATH): install Debian's package " + DEBIAN_PACKAGE + " (apt-get install "
                + DEBIAN_PACKAGE
                + "), set gobgpd.path, or give gobgpd.apiAddress of a running one"));
    }

    /**
     * Starts {@code binary} with its API on a free loopback port. Call it from a thread that lives as long as the
     * daemon should: where setpriv exists, gobgpd is killed when that thread ends.
     */
    static GobgpdProcess launch(Path binary, String routerId, String logLevel) throws IOException {
        return launch(binary, routerId, logLevel, false);
    }

    /**
     * As {@link #launch(Path, String, String)}; {@code restarting} adds {@code -r} (restart-state bit). gobgpd applies
     * {@code -r} only to neighbours of a config file, so for the peers Herald adds through the API the bit comes
     * from each peer's {@code graceful_restart.local_restarting}; the flag makes the daemon's role visible in ps.
     */
    static GobgpdProcess launch(Path binary, String routerId, String logLevel, boolean restarting)
            throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = s.getLocalPort();
        }
        List<String> cmd = new ArrayList<>();
        if (Files.isExecutable(SETPRIV)) {
            cmd.addAll(List.of(SETPRIV.toString(), "--pdeathsig", "KILL", "--"));
        }
        // --pprof-disable: otherwise every gobgpd binds localhost:6060; no -f: Herald configures it through the API
        cmd.addAll(List.of(binary.toString(), "--api-hosts", "127.0.0.1:" + port, "--pprof-disable",
                "-l", logLevel));
        if (restarting) {
            cmd.add("-r");
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        GobgpdProcess g = new GobgpdProcess(p, port);
        GobgpdLog log = new GobgpdLog(routerId);
        Thread relay = new Thread(() -> g.relay(log), "gobgpd-log-" + routerId + "-" + p.pid());
        relay.setDaemon(true);
        relay.start();
        return g;
    }

    private void relay(GobgpdLog log) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                GobgpdLog.Line parsed = GobgpdLog.parse(line);
                synchronized (recent) {
                    if (recent.size() == RECENT_LINES) {
                        recent.removeFirst();
                    }
                    recent.addLast("  " + parsed.level() + " " + parsed.text());
                }
                log.relay(parsed);
            }
        } catch (IOException e) {
            // the pipe closes when gobgpd ends
        }
    }

    int apiPort() {
        return apiPort;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** The exit code, or -1 while it runs. */
    int exitCode() {
        return process.isAlive() ? -1 : process.exitValue();
    }

    CompletableFuture<Process> onExit() {
        return process.onExit();
    }

    /** gobgpd's last log lines, for error messages. */
    String recentLog() {
        synchronized (recent) {
            return String.join("\n", recent);
        }
    }

    /** SIGKILL: gobgpd sends nothing more, its TCP connections just close (no Cease NOTIFICATION). */
    void kill() {
        process.destroyForcibly();
        awaitExit(Duration.ofSeconds(5));
    }

    /** SIGTERM, then SIGKILL after {@code grace}. */
    void terminate(Duration grace) {
        process.destroy();
        if (!awaitExit(grace)) {
            kill();
        }
    }

    private boolean awaitExit(Duration d) {
        try {
            return process.waitFor(d.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }
}
