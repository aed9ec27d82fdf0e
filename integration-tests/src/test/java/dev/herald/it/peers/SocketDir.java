package dev.herald.it.peers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

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
            dev.herald.it.Folders.deleteTree(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return path.toString();
    }
}
