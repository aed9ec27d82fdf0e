package dev.herald.bfd.session;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * The clock and timers a {@link BfdStateMachine} runs on. Tasks run on the one thread that also calls the state
 * machine (a Netty event loop, or a test's fake clock), never concurrently with it.
 */
@ConsumerType
public interface BfdScheduler {
    /** A monotonic time in nanoseconds, as {@link System#nanoTime()}. */
    long nanoTime();

    /**
     * The grid, in nanoseconds of {@link #nanoTime()}, that timers which may move a little should fall on, so that
     * one wake-up of the thread serves several sessions (docs/bfd.md, "CPU"); 0 for none.
     */
    default long gridNanos() {
        return 0;
    }

    /** Runs {@code task} once, {@code delayNanos} from now. */
    Cancellable schedule(long delayNanos, Runnable task);

    /**
     * Runs {@code task} once at {@code atNanos} of {@link #nanoTime()}; tasks due at one point of the grid may run
     * together.
     */
    default Cancellable scheduleAt(long atNanos, Runnable task) {
        return schedule(atNanos - nanoTime(), task);
    }

    /** A scheduled task. */
    @ConsumerType
    interface Cancellable {
        /** Keeps the task from running if it has not run yet; does nothing otherwise. */
        void cancel();
    }
}
