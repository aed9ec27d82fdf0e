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

    /** Runs {@code task} once, {@code delayNanos} from now. */
    Cancellable schedule(long delayNanos, Runnable task);

    /** A scheduled task. */
    @ConsumerType
    interface Cancellable {
        /** Keeps the task from running if it has not run yet; does nothing otherwise. */
        void cancel();
    }
}
