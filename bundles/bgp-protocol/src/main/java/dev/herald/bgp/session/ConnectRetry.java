package dev.herald.bgp.session;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The connect-retry timer of one peer: a delay with jitter that starts at 5 s and doubles to at most 120 s while the
 * peer stays unreachable (an Established session resets it), or the configured fixed delay with the same jitter.
 * Event loop only.
 */
final class ConnectRetry {
    private final EventLoop loop;
    private ScheduledFuture<?> retry;
    private int failures;

    ConnectRetry(EventLoop loop) {
        this.loop = loop;
    }

    /** Runs {@code connect} after the next delay, unless a retry is already scheduled. */
    void schedule(int fixedSeconds, Runnable connect) {
        if (retry != null) {
            return;
        }
        double random = ThreadLocalRandom.current().nextDouble();
        long delay = fixedSeconds > 0 ? (long) (fixedSeconds * 1000L * (0.75 + 0.25 * random))
                : retryDelayMillis(failures, random);
        failures++;
        retry = loop.schedule(() -> {
            retry = null;
            connect.run();
        }, delay, TimeUnit.MILLISECONDS);
    }

    /** A session became Established: the back-off starts over. */
    void reset() {
        failures = 0;
        cancel();
    }

    void cancel() {
        if (retry != null) {
            retry.cancel(false);
            retry = null;
        }
    }

    /**
     * The connect-retry delay after {@code failures} failed attempts in a row: 5 s doubling up to 120 s, times a
     * jitter factor in 0.75..1 (RFC 4271 §10) drawn from {@code random} in [0, 1).
     */
    static long retryDelayMillis(int failures, double random) {
        return Backoff.CONNECT_RETRY.delayMillis(failures, random);
    }
}
