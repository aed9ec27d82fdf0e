package dev.herald.bfd.transport;

import dev.herald.bfd.session.BfdScheduler;
import io.netty.channel.EventLoop;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A {@link BfdScheduler} on a Netty event loop: the clock is {@link System#nanoTime()}, and the grid that transmit
 * moments, detection checks and socket reads of the endpoint share is {@link #GRID_NANOS} (docs/bfd.md, "CPU").
 */
final class EventLoopScheduler implements BfdScheduler {
    /** 5 ms: a jitter window of 50 ms x 25 % still holds two grid points to choose from. */
    static final long GRID_NANOS = 5_000_000;

    private final EventLoop loop;

    EventLoopScheduler(EventLoop loop) {
        this.loop = loop;
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public long gridNanos() {
        return GRID_NANOS;
    }

    /** From now to the next point of the grid (a full step if now is on one). */
    static long untilNextGridPoint() {
        return GRID_NANOS - Math.floorMod(System.nanoTime(), GRID_NANOS);
    }

    @Override
    public Cancellable schedule(long delayNanos, Runnable task) {
        ScheduledFuture<?> f = loop.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
        return () -> f.cancel(false);
    }
}
