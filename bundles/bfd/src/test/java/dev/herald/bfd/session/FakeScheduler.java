package dev.herald.bfd.session;

import java.util.PriorityQueue;

/** A clock that moves only when the test says, running due tasks in time order. */
final class FakeScheduler implements BfdScheduler {
    private record Task(long due, long seq, Runnable run, boolean[] cancelled) {
    }

    private final PriorityQueue<Task> tasks = new PriorityQueue<>((a, b) -> a.due != b.due
            ? Long.compare(a.due, b.due) : Long.compare(a.seq, b.seq));
    private long now = 1_000_000_000L;
    private long seq;
    private final long grid;

    FakeScheduler() {
        this(0);
    }

    /** A scheduler whose timers may be aligned to {@code gridNanos}, as the Netty one's are. */
    FakeScheduler(long gridNanos) {
        this.grid = gridNanos;
    }

    @Override
    public long gridNanos() {
        return grid;
    }

    @Override
    public long nanoTime() {
        return now;
    }

    @Override
    public Cancellable schedule(long delayNanos, Runnable task) {
        boolean[] cancelled = {false};
        tasks.add(new Task(now + Math.max(0, delayNanos), seq++, task, cancelled));
        return () -> cancelled[0] = true;
    }

    /** Moves the clock forward by {@code nanos}, running every task that falls due on the way. */
    void advance(long nanos) {
        long end = now + nanos;
        for (int guard = 0; guard < 1_000_000; guard++) {
            Task t = tasks.peek();
            if (t == null || t.due > end) {
                now = end;
                return;
            }
            tasks.poll();
            now = t.due;
            if (!t.cancelled[0]) {
                t.run.run();
            }
        }
        throw new AssertionError("more than a million timer tasks: a loop");
    }

    /** The thread stalls for {@code nanos} (a GC pause): the clock moves, nothing runs. */
    void stall(long nanos) {
        now += nanos;
    }

    /**
     * Runs the tasks that are due and were scheduled before this call, in time order, as an event loop does after a
     * stall; tasks they schedule wait for the next call (the loop reads its sockets in between).
     */
    void runOverdue() {
        long before = seq;
        while (!tasks.isEmpty() && tasks.peek().due <= now && tasks.peek().seq < before) {
            Task t = tasks.poll();
            if (!t.cancelled[0]) {
                t.run.run();
            }
        }
    }

    void advanceMillis(long ms) {
        advance(ms * 1_000_000);
    }
}
