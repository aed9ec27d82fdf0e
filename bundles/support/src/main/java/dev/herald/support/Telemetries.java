package dev.herald.support;

import dev.herald.api.spi.Telemetry;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every {@link Telemetry} service a bundle has bound, as one: DS components add and remove them as the metrics
 * bundle comes and goes, and the code they drive calls this one object. A recorder that throws is logged and skipped;
 * metrics never break the work they measure.
 */
public final class Telemetries implements Telemetry {
    private static final Logger LOG = LoggerFactory.getLogger(Telemetries.class);
    private final CopyOnWriteArrayList<Telemetry> all = new CopyOnWriteArrayList<>();
    private volatile boolean warned;

    public void add(Telemetry t) {
        all.addIfAbsent(t);
    }

    public void remove(Telemetry t) {
        all.remove(t);
    }

    @Override
    public void reconciled(Duration took, Optional<String> failure) {
        for (Telemetry t : all) {
            try {
                t.reconciled(took, failure);
            } catch (RuntimeException e) {
                failed(e);
            }
        }
    }

    @Override
    public void backendSwapped(String from, String to, Duration took, boolean converged) {
        for (Telemetry t : all) {
            try {
                t.backendSwapped(from, to, took, converged);
            } catch (RuntimeException e) {
                failed(e);
            }
        }
    }

    @Override
    public void watchEvent(String kind, String type) {
        for (Telemetry t : all) {
            try {
                t.watchEvent(kind, type);
            } catch (RuntimeException e) {
                failed(e);
            }
        }
    }

    private void failed(RuntimeException e) {
        if (!warned) {
            warned = true; // once: a broken recorder fails on every event
            LOG.warn("A metrics recorder failed; its metrics miss events until the metrics bundle is updated", e);
        } else {
            LOG.debug("A metrics recorder failed again", e);
        }
    }
}
