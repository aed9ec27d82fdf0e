package dev.herald.simulator.scenario;

import java.io.PrintStream;
import java.time.Duration;
import java.util.function.Supplier;

/** Waits for a scenario's checks to pass, with a progress line on a terminal. */
final class Poller {
    private static final Duration POLL = Duration.ofMillis(100);

    private final PrintStream out;
    private final boolean progress;

    /** @param progress print a progress line while waiting (for a terminal) */
    Poller(PrintStream out, boolean progress) {
        this.out = out;
        this.progress = progress;
    }

    /**
     * Polls a check until it passes (returns null) or time is up (returns what the check saw last). A check of a
     * large table costs real CPU, which the agents need: the pause between polls grows with the cost of a poll (at
     * least 100 ms, at most a fifth of the time busy).
     */
    String await(Duration within, Supplier<String> check, Supplier<String> progressLine) {
        long deadline = System.nanoTime() + within.toNanos();
        long lastProgress = 0;
        String last;
        while (true) {
            long t0 = System.nanoTime();
            last = check.get();
            long cost = System.nanoTime() - t0;
            if (last == null) {
                return null;
            }
            if (System.nanoTime() > deadline) {
                return "not within " + StepDescriptions.seconds(within) + ":\n" + last;
            }
            if (progress && System.nanoTime() - lastProgress > 1_000_000_000L) {
                out.print("\r  " + progressLine.get() + "   ");
                out.flush();
                lastProgress = System.nanoTime();
            }
            sleep(Duration.ofNanos(Math.max(POLL.toNanos(), 4 * cost)));
        }
    }

    /** Wipes the progress line before a step's result is printed. */
    void clearProgress() {
        if (progress) {
            out.print("\r" + " ".repeat(100) + "\r");
            out.flush();
        }
    }

    static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }
}
