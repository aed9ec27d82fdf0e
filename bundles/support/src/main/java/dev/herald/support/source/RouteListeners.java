package dev.herald.support.source;

import dev.herald.api.spi.Registration;
import dev.herald.api.spi.RouteSource;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listeners of one route source. Thread-safe: listeners come and go from any thread while another fires; a
 * listener that throws is logged and does not keep the others from being told.
 */
public final class RouteListeners {
    private static final Logger LOG = LoggerFactory.getLogger(RouteListeners.class);

    private final List<Entry> entries = new CopyOnWriteArrayList<>();

    public Registration add(RouteSource.Listener listener) {
        // one entry per call, so that the same listener added twice is removed once per close
        Entry entry = new Entry(Objects.requireNonNull(listener, "listener"));
        entries.add(entry);
        return () -> entries.remove(entry);
    }

    /** Tells every listener; {@code owners} empty means "anything may have changed". */
    public void fire(RouteSource source, Set<String> owners) {
        Set<String> copy = Set.copyOf(owners);
        for (Entry e : entries) {
            try {
                e.listener.routesChanged(source, copy);
            } catch (RuntimeException ex) {
                LOG.warn("A route listener failed on a change of {}: {}", copy, ex.toString(), ex);
            }
        }
    }

    private static final class Entry {
        final RouteSource.Listener listener;

        Entry(RouteSource.Listener listener) {
            this.listener = listener;
        }
    }
}
