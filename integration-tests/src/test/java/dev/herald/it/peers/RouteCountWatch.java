package dev.herald.it.peers;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Polls BIRD's route count as fast as birdc answers, on its own thread, and keeps the lowest value seen: the proof
 * that no route was lost while something was swapped or restarted. A birdc failure counts as a loss (-1).
 */
public final class RouteCountWatch implements AutoCloseable {
    private final AtomicLong min = new AtomicLong(Long.MAX_VALUE);
    private final AtomicLong polls = new AtomicLong();
    private final Thread thread;

    private RouteCountWatch(BirdDaemon bird) {
        thread = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    min.accumulateAndGet(bird.routeCount(), Math::min);
                    polls.incrementAndGet();
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    min.set(-1);
                }
            }
        }, "bird-route-count");
        thread.setDaemon(true);
    }

    public static RouteCountWatch start(BirdDaemon bird) {
        RouteCountWatch w = new RouteCountWatch(bird);
        w.thread.start();
        return w;
    }

    /** The lowest count seen so far. */
    public long min() {
        return min.get();
    }

    public long polls() {
        return polls.get();
    }

    /** Stops polling (bounded wait). */
    @Override
    public void close() throws InterruptedException {
        thread.interrupt();
        thread.join(10_000);
    }
}
