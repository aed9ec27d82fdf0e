package dev.herald.simulator.cluster;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The requests the emulated API server served, oldest first: kept in memory (the newest {@link #CAPACITY}) and,
 * once {@link #writeTo} is called, also written to a file as JSON lines, one per request as it is served.
 */
final class ApiRequestLog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ApiRequestLog.class);
    /** Enough for a scale run's agents; a cluster kept running for days forgets its oldest requests. */
    static final int CAPACITY = 100_000;

    private final Deque<ApiRequest> requests = new ArrayDeque<>();
    private BufferedWriter file;

    synchronized void add(ApiRequest r) {
        if (requests.size() == CAPACITY) {
            requests.removeFirst();
        }
        requests.addLast(r);
        if (file != null) {
            try {
                write(r);
                file.flush();
            } catch (IOException e) {
                LOG.warn("Cannot write the API request log any more: {}", e.getMessage());
                closeFile();
            }
        }
    }

    synchronized List<ApiRequest> all() {
        return List.copyOf(new ArrayList<>(requests));
    }

    /** Writes what is recorded so far to {@code path} (replacing it), then every request as it is served. */
    synchronized void writeTo(Path path) throws IOException {
        closeFile();
        file = Files.newBufferedWriter(path, StandardCharsets.UTF_8);
        for (ApiRequest r : requests) {
            write(r);
        }
        file.flush();
    }

    private void write(ApiRequest r) throws IOException {
        file.write(r.toJson());
        file.newLine();
    }

    private void closeFile() {
        if (file != null) {
            try {
                file.close();
            } catch (IOException ignored) {
                // nothing more to write
            }
            file = null;
        }
    }

    @Override
    public synchronized void close() {
        closeFile();
    }
}
