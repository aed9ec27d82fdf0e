package dev.herald.backend.gobgp;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Which gobgpd a {@link GobgpBgpServer} drives.
 *
 * @param gobgpdPath the gobgpd binary to start; empty means the first of {@link dev.herald.support.gobgp.GobgpdBinary#DEFAULT_LOCATIONS}
 *     that exists, else {@code gobgpd} on the PATH
 * @param apiAddress the gRPC API of a running gobgpd to attach to; empty means Herald starts and supervises its own
 * @param apiTimeout how long a started daemon may take until its API answers
 * @param logLevel gobgpd's {@code -l} option: {@code info}, or {@code debug} (logs every UPDATE)
 */
public record GobgpdSettings(Optional<Path> gobgpdPath, Optional<InetSocketAddress> apiAddress, Duration apiTimeout,
                             String logLevel) {
    public static final Duration DEFAULT_API_TIMEOUT = Duration.ofSeconds(20);

    public GobgpdSettings {
        Objects.requireNonNull(gobgpdPath, "gobgpdPath");
        Objects.requireNonNull(apiAddress, "apiAddress");
        Objects.requireNonNull(apiTimeout, "apiTimeout");
        if (!logLevel.equals("info") && !logLevel.equals("debug")) {
            throw new IllegalArgumentException("gobgpd log level '" + logLevel + "' is not info or debug");
        }
    }

    /** Start and supervise gobgpd from its default location. */
    public static GobgpdSettings defaults() {
        return new GobgpdSettings(Optional.empty(), Optional.empty(), DEFAULT_API_TIMEOUT, "info");
    }

    /** Start and supervise the gobgpd at {@code path}. */
    public static GobgpdSettings supervised(Path path) {
        return new GobgpdSettings(Optional.of(path), Optional.empty(), DEFAULT_API_TIMEOUT, "info");
    }

    /** Attach to the running gobgpd whose API listens at {@code api}. */
    public static GobgpdSettings attach(InetSocketAddress api) {
        return new GobgpdSettings(Optional.empty(), Optional.of(api), DEFAULT_API_TIMEOUT, "info");
    }

    public GobgpdSettings withLogLevel(String level) {
        return new GobgpdSettings(gobgpdPath, apiAddress, apiTimeout, level);
    }

    public boolean supervised() {
        return apiAddress.isEmpty();
    }
}
