package dev.herald.it.peers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A short private folder in /tmp for one daemon's Unix sockets. A socket path has at most 107 bytes, so a socket
 * under a test's folder (target/ of a deep checkout) cannot be bound: docs/development.md, pitfall 23. Configs and
 * logs stay in the test's folder; only the sockets come here. {@link #close()} removes the folder.
 */
final class SocketDir implements AutoCloseable {
    /** Not java.io.tmpdir: that may be set to a deep folder too. */
    private static final Path ROOT = Path.of("/tmp");

    private final Path path;

    private SocketDir(Path path) {
        this.path = path;
    }

    static SocketDir create() throws IOException {
        return new SocketDir(Files.createTempDirectory(ROOT, "hd"));
    }

    Path path() {
        return path;
    }

    Path resolve(String name) {
        return path.resolve(name);
    }

    @Override
    public void close() {
        try {
            deleteTree(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes a folder and everything in it; nothing happens if it does not exist. */
    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Override
    public String toString() {
        return path.toString();
    }
}
