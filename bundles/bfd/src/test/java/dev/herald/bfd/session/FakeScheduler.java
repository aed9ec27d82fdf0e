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

    void advanceMillis(long ms) {
        advance(ms * 1_000_000);
    }
}
