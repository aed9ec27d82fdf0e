package dev.herald.bfd.transport;

import dev.herald.bfd.session.BfdScheduler;
import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link BfdScheduler} of one endpoint, on its Netty event loop: the clock is {@link System#nanoTime()}, and
 * the sessions' transmit moments, detection checks and the sockets' reads meet on the points of a
 * {@link #GRID_NANOS} grid (docs/bfd.md, "CPU"). The tasks of one grid point run from a single event-loop timer, so
 * they cost one wake-up of the thread together: timers of their own, set from clocks read microseconds apart, would
 * each wake it.
 */
final class EventLoopScheduler implements BfdScheduler {
    private static final Logger LOG = LoggerFactory.getLogger(EventLoopScheduler.class);
    /** 5 ms: a jitter window of 50 ms x 25 % still holds two grid points to choose from. */
    static final long GRID_NANOS = 5_000_000;

    private final EventLoop loop;
    /** Tasks by the grid point they are due at; touched on the event loop only. */
    private final Map<Long, List<Task>> points = new HashMap<>();

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

    /** The next point of the grid after now. */
    static long nextGridPoint() {
        long now = System.nanoTime();
        return now - Math.floorMod(now, GRID_NANOS) + GRID_NANOS;
    }

    @Override
    public Cancellable schedule(long delayNanos, Runnable task) {
        ScheduledFuture<?> f = loop.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
        return () -> f.cancel(false);
    }

    @Override
    public Cancellable scheduleAt(long atNanos, Runnable task) {
        if (Math.floorMod(atNanos, GRID_NANOS) != 0 || !loop.inEventLoop()) {
            return schedule(atNanos - nanoTime(), task);
        }
        Task t = new Task(task);
        points.computeIfAbsent(atNanos, at -> {
            loop.schedule(() -> runPoint(at), Math.max(0, at - nanoTime()), TimeUnit.NANOSECONDS);
            return new ArrayList<>();
        }).add(t);
        return t;
    }

    private void runPoint(long at) {
        List<Task> due = points.remove(at);
        if (due == null) {
            return;
        }
        for (Task t : due) {
            if (!t.cancelled) {
                try {
                    t.run.run();
                } catch (RuntimeException e) {
                    LOG.warn("BFD timer task failed", e);
                }
            }
        }
    }

    private static final class Task implements Cancellable {
        final Runnable run;
        boolean cancelled;

        Task(Runnable run) {
            this.run = run;
        }

        @Override
        public void cancel() {
            cancelled = true;
        }
    }
}
