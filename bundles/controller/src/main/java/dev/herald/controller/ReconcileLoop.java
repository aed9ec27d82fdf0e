package dev.herald.controller;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a reconcile pass on one thread whenever something changed: bursts of {@link #trigger()} collapse into one
 * pass, a failed pass is retried with exponential back-off (5 s doubling to 300 s by default), one that waits for
 * something ({@link PassResult}) after the initial back-off, and a change that arrives while a retry waits runs at
 * once instead of after the back-off (docs/bgp-policy.md, Behaviour §6).
 */
public final class ReconcileLoop implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReconcileLoop.class);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(60);

    private final Supplier<PassResult> pass;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final ScheduledExecutorService executor;
    private boolean dirty;
    private boolean scheduled;
    private int failures;
    private ScheduledFuture<?> retry;
    private volatile long passes;
    private volatile long errors;

    public ReconcileLoop(String name, Supplier<PassResult> pass, Duration initialBackoff, Duration maxBackoff) {
        this.pass = pass;
        this.initialBackoff = initialBackoff;
        this.maxBackoff = maxBackoff;
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    /** Something changed: run a pass as soon as the current one (if any) is done. */
    public synchronized void trigger() {
        if (executor.isShutdown()) {
            return; // closed: DS unbinds references after deactivation, and they trigger
        }
        dirty = true;
        if (retry != null) {
            retry.cancel(false); // a change does not wait for the back-off
            retry = null;
        }
        if (!scheduled) {
            scheduled = true;
            executor.execute(this::run);
        }
    }

    /** Passes run so far, and how many failed. */
    public long passes() {
        return passes;
    }

    public long errors() {
        return errors;
    }

    private void run() {
        synchronized (this) {
            scheduled = false;
            dirty = false;
        }
        passes++;
        try {
            PassResult result = pass.get();
            synchronized (this) {
                if (result.done()) {
                    failures = 0;
                } else {
                    // an expected wait (a service being bound): no failure, and not a success that ends a back-off
                    LOG.debug("Reconcile waiting for {}", result.waitingFor().get());
                    if (!dirty && !executor.isShutdown()) {
                        retry = executor.schedule(this::retry, initialBackoff.toMillis(), TimeUnit.MILLISECONDS);
                    }
                }
            }
        } catch (RuntimeException e) {
            errors++;
            synchronized (this) {
                failures++;
                Duration wait = backoff(failures);
                LOG.warn("Reconcile failed (attempt {}), retrying in {} s unless something changes first: {}",
                        failures, wait.toSeconds(), e.getMessage(), LOG.isDebugEnabled() ? e : null);
                if (!dirty && !executor.isShutdown()) {
                    retry = executor.schedule(this::retry, wait.toMillis(), TimeUnit.MILLISECONDS);
                }
            }
        }
    }

    private void retry() {
        synchronized (this) {
            retry = null;
            if (scheduled) {
                return;
            }
        }
        run();
    }

    /** The wait after {@code failures} failed passes in a row. */
    Duration backoff(int failures) {
        long ms = initialBackoff.toMillis() << Math.min(failures - 1, 20);
        return Duration.ofMillis(Math.min(ms, maxBackoff.toMillis()));
    }

    /**
     * Stops the loop and waits (up to a minute) for a pass under way to end: its successor must not start while
     * this one still drives the BGP server.
     */
    @Override
    public void close() throws InterruptedException {
        executor.shutdownNow();
        if (!executor.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
            LOG.error("A reconcile pass did not end within {} s of the controller stopping", CLOSE_WAIT.toSeconds());
        }
    }
}
